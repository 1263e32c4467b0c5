"""What needs a person in their groups' meetings, a handful of queries whatever the data.

Members: invitations to reply to, dates to answer, windows for further thoughts, actions
they own. Leaders (chairs, co-chairs, coordinators): meetings in the next 14 days not yet
ready, invitees who have not replied, further thoughts to answer, minutes to approve.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from coproduce.lib.todo import Todo, Urgency, day_end, urgency_of
from meetings.models import (
    ActionPoint,
    DateAnswer,
    DateOption,
    InputKind,
    Invitee,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    Reply,
)
from projects.todo import led_projects, member_projects

# Leaders hear about meetings this close that are still being planned.
LOOK_AHEAD = datetime.timedelta(days=14)


def _when(moment: datetime.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F")


def todos_for(user: User) -> list[Todo]:
    now = timezone.now()
    return [
        *_invitations(user, now),
        *_date_polls(user),
        *_further_thoughts(user, now),
        *_actions(user, now),
        *_leading(user, now),
    ]


def _own_invitations(user: User, **lookups: Any) -> QuerySet[Invitee]:
    """The person's invitations, in groups they still belong to, with meeting and project."""
    return (
        Invitee.objects.filter(user=user, meeting__project__in=member_projects(user), **lookups)
        .select_related("meeting__project")
        .order_by()
    )


def _invitations(user: User, now: datetime.datetime) -> list[Todo]:
    invitations = _own_invitations(
        user,
        reply=Reply.NONE,
        invited_at__isnull=False,
        meeting__status__in=[MeetingStatus.PLANNING, MeetingStatus.READY],
        meeting__starts_at__gt=now,
    )
    return [
        Todo(
            project=invitee.meeting.project,
            text=_("Say whether you are coming to %(meeting)s on %(day)s")
            % {"meeting": invitee.meeting.title, "day": _when(invitee.meeting.starts_at)},
            url=reverse("meetings:detail", args=[invitee.meeting_id]),
            due=invitee.meeting.starts_at,
            urgency=urgency_of(invitee.meeting.starts_at, now, default=Urgency.SOON),
        )
        for invitee in invitations
        if invitee.meeting.starts_at is not None
    ]


def _date_polls(user: User) -> list[Todo]:
    answered = DateAnswer.objects.filter(option__meeting=OuterRef("pk"), user=user)
    offered = DateOption.objects.filter(meeting=OuterRef("pk"))
    meetings = (
        Meeting.objects.filter(
            project__in=member_projects(user),
            status=MeetingStatus.PLANNING,
            starts_at__isnull=True,
        )
        .filter(Exists(offered))
        .exclude(Exists(answered))
        .select_related("project")
        .order_by()
    )
    return [
        Todo(
            project=meeting.project,
            text=_("Say which dates you can make for %(meeting)s") % {"meeting": meeting.title},
            url=reverse("meetings:date_poll", args=[meeting.pk]),
            urgency=Urgency.SOON,
        )
        for meeting in meetings
    ]


def _further_thoughts(user: User, now: datetime.datetime) -> list[Todo]:
    invitations = _own_invitations(
        user, meeting__status=MeetingStatus.CLOSED, meeting__cooling_off_ends_at__gt=now
    )
    return [
        Todo(
            project=invitee.meeting.project,
            text=_("Add further thoughts on %(meeting)s until %(day)s")
            % {
                "meeting": invitee.meeting.title,
                "day": _when(invitee.meeting.cooling_off_ends_at),
            },
            url=reverse("meetings:detail", args=[invitee.meeting_id]),
            due=invitee.meeting.cooling_off_ends_at,
            urgency=urgency_of(invitee.meeting.cooling_off_ends_at, now),
        )
        for invitee in invitations
        if invitee.meeting.cooling_off_ends_at is not None
    ]


def _actions(user: User, now: datetime.datetime) -> list[Todo]:
    horizon = timezone.localdate(now) + datetime.timedelta(days=7)
    actions = (
        ActionPoint.objects.filter(
            owner=user,
            done_at__isnull=True,
            due_on__lte=horizon,
            meeting__project__in=member_projects(user),
        )
        .select_related("meeting__project")
        .order_by()
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
