"""What projects keeps about a person: the groups they belong to, how they joined, the skills
they offered, where a group names them as a contact, what they expect and what frustrates them.

Erasure ends their current memberships but keeps the rows, so a group's history (who was a
member, and when) still adds up, with "Former member" for their name.
"""

from django.db.models import Model, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.personal_data import (
    FORMER_MEMBER,
    Section,
    anonymous_email,
)
from projects.models import (
    EqualityReceipt,
    Expectation,
    Frustration,
    GroundRulesAnswer,
    GroundRulesDraft,
    GroundRulesNotice,
    GroundRulesVersion,
    Invitation,
    Membership,
    MembershipPause,
    Milestone,
    Outcome,
    OutcomeTask,
    Project,
    Skill,
    SkillOffer,
    Stakeholder,
    Theme,
    ThemeRank,
)

MODELS = (
    Membership,
    MembershipPause,
    Invitation,
    SkillOffer,
    EqualityReceipt,
    Stakeholder,
    GroundRulesAnswer,
    Outcome,
    OutcomeTask,
    Milestone,
    Expectation,
    Frustration,
    GroundRulesNotice,
)
# Rows that keep pointing at the account after erasure, because they are the group's record.
KEPT = {
    Project: _("who set up a group"),
    GroundRulesDraft: _("who last changed a group's draft ground rules"),
    GroundRulesVersion: _("who adopted a version of a group's ground rules"),
    ThemeRank: _("how someone ranked a group's themes, which counted in the group's order"),
}


def export(user: User) -> list[Section]:
    memberships = Membership.objects.filter(user=user).select_related("project")
    invitations = Invitation.objects.filter(accepted_by=user).select_related("project")
    offers = SkillOffer.objects.filter(user=user).select_related("skill__project")
    answered = EqualityReceipt.objects.filter(user=user).select_related("project")
    contacts = Stakeholder.objects.filter(contact__icontains=user.email).select_related("project")
    sections = [
        Section(
            key="memberships",
            title=_("Your groups"),
            columns=[
                ("project", _("Group")),
                ("role", _("Role")),
                ("member_type", _("Taking part as")),
                ("joined_at", _("Joined")),
                ("left_at", _("Left")),
                ("meaning_read_at", _("Read what co-production means here")),
            ],
            rows=[
                {
                    "project": membership.project.name,
                    "role": membership.get_role_display(),
                    "member_type": membership.get_member_type_display(),
                    "joined_at": membership.joined_at,
                    "left_at": membership.left_at,
                    "meaning_read_at": membership.meaning_read_at,
                }
                for membership in memberships
            ],
        ),
        Section(
            key="invitations_accepted",
            title=_("Invitations you accepted"),
            columns=[
                ("project", _("Group")),
                ("invited_at", _("Invited")),
                ("accepted_at", _("Accepted")),
            ],
            rows=[
                {
                    "project": invitation.project.name,
                    "invited_at": invitation.created_at,
                    "accepted_at": invitation.accepted_at,
                }
                for invitation in invitations
            ],
        ),
        Section(
            key="skill_offers",
            title=_("Skills you offered"),
            columns=[("project", _("Group")), ("skill", _("Skill")), ("offered_at", _("Offered"))],
            rows=[
                {
                    "project": offer.skill.project.name,
                    "skill": offer.skill.name,
                    "offered_at": offer.created_at,
                }
                for offer in offers
            ],
        ),
        Section(
            key="equality_questions_answered",
            title=_("Equality questions you answered (never your answers: we cannot tell them)"),
            columns=[("project", _("Group"))],
            rows=[{"project": receipt.project.name} for receipt in answered],
        ),
        Section(
            key="named_as_contact",
            title=_("Where a group names you as a contact"),
            columns=[
                ("project", _("Group")),
                ("stakeholder", _("Stakeholder")),
                ("contact", _("Contact")),
            ],
            rows=[
                {
                    "project": stakeholder.project.name,
                    "stakeholder": stakeholder.name,
                    "contact": stakeholder.contact,
                }
                for stakeholder in contacts
            ],
        ),
    ]
    return [*sections, *_shape_sections(user), *_voice_sections(user)]


def _shape_sections(user: User) -> list[Section]:
    """What a person said about how their groups work, when they paused, and what in their
    groups' plans they look after."""
    rules = GroundRulesAnswer.objects.filter(user=user).select_related("version__project")
    ranks = ThemeRank.objects.filter(user=user).select_related("project", "theme")
    pauses = MembershipPause.objects.filter(membership__user=user).select_related(
        "membership__project"
    )
    looked_after = [
        *(
            (outcome.project.name, _("Outcome"), outcome.title, outcome.get_status_display())
            for outcome in Outcome.objects.filter(owner=user).select_related("project")
        ),
        *(
            (task.outcome.project.name, _("Task"), task.title, task.get_status_display())
            for task in OutcomeTask.objects.filter(owner=user).select_related("outcome__project")
        ),
        *(
            (
                milestone.project.name,
                _("Milestone"),
                milestone.title,
                milestone.get_status_display(),
            )
            for milestone in Milestone.objects.filter(owner=user).select_related("project")
        ),
    ]
    return [
        Section(
            key="plan_items_looked_after",
            title=_("What you look after in your groups' plans"),
            columns=[
                ("project", _("Group")),
                ("kind", _("What it is")),
                ("title", _("Title")),
                ("status", _("Status")),
            ],
            rows=[
                {"project": project, "kind": kind, "title": title, "status": status}
                for project, kind, title, status in looked_after
            ],
        ),
        Section(
            key="pauses",
            title=_("When you paused your membership"),
            columns=[
                ("project", _("Group")),
                ("started_at", _("Paused")),
                ("return_on", _("Return date you gave")),
                ("ended_at", _("Came back")),
            ],
            rows=[
                {
                    "project": pause.membership.project.name,
                    "started_at": pause.started_at,
                    "return_on": pause.return_on,
                    "ended_at": pause.ended_at,
                }
                for pause in pauses
            ],
        ),
        Section(
            key="ground_rules_answers",
            title=_("Your answers to your groups' ground rules"),
            columns=[
                ("project", _("Group")),
                ("version", _("Version")),
                ("agrees", _("Agreed")),
                ("cannot_agree_with", _("What you could not agree to")),
                ("answered_at", _("Answered")),
            ],
            rows=[
                {
                    "project": answer.version.project.name,
                    "version": answer.version.number,
                    "agrees": answer.agrees,
                    "cannot_agree_with": answer.cannot_agree_with,
                    "answered_at": answer.answered_at,
                }
                for answer in rules
            ],
        ),
        Section(
            key="theme_ranks",
            title=_("How you ranked your groups' themes"),
            columns=[
                ("project", _("Group")),
                ("theme", _("Theme")),
                ("position", _("Your place for it")),
                ("ranked_at", _("Ranked")),
            ],
            rows=[
                {
                    "project": rank.project.name,
                    "theme": rank.theme.name,
                    "position": rank.position,
                    "ranked_at": rank.ranked_at,
                }
                for rank in ranks
            ],
        ),
    ]


def _voice_sections(user: User) -> list[Section]:
    """What a person said they expect from their groups, the frustrations they noted, and
    when they were told about new ground rules."""
    expectations = Expectation.objects.filter(user=user).select_related("project")
    frustrations = Frustration.objects.filter(raised_by=user).select_related("project")
    notices = GroundRulesNotice.objects.filter(user=user).select_related("version__project")
    return [
        Section(
            key="expectations",
            title=_("What you expect from your groups"),
            columns=[("project", _("Group")), ("text", _("What you expect")), ("at", _("Said"))],
            rows=[
                {"project": e.project.name, "text": e.text, "at": e.created_at}
                for e in expectations
            ],
        ),
        Section(
            key="frustrations",
            title=_("Frustrations you noted"),
            columns=[
                ("project", _("Group")),
                ("text", _("Frustration")),
                ("anonymous", _("Your name hidden from the group")),
                ("raised_at", _("Noted")),
                ("response", _("Response")),
                ("responded_at", _("Answered")),
            ],
            rows=[
                {
                    "project": f.project.name,
                    "text": f.text,
                    "anonymous": f.anonymous,
                    "raised_at": f.raised_at,
                    "response": f.response,
                    "responded_at": f.responded_at,
                }
                for f in frustrations
            ],
        ),
        Section(
            key="ground_rules_notices",
            title=_("When we told you about new ground rules"),
            columns=[
                ("project", _("Group")),
                ("version", _("Version")),
                ("way", _("How")),
                ("at", _("When")),
            ],
            rows=[
                {
                    "project": n.version.project.name,
                    "version": n.version.number,
                    "way": n.get_way_display(),
                    "at": n.created_at,
                }
                for n in notices
            ],
        ),
    ]


def erase(user: User) -> None:
    former = str(FORMER_MEMBER)
    Invitation.objects.pending().filter(email__iexact=user.email).delete()
    Invitation.objects.filter(email__iexact=user.email).update(
        email=anonymous_email(user.pk), full_name=former, message=""
    )
    Membership.objects.current().filter(user=user).update(left_at=timezone.now())
    SkillOffer.objects.filter(user=user).delete()
    # That they answered only stopped them answering twice; the answers stay, unlinked.
    EqualityReceipt.objects.filter(user=user).delete()
    # A ranking holds no words of theirs and counted in the group's order: it stays, linked
    # only to "Former member", so the order the group agreed does not change afterwards.
    # Their answers to the ground rules are their own words; they leave with them.
    GroundRulesAnswer.objects.filter(user=user).delete()
    # The plan stays the group's; it just no longer names them as looking after anything.
    for model in (Outcome, OutcomeTask, Milestone):
        model._default_manager.filter(owner=user).update(owner=None)
    for old in {user.email, user.full_name} - {""}:
        Stakeholder.objects.filter(contact__contains=old).update(
            contact=Replace("contact", Value(old), Value(former))
        )
    # What they expect is their own words about themselves: it leaves with them. A
    # frustration and its response are the group's record, which its reviews look back on:
    # the words stay, no longer linked to anyone.
    Expectation.objects.filter(user=user).delete()
    Frustration.objects.filter(raised_by=user).update(raised_by=None)
    Frustration.objects.filter(responded_by=user).update(responded_by=None)
    GroundRulesNotice.objects.filter(user=user).delete()


# Free text others write, where a person may be named: privacy looks in it before erasure.
MENTIONABLE: dict[type[Model], tuple[str, ...]] = {
    Project: ("purpose", "coproduction_meaning"),
    Stakeholder: ("name", "interest", "contact"),
    Skill: ("name", "description"),
    Invitation: ("message",),
    GroundRulesDraft: ("text",),
    GroundRulesVersion: ("text", "change_note"),
    GroundRulesAnswer: ("cannot_agree_with",),
    Outcome: ("title", "description"),
    OutcomeTask: ("title",),
    Milestone: ("title",),
    Theme: ("name", "description"),
    Expectation: ("text",),
    Frustration: ("text", "response"),
}
