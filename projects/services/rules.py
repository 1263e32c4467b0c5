"""Changes to a group's ground rules: the shared draft, adopting a version, members' answers."""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import StaleEdit, save_if_unchanged
from projects.models import (
    GroundRulesAnswer,
    GroundRulesDraft,
    GroundRulesVersion,
    Membership,
    Project,
)


class RulesError(Exception):
    """A change to the ground rules that cannot be made, with a message for the person."""


def current_ground_rules(project: Project) -> GroundRulesVersion | None:
    return GroundRulesVersion.objects.filter(project=project).order_by("-number").first()


def member_agreed_at(membership: Membership) -> datetime.datetime | None:
    """When the member agreed to the current ground rules; None if they have not."""
    answer = GroundRulesAnswer.objects.filter(
        version=current_ground_rules(membership.project), user=membership.user_id, agrees=True
    ).first()
    return answer.answered_at if answer else None


@transaction.atomic
def ground_rules_draft_save(*, draft: GroundRulesDraft, actor: User, expected_version: int) -> None:
    """Save the draft's new text; raises StaleEdit if someone else saved it first."""
    draft.updated_by = actor
    if draft.pk is None:
        try:
            with transaction.atomic():
                draft.save()
        except IntegrityError as error:
            raise StaleEdit from error  # two people started the first draft at once
    else:
        save_if_unchanged(draft, expected_version=expected_version, fields=["text", "updated_by"])
    AuditEvent.record(
        actor=actor,
        action="ground_rules.draft_changed",
        summary=_("Changed the draft of the ground rules"),
        project=draft.project,
    )


@transaction.atomic
def ground_rules_adopt(
    *, project: Project, actor: User, change_note: str, discussed: str
) -> GroundRulesVersion:
    """Make the draft the group's current ground rules, as a new numbered version."""
    # Locking the project keeps version numbers in order when two leaders adopt at once.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    draft = GroundRulesDraft.objects.filter(project=project).first()
    if draft is None or not draft.rules:
        raise RulesError(_("There is no draft to adopt yet. Write the rules in the draft first."))
    current = current_ground_rules(project)
    if current is not None and current.text == draft.text:
        raise RulesError(_("The draft is the same as the current ground rules: nothing to adopt."))
    version = GroundRulesVersion.objects.create(
        project=project,
        number=(current.number if current else 0) + 1,
        text=draft.text,
        change_note=change_note.strip(),
        discussed=discussed,
        adopted_by=actor,
    )
    AuditEvent.record(
        actor=actor,
        action="ground_rules.adopted",
        summary=_("Adopted version %(n)s of the ground rules") % {"n": version.number},
        project=project,
        data={"version": version.number},
    )
    return version


@transaction.atomic
def ground_rules_answer(
    *, version: GroundRulesVersion, user: User, agrees: bool, cannot_agree_with: str
) -> GroundRulesAnswer:
    """Record that a member agrees to a version, or what they cannot agree to."""
    answer, _created = GroundRulesAnswer.objects.update_or_create(
        version=version,
        user=user,
        defaults={"agrees": agrees, "cannot_agree_with": "" if agrees else cannot_agree_with},
    )
    AuditEvent.record(
        actor=user,
        action="ground_rules.answered",
        summary=(
            _("Agreed to version %(n)s of the ground rules")
            if agrees
            else _("Said what they cannot agree to in version %(n)s of the ground rules")
        )
        % {"n": version.number},
        project=version.project,
        subject=user,
    )
    return answer
