"""What needs a person in their groups' meetings, a handful of queries whatever the data.

Members: invitations to reply to, dates to answer, windows for further thoughts, after-meeting
checks to answer, actions they own. Leaders (chairs, co-chairs, coordinators): meetings in the
next 14 days not yet ready, papers missing a format someone invited needs, late papers with
people still to phone or write to, date polls to settle, invitees who have not replied,
further thoughts to answer, minutes to approve.
"""

from __future__ import annotations

import datetime

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from coproduce.lib.todo import Todo, Urgency, day_end, first_per_project, not_fetched, urgency_of
from meetings.models import (
    FORMAT_FOR_NEED,
    ActionPoint,
    CheckReceipt,
    DateAnswer,
    DateOption,
    InputKind,
    Invitee,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    NoticeWay,
    Paper,
    PaperNotice,
    PaperVersion,
    Reply,
)
from people.models import AccessNeed
from projects.todo import led_projects, member_projects

# Leaders hear about meetings this close that are still being planned.
LOOK_AHEAD = datetime.timedelta(days=14)
# The after-meeting check stays on the list this long after the meeting closed: later
# answers still count, but an old meeting should not crowd out what is next.
CHECK_LISTED_FOR = datetime.timedelta(days=30)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F")


def todos_for(user: User, *, per_project: int | None = None) -> list[Todo]:
    """`per_project` fetches only the first so many actions in each project."""
    now = timezone.now()
    return [
        *_own_invitations(user, now),
        *_date_polls(user),
        *_actions(user, now, per_project),
        *_leading(user, now),
        *_papers_to_see_to(user, now),
    ]


# Before any paper was published: someone who never opened the papers page has seen none.
NEVER = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


def _own_invitations(user: User, now: datetime.datetime) -> list[Todo]:
    """Replies, further thoughts and after-meeting checks: all from the person's invitations,
    in groups they still belong to, in one query."""
    # Who came, as `Meeting.attendees` has it: those marked present, or, with no register
    # taken, those who said they were coming.
    register_taken = Invitee.objects.filter(meeting=OuterRef("meeting"), attended__isnull=False)
    to_reply = Q(
        reply=Reply.NONE,
        invited_at__isnull=False,
        meeting__status__in=[MeetingStatus.PLANNING, MeetingStatus.READY],
        meeting__starts_at__gt=now,
    )
    thinking = Q(meeting__status=MeetingStatus.CLOSED, meeting__cooling_off_ends_at__gt=now)
    upcoming = Q(
        invited_at__isnull=False,
        meeting__status__in=[MeetingStatus.PLANNING, MeetingStatus.READY],
        meeting__starts_at__gt=now,
    ) & ~Q(reply=Reply.APOLOGIES)
    # Papers published since the person last opened the papers page (all of them if never).
    unseen = (
        Paper.objects.filter(meeting=OuterRef("meeting"), published_at__gt=OuterRef("seen_since"))
        .order_by()
        .values("meeting")
        .annotate(count=Count("pk"))
        .values("count")
    )
    to_check = (
        Q(meeting__status=MeetingStatus.CLOSED, meeting__closed_at__gte=now - CHECK_LISTED_FOR)
        & (Q(attended=True) | (Q(reply=Reply.COMING) & ~Exists(register_taken)))
        & ~Exists(CheckReceipt.objects.filter(meeting=OuterRef("meeting"), user=user))
    )
    invitations = (
        Invitee.objects.filter(user=user, meeting__project__in=member_projects(user))
        .annotate(seen_since=Coalesce("papers_seen_at", Value(NEVER)))
        .annotate(
            new_papers=Case(
                When(upcoming, then=Coalesce(Subquery(unseen, output_field=IntegerField()), 0)),
                default=Value(0),
            ),
            to_reply=ExpressionWrapper(to_reply, output_field=BooleanField()),
            thinking=ExpressionWrapper(thinking, output_field=BooleanField()),
            to_check=ExpressionWrapper(to_check, output_field=BooleanField()),
        )
        .filter(Q(to_reply) | Q(thinking) | Q(to_check) | Q(new_papers__gt=0))
        .select_related("meeting__project")
        .order_by()
    )
    todos = []
    for invitee in invitations:
        meeting = invitee.meeting
        if invitee.to_reply and meeting.starts_at is not None:
            todos.append(
                Todo(
                    project=meeting.project,
                    text=_("Say whether you are coming to %(meeting)s on %(day)s")
                    % {"meeting": meeting.title, "day": _when(meeting.starts_at)},
                    url=reverse("meetings:detail", args=[meeting.pk]),
                    due=meeting.starts_at,
                    urgency=urgency_of(meeting.starts_at, now, default=Urgency.SOON),
                )
            )
        if invitee.thinking and meeting.cooling_off_ends_at is not None:
            todos.append(
                Todo(
                    project=meeting.project,
                    text=_("Add further thoughts on %(meeting)s until %(day)s")
                    % {"meeting": meeting.title, "day": _when(meeting.cooling_off_ends_at)},
                    url=reverse("meetings:detail", args=[meeting.pk]),
                    due=meeting.cooling_off_ends_at,
                    urgency=urgency_of(meeting.cooling_off_ends_at, now),
                )
            )
        if invitee.new_papers:
            todos.append(
                Todo(
                    project=meeting.project,
                    text=ngettext(
                        "Read the new paper for %(meeting)s",
                        "Read the %(count)d new papers for %(meeting)s",
                        invitee.new_papers,
                    )
                    % {"meeting": meeting.title, "count": invitee.new_papers},
                    url=reverse("meetings:papers", args=[meeting.pk]),
                    due=meeting.starts_at,
                    urgency=urgency_of(meeting.starts_at, now),
                )
            )
        if invitee.to_check:
            todos.append(
                Todo(
                    project=meeting.project,
                    text=_("Say how %(meeting)s went for you: a few short questions")
                    % {"meeting": meeting.title},
                    url=reverse("meetings:check", args=[meeting.pk]),
                )
            )
    return todos


def _date_polls(user: User) -> list[Todo]:
    """Dates to answer for members, and for leaders a date to choose once anyone answered."""
    meetings = (
        Meeting.objects.filter(
            project__in=member_projects(user),
            status=MeetingStatus.PLANNING,
            starts_at__isnull=True,
        )
        .filter(Exists(DateOption.objects.filter(meeting=OuterRef("pk"))))
        .annotate(
            mine=Exists(DateAnswer.objects.filter(option__meeting=OuterRef("pk"), user=user)),
            leads=Exists(led_projects(user).filter(project_id=OuterRef("project_id"))),
            answered=Subquery(
                DateAnswer.objects.filter(option__meeting=OuterRef("pk"))
                .order_by()
                .values("option__meeting")
                .annotate(n=Count("user", distinct=True))
                .values("n")
            ),
        )
        .select_related("project")
        .order_by()
    )
    todos = []
    for meeting in meetings:
        if not meeting.mine:  # type: ignore[attr-defined]
            todos.append(
                Todo(
                    project=meeting.project,
                    text=_("Say which dates you can make for %(meeting)s")
                    % {"meeting": meeting.title},
                    url=reverse("meetings:date_poll", args=[meeting.pk]),
                    urgency=Urgency.SOON,
                )
            )
        answered: int = meeting.answered or 0  # type: ignore[attr-defined]
        if meeting.leads and answered:  # type: ignore[attr-defined]
            todos.append(
                Todo(
                    project=meeting.project,
                    text=ngettext(
                        "Choose the date for %(meeting)s: %(count)d person has answered",
                        "Choose the date for %(meeting)s: %(count)d people have answered",
                        answered,
                    )
                    % {"meeting": meeting.title, "count": answered},
                    url=reverse("meetings:date_poll", args=[meeting.pk]),
                    urgency=Urgency.SOON,
                )
            )
    return todos


def _count_of(papers: QuerySet[Paper]) -> Subquery:
    """How many of a meeting's papers match, as a subquery of the meeting."""
    return Subquery(
        papers.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _papers_to_see_to(user: User, now: datetime.datetime) -> list[Todo]:
    """For leaders, each coming meeting's papers not yet in a format someone invited needs, and
    its late papers with people still to phone or write to: one query however many papers,
    people and formats."""
    missing = Q()
    for code, paper_format in FORMAT_FOR_NEED.items():
        someone_needs = AccessNeed.objects.filter(
            need_type__code=code,
            # The paper's meeting, two subqueries out.
            user__in=Invitee.objects.filter(meeting=OuterRef(OuterRef("meeting"))).values(
                "user_id"
            ),
        )
        in_format = PaperVersion.objects.filter(paper=OuterRef("pk"), format=paper_format)
        missing |= Q(Exists(someone_needs)) & ~Q(Exists(in_format))
    untold = PaperNotice.objects.filter(
        paper=OuterRef("pk"), way=NoticeWay.BY_HAND, sent_at__isnull=True
    )
    meetings = (
        Meeting.objects.filter(
            project__in=led_projects(user),
            status__in=[MeetingStatus.PLANNING, MeetingStatus.READY],
            starts_at__gt=now,
        )
        .annotate(
            missing=_count_of(Paper.objects.filter(missing)),
            late_untold=_count_of(Paper.objects.filter(Exists(untold), late=True)),
        )
        .filter(Q(missing__gt=0) | Q(late_untold__gt=0))
        .select_related("project")
        .order_by()
    )
    todos = []
    for meeting in meetings:
        assert meeting.starts_at is not None
        urgency = urgency_of(meeting.starts_at, now, default=Urgency.SOON)
        url = reverse("meetings:papers", args=[meeting.pk])
        if meeting.missing:  # type: ignore[attr-defined]
            todos.append(
                Todo(
                    project=meeting.project,
                    text=ngettext(
                        "%(count)d paper for %(meeting)s is not yet in a format someone needs",
                        "%(count)d papers for %(meeting)s are not yet in a format someone needs",
                        meeting.missing,  # type: ignore[attr-defined]
                    )
                    % {"count": meeting.missing, "meeting": meeting.title},  # type: ignore[attr-defined]
                    url=url,
                    due=meeting.starts_at,
                    urgency=urgency,
                )
            )
        if meeting.late_untold:  # type: ignore[attr-defined]
            todos.append(
                Todo(
                    project=meeting.project,
                    text=ngettext(
                        "%(count)d late paper for %(meeting)s: some people still to phone or "
                        "write to",
                        "%(count)d late papers for %(meeting)s: some people still to phone or "
                        "write to",
                        meeting.late_untold,  # type: ignore[attr-defined]
                    )
                    % {"count": meeting.late_untold, "meeting": meeting.title},  # type: ignore[attr-defined]
                    url=url,
                    due=meeting.starts_at,
                    urgency=urgency,
                )
            )
    return todos


def _actions(user: User, now: datetime.datetime, limit: int | None) -> list[Todo]:
    horizon = timezone.localdate(now) + datetime.timedelta(days=7)
    actions = first_per_project(
        ActionPoint.objects.filter(
            owner=user,
            done_at__isnull=True,
            due_on__lte=horizon,
            meeting__project__in=member_projects(user),
        )
        .select_related("meeting__project")
        .order_by(),
        project="meeting__project_id",
        order_by=[F("due_on").asc(), F("pk").asc()],
        limit=limit,
    )
    todos = []
    for action in actions:
        assert action.due_on is not None
        due = day_end(action.due_on)
        todos.append(
            Todo(
                project=action.meeting.project,
                text=_("Your action from %(meeting)s: %(text)s")
                % {"meeting": action.meeting.title, "text": action.text},
                url=reverse("meetings:detail", args=[action.meeting_id]),
                due=due,
                urgency=urgency_of(due, now),
                not_fetched=not_fetched(action, limit),
            )
        )
    return todos


def _leading(user: User, now: datetime.datetime) -> list[Todo]:
    meetings = (
        Meeting.objects.filter(project__in=led_projects(user))
        .filter(
            Q(status=MeetingStatus.PLANNING, starts_at__gt=now, starts_at__lte=now + LOOK_AHEAD)
            | Q(status=MeetingStatus.READY, starts_at__gt=now)
            | Q(status=MeetingStatus.CLOSED, minutes_approved_at__isnull=True)
        )
        .annotate(
            not_replied=Count(
                "invitees",
                filter=Q(invitees__reply=Reply.NONE, invitees__invited_at__isnull=False),
                distinct=True,
            ),
            thoughts_waiting=Count(
                "written_inputs",
                filter=Q(
                    written_inputs__kind=InputKind.COOLING_OFF,
                    written_inputs__considered_at__isnull=True,
                ),
                distinct=True,
            ),
            has_minutes=Exists(MinutesVersion.objects.filter(meeting=OuterRef("pk"))),
        )
        .select_related("project")
        .order_by()
    )
    todos = []
    for meeting in meetings:
        if meeting.status == MeetingStatus.PLANNING and meeting.starts_at is not None:
            todos.append(
                Todo(
                    project=meeting.project,
                    text=_("%(meeting)s on %(day)s is not ready: check its access plan")
                    % {"meeting": meeting.title, "day": _when(meeting.starts_at)},
                    url=reverse("meetings:access_plan", args=[meeting.pk]),
                    due=meeting.starts_at,
                    urgency=urgency_of(meeting.starts_at, now, default=Urgency.SOON),
                )
            )
        not_replied: int = meeting.not_replied  # type: ignore[attr-defined]
        if meeting.status != MeetingStatus.CLOSED and not_replied:
            todos.append(
                Todo(
                    project=meeting.project,
                    text=ngettext(
                        "%(count)d person has not replied about %(meeting)s",
                        "%(count)d people have not replied about %(meeting)s",
                        not_replied,
                    )
                    % {"count": not_replied, "meeting": meeting.title},
                    url=reverse("meetings:invitations", args=[meeting.pk]),
                    due=meeting.starts_at,
                    urgency=urgency_of(meeting.starts_at, now),
                )
            )
        if meeting.status == MeetingStatus.CLOSED and (after := _after(meeting)):
            todos.append(after)
    return todos


def _after(meeting: Meeting) -> Todo | None:
    """A held meeting's next step for its leaders: answer the thoughts, then approve."""
    waiting: int = meeting.thoughts_waiting  # type: ignore[attr-defined]
    if waiting:
        return Todo(
            project=meeting.project,
            text=ngettext(
                "Answer %(count)d further thought on %(meeting)s",
                "Answer %(count)d further thoughts on %(meeting)s",
                waiting,
            )
            % {"count": waiting, "meeting": meeting.title},
            url=reverse("meetings:cooling_off", args=[meeting.pk]),
            urgency=Urgency.SOON,
        )
    if meeting.cooling_off_open:
        return None
    if not meeting.has_minutes:  # type: ignore[attr-defined]
        return Todo(
            project=meeting.project,
            text=_("Write the minutes of %(meeting)s") % {"meeting": meeting.title},
            url=reverse("meetings:minutes_edit", args=[meeting.pk]),
        )
    return Todo(
        project=meeting.project,
        text=_("Approve the minutes of %(meeting)s") % {"meeting": meeting.title},
        url=reverse("meetings:minutes_approve", args=[meeting.pk]),
    )
