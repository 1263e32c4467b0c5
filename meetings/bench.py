"""The meetings part of `make bench`: one big meeting and the pages that show it.

The meeting is the size the meetings issue names: 15 invited, 40 agenda items, 20 papers
and 300 contributions, with earlier meetings behind it for the figures over time.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from meetings.models import (
    AgendaItem,
    AttendanceWay,
    Contribution,
    ContributionWay,
    Invitee,
    ItemPurpose,
    Meeting,
    MeetingStatus,
    Paper,
    PaperFormat,
    PaperVersion,
    Reply,
)
from projects.bench import Data, Page
from projects.models import Membership, Project

PAST_MEETINGS = 12


def _meeting(project: Project, title: str, starts_at: datetime.datetime, closed: bool) -> Meeting:
    members = list(Membership.objects.current().filter(project=project).select_related("user"))
    meeting = Meeting.objects.create(
        project=project,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=8),
        format="online",
        video_link="https://video.example.org/bench",
        status=MeetingStatus.CLOSED if closed else MeetingStatus.PLANNING,
        closed_at=starts_at + datetime.timedelta(hours=8) if closed else None,
        cooling_off_ends_at=starts_at + datetime.timedelta(hours=56) if closed else None,
    )
    Invitee.objects.bulk_create(
        Invitee(
            meeting=meeting,
            user=m.user,
            member_type=m.member_type,
            reply=Reply.COMING,
            way=AttendanceWay.VIDEO,
            attended=True if closed else None,
        )
        for m in members
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=meeting,
            position=n,
            title=f"Item {n}",
            minutes=10,
            purpose=ItemPurpose.BREAK if n % 6 == 5 else ItemPurpose.DISCUSSION,
        )
        for n in range(40)
    )
    papers = Paper.objects.bulk_create(
        Paper(meeting=meeting, agenda_item=items[n * 2], title=f"Paper {n}") for n in range(20)
    )
    PaperVersion.objects.bulk_create(
        PaperVersion(paper=paper, format=fmt, file=f"papers/bench/{paper.pk}-{fmt}.pdf")
        for paper in papers
        for fmt in (PaperFormat.STANDARD, PaperFormat.EASY_READ)
    )
    Contribution.objects.bulk_create(
        Contribution(
            meeting=meeting,
            agenda_item=items[n % 40],
            user=members[n % len(members)].user,
            member_type=members[n % len(members)].member_type,
            way=ContributionWay.REMOTE,
        )
        for n in range(300)
    )
    return meeting


def meeting_data(*, project: Project, coordinator: User) -> dict[str, Any]:
    big = Meeting.objects.filter(project=project, title="The big meeting").first()
    if big is None:
        now = timezone.now()
        for n in range(PAST_MEETINGS):
            _meeting(
                project, f"Earlier meeting {n}", now - datetime.timedelta(days=30 * (n + 1)), True
            )
        big = _meeting(project, "The big meeting", now + datetime.timedelta(days=10), closed=False)
    return {"meeting": big}


def meeting_pages() -> list[Page]:
    def meeting_url(name: str) -> Any:
        return lambda d: reverse(name, args=[d.extra["meeting"].pk])

    def project_url(name: str) -> Any:
        return lambda d: reverse(name, args=[d.project.pk])

    def coordinator(d: Data) -> User:
        return d.coordinator

    def member(d: Data) -> User:
        return d.member

    return [
        Page("Meetings of a project", project_url("meetings:list"), member),
        Page("Meeting page", meeting_url("meetings:detail"), member),
        Page("Access plan", meeting_url("meetings:access_plan"), coordinator),
        Page("Agenda", meeting_url("meetings:agenda"), member),
        Page("Papers", meeting_url("meetings:papers"), member),
        Page("Invitations", meeting_url("meetings:invitations"), coordinator),
        Page("Record", meeting_url("meetings:record"), member),
        Page("Contributions", meeting_url("meetings:contributions"), coordinator),
        Page("Equal voice at the meeting", meeting_url("meetings:equal_voice"), member),
        Page("Equal voice over time", project_url("meetings:project_equal_voice"), coordinator),
        Page("After-meeting checks over time", project_url("meetings:project_checks"), coordinator),
    ]
