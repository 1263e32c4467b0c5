"""What co-production means here: the organisation's words, a project's own version of them,
and members saying they have read them (a step of their onboarding)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import save_if_unchanged
from projects.models import Membership, Project


def coproduction_meaning(project: Project) -> tuple[str, bool]:
    """The words the project's members read, and whether they are the project's own."""
    if project.coproduction_meaning.strip():
        return project.coproduction_meaning, True
    return Organisation.current().coproduction_meaning, False


@transaction.atomic
def project_meaning_update(
    *, project: Project, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the project's own words; raises StaleEdit if someone else saved first."""
    if not changed:
        return
    save_if_unchanged(project, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="project.meaning_changed",
        summary=_("Changed what co-production means in the group"),
        project=project,
    )


@transaction.atomic
def meaning_read_confirm(*, membership: Membership) -> bool:
    """Record that the member has read it. False if they already had: the first date stays."""
    updated = Membership.objects.filter(pk=membership.pk, meaning_read_at__isnull=True).update(
        meaning_read_at=timezone.now()
    )
    if updated:
        AuditEvent.record(
            actor=membership.user,
            action="membership.meaning_read",
            summary=_("Read what co-production means in the group"),
            project=membership.project,
        )
    return bool(updated)
