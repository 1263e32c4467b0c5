"""The project's action log: a meeting's action points and the actions agreed between
meetings, in one list, with what blocks them, what is overdue, and reminders to owners.

A meeting's action points stay `meetings.ActionPoint` (recorded at the meeting, and
keeping their own progress); actions agreed between meetings are `decisions.Action`. The
log reads both as one query (a UNION), so it pages and counts like any other list.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import CharField, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import save_if_unchanged
from coproduce.lib.urls import site_root
from decisions.models import Action
from decisions.services import Refused
from meetings.models import ActionPoint, ActionStatus, AgendaItem, ItemPurpose, Meeting
from meetings.notify import members_tell
from meetings.services.agenda import agenda_item_add, agenda_overrun
from projects.models import Project

MEETING, BETWEEN = "meeting", "between"
BARRIERS_ITEM_MINUTES = 15


@dataclass(frozen=True)
class LogFilter:
    status: str = ""
    overdue: bool = False
    owner_id: int | None = None
    decision_id: int | None = None


def _columns(kind: str, meeting_id: Any, meeting_title: Any) -> dict[str, Any]:
    # The same names, in the same order, for both halves of the UNION.
    return {
        "kind": Value(kind, output_field=CharField()),
        "ref": F("pk"),
        "what": F("text"),
        "owner_ref": F("owner_id"),
        "owner_name": Coalesce(F("owner__full_name"), Value(""), output_field=CharField()),
        "due": F("due_on"),
        "state": F("status"),
        "why_blocked": F("barrier"),
        "meeting_ref": meeting_id,
        "meeting_name": meeting_title,
    }


def _filtered[Q_: QuerySet[Any]](rows: Q_, log_filter: LogFilter, today: datetime.date) -> Q_:
    if log_filter.status:
        rows = rows.filter(status=log_filter.status)
    if log_filter.overdue:
        rows = rows.filter(due_on__lt=today).exclude(status=ActionStatus.DONE)
    if log_filter.owner_id:
        rows = rows.filter(owner_id=log_filter.owner_id)
    return rows


def action_log(
    project: Project, log_filter: LogFilter = LogFilter(), *, today: datetime.date | None = None
) -> QuerySet[Any]:
    """Every action of the project as rows of plain values, blocked first, then by date."""
    today = today or timezone.localdate()
    points = _filtered(ActionPoint.objects.filter(meeting__project=project), log_filter, today)
    between = _filtered(Action.objects.filter(project=project), log_filter, today)
    if log_filter.decision_id:
        between = between.filter(decision_id=log_filter.decision_id)
        points = points.filter(agenda_item__group_decisions__pk=log_filter.decision_id)
    first = points.order_by().values(**_columns(MEETING, F("meeting_id"), F("meeting__title")))
    second = between.order_by().values(
        **_columns(
            BETWEEN,
            Value(None, output_field=IntegerField()),
            Value("", output_field=CharField()),
        )
    )
    rows: QuerySet[Any] = first.union(second, all=True)
    return rows.order_by(F("due").asc(nulls_last=True), "kind", "ref")


@dataclass(frozen=True)
class LogRow:
    kind: str
    pk: int
    text: str
    owner_id: int | None
    owner_name: str
    due_on: datetime.date | None
    status: str
    barrier: str
    meeting_id: int | None
    meeting_title: str
    today: datetime.date

    @property
    def overdue(self) -> bool:
        return (
            self.due_on is not None
            and self.due_on < self.today
            and self.status != ActionStatus.DONE
        )

    @property
    def blocked(self) -> bool:
        return self.status == ActionStatus.BLOCKED

    @property
    def status_label(self) -> str:
        return str(ActionStatus(self.status).label)

    @property
    def status_url(self) -> str:
        name = (
            "decisions:action_point_status" if self.kind == MEETING else "decisions:action_status"
        )
        return reverse(name, args=[self.pk])

    @property
    def change_url(self) -> str:
        """Only actions agreed between meetings change here; a meeting's change in its record."""
        return reverse("decisions:action_edit", args=[self.pk]) if self.kind == BETWEEN else ""

    @property
    def remove_url(self) -> str:
        return reverse("decisions:action_remove", args=[self.pk]) if self.kind == BETWEEN else ""


def log_rows(values: list[dict[str, Any]], *, today: datetime.date | None = None) -> list[LogRow]:
    today = today or timezone.localdate()
    return [
        LogRow(
            kind=row["kind"],
            pk=row["ref"],
            text=row["what"],
            owner_id=row["owner_ref"],
            owner_name=row["owner_name"],
            due_on=_as_date(row["due"]),
            status=row["state"],
            barrier=row["why_blocked"],
            meeting_id=row["meeting_ref"],
            meeting_title=row["meeting_name"],
            today=today,
        )
        for row in values
    ]


def _as_date(value: Any) -> datetime.date | None:
    # SQLite hands back dates from a UNION as text.
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


# ---------------------------------------------------------------------------------------------
# Moving an action on


def status_problem(status: str, barrier: str) -> str | None:
    if status not in ActionStatus.values:
        return _("Choose where the action has got to")
    if status == ActionStatus.BLOCKED and not barrier.strip():
        return _("Say what is in the way, so the group can help")
    return None


@transaction.atomic
def action_move(
    *,
    action: Action | ActionPoint,
    actor: User,
    status: str,
    barrier: str,
    project: Project,
    expected_version: int | None = None,
) -> bool:
    """Set where an action has got to. Blocked needs the barrier; done keeps when.
    Returns whether anything changed. With `expected_version` (the version the person saw),
    StaleEdit if someone else moved or changed the action since."""
    if problem := status_problem(status, barrier):
        raise Refused(problem)
    barrier = barrier.strip() if status == ActionStatus.BLOCKED else ""
    if action.status == status and action.barrier == barrier:
        return False
    action.status = status
    action.barrier = barrier
    fields = ["status", "barrier", "done_at"]
    if status == ActionStatus.DONE:
        action.done_at = action.done_at or timezone.now()
        # Done ends the overdue spell: if it is ever opened again, its owner hears again.
        action.reminded_on = None
        fields.append("reminded_on")
    else:
        action.done_at = None
    save_if_unchanged(
        action,
        expected_version=action.version if expected_version is None else expected_version,
        fields=fields,
    )
    AuditEvent.record(
        actor=actor,
        action="action.moved",
        summary=_("Marked an action as “%(status)s”: %(text)s")
        % {"status": ActionStatus(status).label, "text": action.text[:100]},
        project=project,
        subject=action.owner,
    )
    return True


@transaction.atomic
def action_add(*, action: Action, actor: User) -> None:
    action.created_by = actor
    action.save()
    AuditEvent.record(
        actor=actor,
        action="action.added",
        summary=_("Added an action between meetings: %(text)s") % {"text": action.text[:100]},
        project=action.project,
        subject=action.owner,
    )


@transaction.atomic
def action_update(
    *, action: Action, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields of an action agreed between meetings; StaleEdit if someone
    saved it after this person started."""
    if not changed:
        return
    save_if_unchanged(action, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="action.changed",
        summary=_("Changed an action between meetings: %(text)s") % {"text": action.text[:100]},
        project=action.project,
        subject=action.owner,
        data={"action": action.pk, "changed": changed},
    )


@transaction.atomic
def action_remove(*, action: Action, actor: User) -> None:
    AuditEvent.record(
        actor=actor,
        action="action.removed",
        summary=_("Removed an action between meetings: %(text)s") % {"text": action.text[:100]},
        project=action.project,
        subject=action.owner,
        data={"action": action.pk},
    )
    action.delete()


# ---------------------------------------------------------------------------------------------
# Barriers and bottlenecks, and the next meeting's agenda


def next_meeting(project: Project) -> Meeting | None:
    return (
        Meeting.objects.upcoming()
        .filter(project=project, starts_at__isnull=False, starts_at__gt=timezone.now())
        .order_by("starts_at")
        .first()
    )


@transaction.atomic
def barriers_to_agenda(*, project: Project, actor: User) -> tuple[Meeting, AgendaItem]:
    """Put every blocked action on the next meeting's agenda as one item, in one step."""
    blocked = log_rows(list(action_log(project, LogFilter(status=ActionStatus.BLOCKED))))
    if not blocked:
        raise Refused(_("No action is blocked, so there is nothing to add."))
    meeting = next_meeting(project)
    if meeting is None:
        raise Refused(
            _("No meeting is planned with a date yet. Plan the next meeting, then add them.")
        )
    if AgendaItem.objects.filter(meeting=meeting, title=_("Barriers and bottlenecks")).exists():
        raise Refused(
            _("The barriers and bottlenecks are already on the agenda of “%(title)s”.")
            % {"title": meeting.title}
        )
    used = sum(meeting.agenda_items.values_list("minutes", flat=True))
    if problem := agenda_overrun(meeting, used + BARRIERS_ITEM_MINUTES):
        raise Refused(problem)
    lines = [
        _("%(text)s (%(owner)s). In the way: %(barrier)s")
        % {
            "text": row.text,
            "owner": row.owner_name or _("nobody yet"),
            "barrier": row.barrier,
        }
        for row in blocked
    ]
    item = AgendaItem(
        meeting=meeting,
        title=_("Barriers and bottlenecks"),
        purpose=ItemPurpose.DISCUSSION,
        minutes=BARRIERS_ITEM_MINUTES,
        description="\n".join(f"- {line}" for line in lines),
    )
    agenda_item_add(item=item, actor=actor)
    return meeting, item


# ---------------------------------------------------------------------------------------------
# Overdue actions: their owners are reminded once each time an action becomes overdue

# The daily run goes at this local hour, before most people start their day.
DAILY_REMINDER_HOUR = 7


def _not_reminded_this_spell() -> Q:
    # A reminder sent on or before the due date belongs to an earlier spell (the date has
    # since moved on), so the action is due a reminder again once its new date passes. Moving
    # the date, or marking the action done, also clears reminded_on (see action_move).
    return Q(reminded_on__isnull=True) | Q(reminded_on__lte=F("due_on"))


def overdue_remind(
    *, project_id: int | None = None, base_url: str = "", today: datetime.date | None = None
) -> int:
    """Remind each owner of their overdue actions, one message per project, as they asked to
    be told; each action once per overdue spell, not every day it stays overdue.

    Each action is claimed with one UPDATE (reminded_on moves to today), so a task run twice
    reminds nobody twice. Returns how many people were reminded.
    """
    today = today or timezone.localdate()
    due = Q(due_on__lt=today, owner__isnull=False) & ~Q(status=ActionStatus.DONE)
    due &= _not_reminded_this_spell()
    by_owner: dict[tuple[int, int], list[str]] = defaultdict(list)
    owners: dict[int, User] = {}
    for model, project_field in ((ActionPoint, "meeting__project_id"), (Action, "project_id")):
        rows: QuerySet[Any] = model._default_manager.filter(due)
        if project_id is not None:
            rows = rows.filter(**{project_field: project_id})
        for action in rows.select_related("owner").annotate(in_project=F(project_field)):
            claimed = model._default_manager.filter(Q(pk=action.pk) & due).update(reminded_on=today)
            if claimed and action.owner is not None:
                by_owner[(action.owner_id, action.in_project)].append(action.text)
                owners[action.owner_id] = action.owner
    root = site_root(base_url)
    for (owner_id, in_project), texts in by_owner.items():
        members_tell(
            users=[owners[owner_id]],
            template="actions_overdue",
            context={
                "actions": texts,
                "log_url": root
                + reverse("decisions:actions", args=[in_project])
                + "?mine=yes&overdue=yes",
            },
            essential=False,
        )
    return len(owners)


@task()
def overdue_remind_task(project_id: int | None = None, base_url: str = "") -> int:
    return overdue_remind(project_id=project_id, base_url=base_url)


def next_daily_run(now: datetime.datetime | None = None) -> datetime.datetime:
    """The next DAILY_REMINDER_HOUR o'clock, local time, after `now`."""
    local = timezone.localtime(now or timezone.now())
    run = local.replace(hour=DAILY_REMINDER_HOUR, minute=0, second=0, microsecond=0)
    if run <= local:
        run = timezone.make_aware(
            datetime.datetime.combine(run.date() + datetime.timedelta(days=1), run.time())
        )
    return run


def overdue_reminders_schedule(*, now: datetime.datetime | None = None) -> bool:
    """Queue tomorrow's (or today's, if it is early) run of the daily reminders, unless one
    is queued already. Returns whether one was queued.

    Called at each deployment (the `overdue_reminders_schedule` command) and by each run for
    the next, so the chain keeps going and a second deployment does not start a second one.
    A backend that cannot wait (the immediate one in tests) would run it at once: nothing is
    queued there.
    """
    if not overdue_reminders_daily.get_backend().supports_defer:
        return False
    waiting = DBTaskResult.objects.filter(
        task_path=overdue_reminders_daily.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    overdue_reminders_daily.using(run_after=next_daily_run(now)).enqueue()
    return True


@task()
def overdue_reminders_daily() -> int:
    """Once a day: remind owners of every project's newly overdue actions, then queue the
    next day's run."""
    reminded = overdue_remind()
    overdue_reminders_schedule()
    return reminded
