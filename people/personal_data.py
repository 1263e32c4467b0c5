"""What people keeps about a person: their profile, what they bring and their access needs.

Erasure deletes all of it: none of it is part of a group's record.
"""

from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.personal_data import Section
from people.models import AccessNeed, PersonMemberType, Profile

MODELS = (Profile, PersonMemberType, AccessNeed)


def export(user: User) -> list[Section]:
    profile = Profile.objects.filter(user=user).first()
    needs = AccessNeed.objects.filter(user=user).select_related("need_type")
    return [
        Section(
            key="profile",
            title=_("Your profile"),
            columns=[
                ("preferred_name", _("What you like to be called")),
                ("pronouns", _("Pronouns")),
                ("bio", _("About you")),
                ("phone", _("Phone")),
                ("postal_address", _("Postal address")),
                ("contact_channels", _("How we contact you")),
                ("contact_frequency", _("How often")),
                ("best_times", _("Best times")),
                ("message_time", _("Time of your daily or weekly message")),
                ("language", _("Language")),
                ("attends_in_person", _("Takes part in person")),
                ("attends_by_video", _("Takes part by video call")),
                ("attends_by_phone", _("Takes part by phone")),
                ("written_only", _("Takes part in writing only")),
                ("access_notes", _("Other access notes")),
                ("share_access_with_group", _("Access requirements shared with your groups")),
                ("access_recorded_at", _("Access requirements last recorded")),
                ("updated_at", _("Profile last changed")),
            ],
            rows=[]
            if profile is None
            else [
                {
                    "preferred_name": profile.preferred_name,
                    "pronouns": profile.pronouns,
                    "bio": profile.bio,
                    "phone": profile.phone,
                    "postal_address": profile.postal_address,
                    "contact_channels": list(profile.channels),
                    "contact_frequency": profile.get_frequency_display(),
                    "best_times": profile.best_times,
                    "message_time": profile.message_time,
                    "language": profile.language,
                    "attends_in_person": profile.attends_in_person,
                    "attends_by_video": profile.attends_by_video,
                    "attends_by_phone": profile.attends_by_phone,
                    "written_only": profile.written_only,
                    "access_notes": profile.access_notes,
                    "share_access_with_group": profile.share_access_with_group,
                    "access_recorded_at": profile.access_recorded_at,
                    "updated_at": profile.updated_at,
                }
            ],
            record=True,
        ),
        Section(
            key="member_types",
            title=_("What you bring"),
            columns=[("member_type", _("What you bring"))],
            rows=[
                {"member_type": item.get_member_type_display()}
                for item in PersonMemberType.objects.filter(user=user)
            ],
            flat=True,
        ),
        Section(
            key="access_needs",
            title=_("Your access requirements"),
            columns=[
                ("requirement", _("Requirement")),
                ("detail", _("Detail")),
                ("category", _("Kind")),
                ("recorded_at", _("Recorded")),
            ],
            rows=[
                {
                    "requirement": need.need_type.name,
                    "category": need.need_type.get_category_display(),
                    "detail": need.detail,
                    "recorded_at": need.recorded_at,
                }
                for need in needs
            ],
        ),
    ]


def erase(user: User) -> None:
    Profile.objects.filter(user=user).delete()
    AccessNeed.objects.filter(user=user).delete()
    PersonMemberType.objects.filter(user=user).delete()


# Free text others write, where a person may be named: privacy looks in it before erasure.
MENTIONABLE: dict[type[Model], tuple[str, ...]] = {
    Profile: ("bio", "best_times", "access_notes"),
    AccessNeed: ("detail",),
}
