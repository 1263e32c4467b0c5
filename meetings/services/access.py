"""Changes to a meeting's access plan: support booked, reasons for unmet needs, readiness.

Each change is atomic and audited. Marking a meeting ready works the plan out again inside
the transaction, with the meeting's row locked, so a booking removed a moment earlier
cannot slip through; the status itself changes through `Meeting.change_status`, like every
other status change.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import save_if_unchanged
from meetings.access_plan import AccessPlan, access_plan
from meetings.models import (
    Arrangement,
    ArrangementKind,
    Meeting,
    MeetingStatus,
    UnmetNeedReason,
)


class AccessPlanError(Exception):
    """A change that cannot be made, with the words for the page."""


def _kind(arrangement: Arrangement) -> str:
    return str(ArrangementKind(arrangement.kind).label)


# ---------------------------------------------------------------------------------------------
# Support booked


@transaction.atomic
def arrangement_add(*, arrangement: Arrangement, actor: User) -> None:
    arrangement.save()
    AuditEvent.record(
        actor=actor,
        action="arrangement.added",
        summary=_("Booked support for “%(title)s”: %(kind)s%(state)s")
        % {
            "kind": _kind(arrangement),
            "title": arrangement.meeting.title,
            "state": "" if arrangement.confirmed else _(" (not confirmed yet)"),
        },
        project=arrangement.meeting.project,
    )


@transaction.atomic
def arrangement_update(
    *, arrangement: Arrangement, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields; raises StaleEdit if someone else saved first."""
    if not changed:
        return
    save_if_unchanged(arrangement, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="arrangement.updated",
        summary=_("Changed a booking for “%(title)s”: %(kind)s")
        % {"kind": _kind(arrangement), "title": arrangement.meeting.title},
        project=arrangement.meeting.project,
        data={"changed": sorted(changed), "confirmed": arrangement.confirmed},
    )


@transaction.atomic
def arrangement_remove(*, arrangement: Arrangement, actor: User) -> None:
    AuditEvent.record(
        actor=actor,
        action="arrangement.removed",
        summary=_("Removed a booking for “%(title)s”: %(kind)s")
        % {"kind": _kind(arrangement), "title": arrangement.meeting.title},
        project=arrangement.meeting.project,
    )
    arrangement.delete()


# ---------------------------------------------------------------------------------------------
# Needs that cannot be met


def _unmet_reason_insert(reason: UnmetNeedReason) -> None:
    try:
        with transaction.atomic():
            reason.save()
    except IntegrityError as error:
        # One reason per need and meeting: someone else recorded theirs a moment earlier.
        reason.pk = None
        raise AccessPlanError(
            _(
                "Someone else recorded a reason for this need at the same moment. Go back to "
                "the access plan to read it, and change it there if needed."
            )
        ) from error


@transaction.atomic
def unmet_reason_save(
    *, reason: UnmetNeedReason, actor: User, expected_version: int | None = None
) -> None:
    """Record why a need cannot be met and what was offered, or change what was recorded.

    A change from a form names the version it started from: StaleEdit if someone saved first.
    """
    adding = reason.pk is None
    reason.recorded_by = actor
    reason.recorded_at = timezone.now()
    if not adding and expected_version is not None:
        fields = ["reason", "offered_instead", "recorded_by", "recorded_at"]
        save_if_unchanged(reason, expected_version=expected_version, fields=fields)
    else:
        _unmet_reason_insert(reason)
    AuditEvent.record(
        actor=actor,
        action="unmet_reason.recorded" if adding else "unmet_reason.updated",
        summary=(
            _("Recorded why “%(need)s” cannot be met at “%(title)s”")
            if adding
            else _("Changed why “%(need)s” cannot be met at “%(title)s”")
        )
        % {"need": reason.need_type.name, "title": reason.meeting.title},
        project=reason.meeting.project,
    )


@transaction.atomic
def unmet_reason_remove(*, reason: UnmetNeedReason, actor: User) -> None:
    AuditEvent.record(
        actor=actor,
        action="unmet_reason.removed",
        summary=_("Removed the reason “%(need)s” cannot be met at “%(title)s”")
        % {"need": reason.need_type.name, "title": reason.meeting.title},
        project=reason.meeting.project,
    )
    reason.delete()


# ---------------------------------------------------------------------------------------------
# Ready, and back to planning


def unmet_error(plan: AccessPlan) -> str:
    names = ", ".join(need_type.name for need_type in plan.unmet_need_types)
    return _(
        "The meeting cannot be marked ready while these needs are not met: %(names)s. "
        "Arrange them, or record why each cannot be met and what was offered instead."
    ) % {"names": names}


@transaction.atomic
def meeting_mark_ready(*, meeting: Meeting, actor: User) -> AccessPlan:
    """Mark the meeting ready. Raises AccessPlanError, saying why, when it cannot be."""
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("venue", "project")
        .get(pk=meeting.pk)
    )
    if problem := locked.ready_problem():
        raise AccessPlanError(problem)
    plan = access_plan(locked)
    if not plan.complete:
        raise AccessPlanError(unmet_error(plan))
    if not meeting.change_status(
        expected=[MeetingStatus.PLANNING], new=MeetingStatus.READY, ready_at=timezone.now()
    ):
        raise AccessPlanError(_("Someone else changed the meeting at the same moment. Try again."))
    AuditEvent.record(
        actor=actor,
        action="meeting.ready",
        summary=_("Marked “%(title)s” ready") % {"title": locked.title},
        project=locked.project,
        data={
            "reasons": [reason.need_type.code for reason in plan.reasons],
            "to_check": sorted({row.need_type.code for row in plan.to_check}),
        },
    )
    return plan


@transaction.atomic
def meeting_back_to_planning(*, meeting: Meeting, actor: User) -> None:
    if not meeting.change_status(
        expected=[MeetingStatus.READY], new=MeetingStatus.PLANNING, ready_at=None
    ):
        raise AccessPlanError(_("Only a meeting marked ready can go back to planning."))
    AuditEvent.record(
        actor=actor,
        action="meeting.back_to_planning",
        summary=_("Moved “%(title)s” back to planning") % {"title": meeting.title},
        project=meeting.project,
    )
