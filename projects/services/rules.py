"""Changes to a group's ground rules: the shared draft, adopting a version, members' answers."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import StaleEdit, save_if_unchanged
from coproduce.lib.email import email_send
from coproduce.lib.urls import site_root
from people.contact import ContactWay, contact_way, display_name, profiles_of
from projects.models import (
    GroundRulesAnswer,
    GroundRulesDraft,
    GroundRulesNotice,
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
    *,
    project: Project,
    actor: User,
    change_note: str,
    discussed: str,
    base_url: str | None = None,
    expected_version: int | None = None,
) -> GroundRulesVersion:
    """Make the draft the group's current ground rules, as a new numbered version, and tell
    every member who now has to agree to it (`ground_rules_notices_send`). With
    `expected_version` (the draft's version the leader read), StaleEdit if the draft changed
    since: nobody adopts rules they have not seen."""
    # Locking the project keeps version numbers in order when two leaders adopt at once;
    # locking the draft keeps it as read until the version holds its text.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    draft = GroundRulesDraft.objects.select_for_update().filter(project=project).first()
    if draft is None or not draft.rules:
        raise RulesError(_("There is no draft to adopt yet. Write the rules in the draft first."))
    if expected_version is not None and draft.version != expected_version:
        raise StaleEdit
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
    ground_rules_notices_send(version=version, actor=actor, base_url=base_url)
    return version


def ground_rules_notices_send(
    *, version: GroundRulesVersion, actor: User, base_url: str | None = None
) -> list[GroundRulesNotice]:
    """Tell each member who has to agree to this version, the way they asked to be told.

    Everyone's earlier answer was to an earlier version, so every current member has to agree
    again, except the leader adopting it, who knows, and members who have paused, who get
    nothing until they come back (the ground rules page still lists them as not agreed).
    People who take email as each thing happens get it at once; it is held for the daily or
    weekly message of those who asked for one; people who take no email are listed on the
    ground rules page for the leaders to phone or write to. Called inside the transaction
    that adopts the version, so the emails (queued tasks) and the notices stand or fall
    together.
    """
    project = version.project
    members = list(
        Membership.objects.active()
        .filter(project=project, user__is_active=True)
        .exclude(user=actor)
        .exclude(user__in=GroundRulesNotice.objects.filter(version=version).values("user_id"))
        .select_related("user")
    )
    profiles = profiles_of(member.user for member in members)
    now = timezone.now()
    notices = []
    for member in members:
        way = contact_way(member.user, profiles.get(member.user_id), essential=False)
        sent_at = now if way == ContactWay.EMAIL else None
        notices.append(
            GroundRulesNotice(
                version=version, user=member.user, way=way, created_at=now, sent_at=sent_at
            )
        )
    GroundRulesNotice.objects.bulk_create(notices)
    root = site_root(base_url)
    organisation = Organisation.current()
    for notice in notices:
        if notice.way != ContactWay.EMAIL:
            continue
        email_send(
            to=[notice.user.email],
            template="ground_rules_adopted",
            context={
                "organisation": organisation,
                "project": project,
                "version": version,
                "name": display_name(notice.user, profiles.get(notice.user.pk)),
                "agree_url": root + reverse("projects:ground_rules_agree", args=[project.pk]),
            },
        )
    return notices


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
