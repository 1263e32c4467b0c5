"""Changes to a person's own record. Each is atomic and audited without copying the details:
the audit log says that access requirements changed, never what they are."""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from people.models import (
    AccessNeed,
    AccessNeedType,
    PersonMemberType,
    Profile,
)


def profile_for(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def member_types_set(*, user: User, member_types: list[str]) -> None:
    PersonMemberType.objects.filter(user=user).exclude(member_type__in=member_types).delete()
    existing = set(PersonMemberType.objects.filter(user=user).values_list("member_type", flat=True))
    PersonMemberType.objects.bulk_create(
        PersonMemberType(user=user, member_type=value)
        for value in member_types
        if value not in existing
    )


@transaction.atomic
def access_needs_save(
    *,
    profile: Profile,
    selections: dict[AccessNeedType, str],
    notes: str,
    share_with_group: bool,
) -> None:
    user = profile.user
    AccessNeed.objects.filter(user=user).exclude(need_type__in=list(selections)).delete()
    for need_type, detail in selections.items():
        AccessNeed.objects.update_or_create(
            user=user, need_type=need_type, defaults={"detail": detail}
        )
    profile.access_notes = notes
    profile.share_access_with_group = share_with_group
    profile.access_recorded_at = timezone.now()
    profile.save(update_fields=["access_notes", "share_access_with_group", "access_recorded_at"])
    AuditEvent.record(
        actor=user,
        action="access.updated",
        summary=_("Updated their access requirements"),
        subject=user,
    )


def access_needs_viewed(*, viewer: User, person: User, project: models.Model, purpose: str) -> None:
    """Record that someone other than the person saw their access requirements, and why.

    `project` is the group they saw them for; people sits below projects, so it is typed as
    any model, as the audit log's own field is.
    """
    AuditEvent.record(
        actor=viewer,
        action="access.viewed",
        summary=_("Viewed the access requirements of %(person)s: %(purpose)s")
        % {"person": person.full_name, "purpose": purpose},
        project=project,
        subject=person,
        data={"purpose": purpose},
    )


def access_needs_of(user: User) -> list[AccessNeed]:
    return list(AccessNeed.objects.filter(user=user).select_related("need_type"))
