"""After the meeting: closing it, the cooling-off window, approving the minutes, and the
after-meeting check.

Closing a meeting opens a window (the project's `cooling_off_hours`) in which any member can
add thoughts in writing. Decisions stay provisional until it closes. The chair, co-chair or
a facilitator answers every thought; only then, and once minutes exist, can the minutes be
approved. Everyone who came is asked a few questions about how the group is working.

Every change is atomic and audited. Each state change claims its row with one conditional
UPDATE, so two people clicking at once (or a task run twice) cannot both do it, and nobody
is told twice.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.tasks import task
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AuditEvent, User
from coproduce.lib.charts import Chart, line_chart
from coproduce.lib.urls import site_root
from meetings.models import (
    OPEN_STATUSES,
    AfterMeetingCheck,
    AgendaItem,
    CheckReceipt,
    InputKind,
    Meeting,
    MeetingStatus,
    Rating,
    WrittenInput,
)
from meetings.notify import members_tell
from meetings.timing import time_on_day
from projects.models import Membership, ProjectRole

# An average of fewer answers than this could point to one person's answers.
CHECK_PRIVACY_MINIMUM = 3
RATING_FIELDS = ("co_producing", "ground_rules", "work_plan")
TEXT_FIELDS = ("worried", "went_well", "not_working", "learnt", "could_help")


class AfterMeetingError(Exception):
    """Something stops this step after the meeting; the message says what, in plain words."""


def after_urls(meeting: Meeting, base_url: str | None) -> dict[str, str]:
    root = site_root(base_url)
    return {
        "cooling_off_url": root + reverse("meetings:cooling_off", args=[meeting.pk]),
        "check_url": root + reverse("meetings:check", args=[meeting.pk]),
    }


def meeting_chairs(meeting: Meeting) -> list[User]:
    """Who hears that thoughts arrived and minutes can be approved: the chair and co-chair,
    or the project's coordinators when the group has no chair."""
    leaders = list(
        Membership.objects.current()
        .filter(
            project_id=meeting.project_id,
            role__in=[ProjectRole.CHAIR, ProjectRole.CO_CHAIR, ProjectRole.COORDINATOR],
        )
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    chairs = [m.user for m in leaders if m.role != ProjectRole.COORDINATOR]
    return chairs or [m.user for m in leaders]


def _current_members(meeting: Meeting) -> list[User]:
    return [
        membership.user
        for membership in Membership.objects.current()
        .filter(project_id=meeting.project_id)
        .select_related("user")
    ]


# ---------------------------------------------------------------------------------------------
# Closing a meeting


def is_full_review(meeting: Meeting) -> bool:
    """Every `full_review_every`-th meeting the project closes asks for a fuller review."""
    if meeting.closed_at is None:
        return False
    held = (
        Meeting.objects.filter(project_id=meeting.project_id, status=MeetingStatus.CLOSED)
        .filter(
            Q(closed_at__lt=meeting.closed_at) | Q(closed_at=meeting.closed_at, pk__lte=meeting.pk)
        )
        .count()
    )
    return held % meeting.project.full_review_every == 0


@dataclass(frozen=True)
class Closed:
    """What closing did: who must be told by text, phone or post instead of email."""

    to_contact: list[User]
    attendees: int


def meeting_close(*, meeting: Meeting, actor: User, base_url: str | None = None) -> Closed:
    """Close a meeting that has been held: open its cooling-off window, tell the members,
    send the after-meeting check to those who came, and set the window's closing for later.

    Telling members the window is open is essential (they have only hours to use it, so it
    cannot wait for a weekly round-up); so is the check, which each attendee gets once.
    """
    if problem := meeting.close_problem():
        raise AfterMeetingError(problem)
    now = timezone.now()
    ends_at = now + datetime.timedelta(hours=meeting.project.cooling_off_hours)
    with transaction.atomic():
        claimed = meeting.change_status(
            expected=OPEN_STATUSES,
            new=MeetingStatus.CLOSED,
            closed_at=now,
            cooling_off_ends_at=ends_at,
            updated_at=now,
        )
        if not claimed:
            raise AfterMeetingError(_("Someone else has just closed or changed this meeting."))
        AuditEvent.record(
            actor=actor,
            action="meeting.closed",
            summary=_("Closed “%(title)s”; further thoughts can come in until %(when)s")
            % {"title": meeting.title, "when": time_on_day(ends_at)},
            project=meeting.project,
        )
        context = {
            "meeting": meeting,
            "ends_at": ends_at,
            "ends_words": time_on_day(ends_at),
            # Provisional until the window closes: what people's further thoughts could change.
            "decisions": list(
                meeting.decisions.select_related("agenda_item").order_by(
                    "agenda_item__position", "recorded_at", "pk"
                )
            ),
            **after_urls(meeting, base_url),
        }
        to_contact = members_tell(
            users=_current_members(meeting),
            template="meeting_cooling_off_opened",
            context=context,
            essential=True,
        )
        attendees = meeting.attendees()
        full_review = is_full_review(meeting)
        for person in members_tell(
            users=attendees,
            template="meeting_check",
            context=context | {"full_review": full_review},
            essential=True,
        ):
            if person not in to_contact:
                to_contact.append(person)
        cooling_off_schedule(meeting=meeting, base_url=base_url)
    return Closed(to_contact=to_contact, attendees=len(attendees))


def cooling_off_schedule(*, meeting: Meeting, base_url: str | None = None) -> bool:
    """Queue the task that closes the window, to run when it ends.

    The task carries the end it was set for, so one left over from an earlier end does
    nothing. A backend that cannot wait (the immediate backend in tests) would run it at
    once, so nothing is queued there: the window still shuts on time, because
    `Meeting.cooling_off_open` reads the clock; only the "closed" email waits.
    """
    task_backend = cooling_off_close_task.get_backend()
    if meeting.cooling_off_ends_at is None or not task_backend.supports_defer:
        return False
    # Queued in the caller's transaction: the database backend keeps it only if closing
    # the meeting is kept too.
    cooling_off_close_task.using(run_after=meeting.cooling_off_ends_at).enqueue(
        meeting_id=meeting.pk,
        ends_at_iso=meeting.cooling_off_ends_at.isoformat(),
        base_url=site_root(base_url),
    )
    return True


def cooling_off_close(
    *, meeting_id: int, ends_at_iso: str, base_url: str = "", now: datetime.datetime | None = None
) -> bool:
    """Mark the window closed and tell the members, once. Returns whether it did anything.

    Does nothing when the meeting has gone, its window now ends at another time, the end
    has not come yet, or members were already told (a restarted worker, a double run).
    Telling them is not essential: people who want a daily or weekly message get it there.
    """
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("project").filter(pk=meeting_id).first()
    if meeting is None or meeting.cooling_off_ends_at is None:
        return False
    if meeting.cooling_off_ends_at != datetime.datetime.fromisoformat(ends_at_iso):
        return False
    if meeting.cooling_off_ends_at > now:
        return False
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting.pk,
            status=MeetingStatus.CLOSED,
            cooling_off_ends_at=meeting.cooling_off_ends_at,
            cooling_off_closed_at__isnull=True,
        ).update(cooling_off_closed_at=now)
        if not claimed:
            return False
        meeting.cooling_off_closed_at = now
        waiting = WrittenInput.objects.filter(
            meeting=meeting, kind=InputKind.COOLING_OFF, considered_at__isnull=True
        ).count()
        AuditEvent.record(
            actor=None,
            action="meeting.cooling_off_closed",
            summary=_("The window for further thoughts on “%(title)s” closed")
            % {"title": meeting.title},
            project=meeting.project,
        )
        members_tell(
            users=_current_members(meeting),
            template="meeting_cooling_off_closed",
            context={
                "meeting": meeting,
                "ends_words": time_on_day(meeting.cooling_off_ends_at),
                "waiting": waiting,
                "meeting_url": site_root(base_url)
                + reverse("meetings:cooling_off", args=[meeting.pk]),
                **after_urls(meeting, base_url),
            },
            essential=False,
        )
        minutes_ready_tell(meeting=meeting, base_url=base_url, now=now)
    return True


@task()
def cooling_off_close_task(meeting_id: int, ends_at_iso: str, base_url: str = "") -> bool:
    """Close a meeting's cooling-off window and tell members, if it still ends then.

    A task in the database queue (`db_worker` runs it), so a restart loses none.
    """
    return cooling_off_close(meeting_id=meeting_id, ends_at_iso=ends_at_iso, base_url=base_url)


# ---------------------------------------------------------------------------------------------
# Further thoughts while cooling off


@transaction.atomic
def cooling_off_input_add(
    *,
    meeting: Meeting,
    author: User,
    agenda_item: AgendaItem | None,
    text: str,
    base_url: str | None = None,
) -> WrittenInput:
    """Keep a member's further thought on an item (or on the meeting in general), and tell
    the chair it has come, the way they asked to be told."""
    # Read the end again under a lock: the page may have been open since before it passed.
    try:
        meeting.refresh_from_db(
            fields=["status", "cooling_off_ends_at"],
            from_queryset=Meeting.objects.select_for_update(),
        )
    except Meeting.DoesNotExist:
        raise AfterMeetingError(_("This meeting no longer exists.")) from None
    if problem := meeting.cooling_off_problem():
        raise AfterMeetingError(problem)
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise AfterMeetingError(_("Choose an item from this meeting's agenda."))
    text = text.strip()
    if not text:
        raise AfterMeetingError(_("Write your thoughts"))
    written = WrittenInput.objects.create(
        meeting=meeting,
        agenda_item=agenda_item,
        author=author,
        kind=InputKind.COOLING_OFF,
        text=text,
    )
    AuditEvent.record(
        actor=author,
        action="meeting.cooling_off_input_added",
        summary=_("%(person)s added further thoughts on “%(title)s”")
        % {"person": author.full_name, "title": meeting.title},
        project=meeting.project,
        subject=author,
    )
    members_tell(
        users=[chair for chair in meeting_chairs(meeting) if chair.pk != author.pk],
        template="meeting_cooling_off_arrived",
        context={
            "meeting": meeting,
            "written": written,
            "author_name": author.full_name,
            "consider_url": site_root(base_url)
            + reverse("meetings:cooling_off_consider", args=[meeting.pk, written.pk]),
            **after_urls(meeting, base_url),
        },
        # The chair needs to answer it before the minutes are approved, but not at once.
        essential=False,
    )
    return written


def written_input_consider(
    *, written: WrittenInput, actor: User, response: str, base_url: str | None = None
) -> list[User]:
    """Record that a thought was considered, with the response; tell its author.

    Returns the author when they must be told by text, phone or post instead.
    """
    response = response.strip()
    if not response:
        raise AfterMeetingError(_("Write a response, so the person knows what happened"))
    if written.kind != InputKind.COOLING_OFF:
        raise AfterMeetingError(_("Only thoughts sent after the meeting are considered here."))
    now = timezone.now()
    meeting = written.meeting
    with transaction.atomic():
        claimed = WrittenInput.objects.filter(pk=written.pk, considered_at__isnull=True).update(
            considered_at=now, considered_by=actor, response=response
        )
        if not claimed:
            raise AfterMeetingError(_("Someone else has already answered these thoughts."))
        written.considered_at, written.considered_by, written.response = now, actor, response
        AuditEvent.record(
            actor=actor,
            action="meeting.cooling_off_input_considered",
            summary=_("%(actor)s answered further thoughts from %(person)s on “%(title)s”")
            % {
                "actor": actor.full_name,
                "person": written.author.full_name,
                "title": meeting.title,
            },
            project=meeting.project,
            subject=written.author,
        )
        to_contact = members_tell(
            users=[written.author],
            template="meeting_cooling_off_response",
            context={
                "meeting": meeting,
                "written": written,
                "responder": actor,
                **after_urls(meeting, base_url),
            },
            essential=True,
        )
        minutes_ready_tell(meeting=meeting, base_url=base_url)
        return to_contact


# ---------------------------------------------------------------------------------------------
# Approving the minutes


def minutes_ready_tell(
    *, meeting: Meeting, base_url: str | None = None, now: datetime.datetime | None = None
) -> bool:
    """Tell the chair, once, that the minutes can be approved, when nothing is in the way.

    Called after each step that can clear the way: the window closing, the last thought
    answered, the minutes saved. Returns whether the chair was told just now.
    """
    if meeting.minutes_approval_problems():
        return False
    now = now or timezone.now()
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting.pk,
            status=MeetingStatus.CLOSED,
            minutes_approved_at__isnull=True,
            minutes_ready_told_at__isnull=True,
        ).update(minutes_ready_told_at=now)
        if not claimed:
            return False
        meeting.minutes_ready_told_at = now
        members_tell(
            users=meeting_chairs(meeting),
            template="meeting_minutes_ready",
            context={
                "meeting": meeting,
                "approve_url": site_root(base_url)
                + reverse("meetings:minutes_approve", args=[meeting.pk]),
            },
            essential=False,
        )
    return True


def minutes_approve(*, meeting: Meeting, actor: User) -> None:
    if problems := meeting.minutes_approval_problems():
        raise AfterMeetingError(" ".join(problems))
    now = timezone.now()
    with transaction.atomic():
        claimed = Meeting.objects.filter(
            pk=meeting.pk, status=MeetingStatus.CLOSED, minutes_approved_at__isnull=True
        ).update(minutes_approved_at=now, minutes_approved_by=actor, updated_at=now)
        if not claimed:
            raise AfterMeetingError(_("Someone else has just approved these minutes."))
        meeting.minutes_approved_at, meeting.minutes_approved_by = now, actor
        AuditEvent.record(
            actor=actor,
            action="meeting.minutes_approved",
            summary=_("Approved the minutes of “%(title)s”") % {"title": meeting.title},
            project=meeting.project,
        )


# ---------------------------------------------------------------------------------------------
# The after-meeting check


def check_submit(
    *, meeting: Meeting, user: User, answers: Mapping[str, Any], anonymous: bool
) -> AfterMeetingCheck:
    """Keep one person's answers. The receipt, kept apart, stops a second answer; anonymous
    answers keep no link to the person."""
    if problem := meeting.check_problem(user):
        raise AfterMeetingError(problem)
    fields = {name: answers[name] for name in RATING_FIELDS}
    fields |= {name: (answers.get(name) or "").strip() for name in TEXT_FIELDS}
    try:
        with transaction.atomic():
            CheckReceipt.objects.create(meeting=meeting, user=user)
            check = AfterMeetingCheck.objects.create(
                meeting=meeting,
                respondent=None if anonymous else user,
                is_full_review=is_full_review(meeting),
                **fields,
            )
            AuditEvent.record(
                actor=user,
                action="meeting.check_answered",
                summary=_("%(person)s answered the after-meeting check for “%(title)s”")
                % {"person": user.full_name, "title": meeting.title},
                project=meeting.project,
            )
    except IntegrityError as error:
        raise AfterMeetingError(
            _("You have already answered the check for this meeting. Thank you.")
        ) from error
    return check


@dataclass(frozen=True)
class CheckRow:
    """One held meeting's place in the trend: how many answered, and averages if enough did."""

    meeting: Meeting
    answers: int
    averages: dict[str, float] | None

    @property
    def enough(self) -> bool:
        return self.averages is not None

    @property
    def closed_on(self) -> datetime.datetime:
        moment = self.meeting.starts_at or self.meeting.closed_at
        assert moment is not None  # a held meeting has a date (meeting_ready_has_a_date)
        return moment


def check_trend(meetings: Iterable[Meeting]) -> list[CheckRow]:
    """Average ratings per meeting, oldest first, in one query for all the meetings.

    Averages of fewer than CHECK_PRIVACY_MINIMUM answers are left out: they could show how
    one person answered.
    """
    meetings = list(meetings)
    figures: dict[int, dict[str, Any]] = {
        row["meeting_id"]: dict(row)
        for row in AfterMeetingCheck.objects.filter(meeting__in=[m.pk for m in meetings])
        .values("meeting_id")
        .annotate(
            answers=Count("pk"),
            **{f"sum_{name}": Sum(name) for name in RATING_FIELDS},
        )
    }
    rows = []
    for meeting in meetings:
        row = figures.get(meeting.pk)
        answers = row["answers"] if row else 0
        averages = None
        if row and answers >= CHECK_PRIVACY_MINIMUM:
            averages = {name: round(row[f"sum_{name}"] / answers, 1) for name in RATING_FIELDS}
        rows.append(CheckRow(meeting=meeting, answers=answers, averages=averages))
    return rows


@dataclass(frozen=True)
class WrittenAnswer:
    text: str
    # Empty when the person answered without their name.
    name: str


@dataclass(frozen=True)
class CheckSummary:
    """What the people who came said about one meeting, for those who look after the group."""

    answers: int
    attendees: int
    averages: dict[str, float] | None
    full_review: bool
    # Question label and its written answers, worries first.
    written: list[tuple[str, list[WrittenAnswer]]]


def check_summary(meeting: Meeting) -> CheckSummary:
    """Averages (only from CHECK_PRIVACY_MINIMUM answers up) and every written answer.

    Written answers are sorted by their text, not by when they came, so their order cannot be
    matched with the order of the receipts that say who answered.
    """
    checks = list(AfterMeetingCheck.objects.filter(meeting=meeting).select_related("respondent"))
    averages = None
    if len(checks) >= CHECK_PRIVACY_MINIMUM:
        averages = {
            name: round(sum(getattr(check, name) for check in checks) / len(checks), 1)
            for name in RATING_FIELDS
        }
    written = []
    for name in TEXT_FIELDS:
        label = str(getattr(AfterMeetingCheck._meta.get_field(name), "verbose_name", name))
        texts = sorted(
            (
                WrittenAnswer(
                    text=getattr(check, name),
                    name=check.respondent.full_name if check.respondent else "",
                )
                for check in checks
                if getattr(check, name)
            ),
            key=lambda answer: answer.text.casefold(),
        )
        written.append((label, texts))
    return CheckSummary(
        answers=len(checks),
        attendees=len(meeting.attendees()),
        averages=averages,
        full_review=is_full_review(meeting),
        written=written,
    )


# ---------------------------------------------------------------------------------------------
# The trend of the check, drawn as a chart

SHORT_LABELS = {
    "co_producing": gettext_lazy("Really co-producing"),
    "ground_rules": gettext_lazy("Ground rules respected"),
    "work_plan": gettext_lazy("Following the work-plan"),
}


def check_chart(rows: Sequence[CheckRow]) -> Chart:
    """A line chart of the average ratings, 1 to 5, one step per meeting."""
    return line_chart(
        series=[(name, str(SHORT_LABELS[name])) for name in RATING_FIELDS],
        columns=[
            (formats.date_format(timezone.localtime(row.closed_on), "j M"), row.averages)
            for row in rows
        ],
        y_ticks=[(value, str(Rating(value).label)) for value in range(1, 6)],
    )
