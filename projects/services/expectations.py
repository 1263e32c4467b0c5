"""What members expect from their group, frustrations as they come up, and the responses."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import save_if_unchanged
from projects.models import Expectation, Frustration, Project


@transaction.atomic
def expectation_save(*, project: Project, user: User, text: str) -> Expectation:
    """Record what the member expects, or replace what they said before."""
    expectation, created = Expectation.objects.update_or_create(
        project=project, user=user, defaults={"text": text}
    )
    AuditEvent.record(
        actor=user,
        action="expectation.recorded" if created else "expectation.changed",
        summary=(
            _("Said what they expect from the group")
            if created
            else _("Changed what they expect from the group")
        ),
        project=project,
        subject=user,
    )
    return expectation


@transaction.atomic
def frustration_note(*, project: Project, user: User, text: str, anonymous: bool) -> Frustration:
    """Note a frustration. The audit log always records who; an anonymous one is kept out of
    the project's own activity, which its leaders read, and names the project in its data."""
    frustration = Frustration.objects.create(
        project=project, raised_by=user, text=text, anonymous=anonymous
    )
    AuditEvent.record(
        actor=user,
        action="frustration.noted",
        summary=(
            _("Noted a frustration, without their name shown to the group")
            if anonymous
            else _("Noted a frustration")
        ),
        project=None if anonymous else project,
        data={"project": project.pk, "frustration": frustration.pk},
    )
    return frustration


@transaction.atomic
def frustration_respond(
    *, frustration: Frustration, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save a leader's response; raises StaleEdit if someone else saved one first."""
    if not changed:
        return
    first = frustration.responded_at is None
    # The response is signed by whoever wrote its words last, and dated then.
    frustration.responded_by = actor
    frustration.responded_at = timezone.now()
    save_if_unchanged(
        frustration,
        expected_version=expected_version,
        fields=["response", "responded_by", "responded_at"],
    )
    AuditEvent.record(
        actor=actor,
        action="frustration.answered" if first else "frustration.response_changed",
        summary=(
            _("Responded to a frustration") if first else _("Changed the response to a frustration")
        ),
        project=frustration.project,
        data={"frustration": frustration.pk},
    )
