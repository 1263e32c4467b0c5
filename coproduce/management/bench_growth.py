"""How the key pages grow with the rows they list: `make bench`'s growth table.

For each scale (1x, 10x, 100x) a project of its own gets that multiple of a small base:
members, invitations waiting, meetings coming up and past, and one meeting with invitees,
agenda items, papers and contributions. Each key page is then requested in-process for each
scale, counting queries and timing the median. Queries must be the same at every scale;
time may grow only on a page that shows every row (an agenda shows all its items), not on
one that shows a page of them.
"""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
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
from people.models import AccessNeed, AccessNeedType, MemberType
from projects.models import Invitation, Membership, Project, ProjectRole

SCALES = (1, 10, 100)
# The rows at 1x; every scale multiplies all of them.
MEMBERS = 15
INVITATIONS = 3
PAST_MEETINGS = 3
UPCOMING_MEETINGS = 2
ITEMS = 8
PAPERS = 5
CONTRIBUTIONS = 30
AUDIT_EVENTS = 10
# A page that shows a fixed number of rows may not slow down by more than this at 100x
# (generous, since other work shares the machine).
BOUNDED_GROWTH = 3.0


@dataclass
class Scaled:
    project: Project
    meeting: Meeting
    member: User


@dataclass
class GrowthPage:
    name: str
    url: Callable[[Scaled], str]
    as_coordinator: bool
    shows_every_row: bool


def _pages() -> list[GrowthPage]:
    def project(name: str) -> Callable[[Scaled], str]:
        return lambda s: reverse(name, args=[s.project.pk])

    def meeting(name: str) -> Callable[[Scaled], str]:
        return lambda s: reverse(name, args=[s.meeting.pk])

    return [
        GrowthPage("Project overview", project("projects:detail"), False, False),
        GrowthPage("Members", project("projects:members"), True, False),
        GrowthPage("Meetings list", project("meetings:list"), False, False),
        GrowthPage("Meeting page", meeting("meetings:detail"), False, True),
        GrowthPage("Agenda", meeting("meetings:agenda"), False, True),
        GrowthPage("Papers", meeting("meetings:papers"), False, False),
        GrowthPage("Record", meeting("meetings:record"), False, True),
        GrowthPage("Access plan", meeting("meetings:access_plan"), True, True),
    ]


@transaction.atomic
def fill(scale: int) -> Scaled:
    name = f"Growth {scale}x"
    existing = Project.objects.filter(name=name).first()
    if existing is not None:
        big = Meeting.objects.get(project=existing, title="The growing meeting")
        member = Membership.objects.filter(project=existing, role=ProjectRole.MEMBER).first()
        assert member is not None
        return Scaled(existing, big, member.user)
    User.objects.filter(email__startswith=f"growth-{scale}-").delete()
    project = Project.objects.create(name=name, purpose="Made up to measure growth.")
    people = User.objects.bulk_create(
        User(
            email=f"growth-{scale}-{n}@example.org",
            full_name=f"Growth Person {scale}-{n}",
            password=make_password(None),
        )
        for n in range(MEMBERS * scale)
    )
    types = list(MemberType.values)
    memberships = Membership.objects.bulk_create(
        Membership(
            project=project,
            user=person,
            member_type=types[n % len(types)],
            role=ProjectRole.CHAIR if n == 0 else ProjectRole.MEMBER,
        )
        for n, person in enumerate(people)
    )
    need_types = list(AccessNeedType.objects.filter(is_active=True)[:6])
    AccessNeed.objects.bulk_create(
        AccessNeed(user=person, need_type=need_types[n % len(need_types)])
        for n, person in enumerate(people)
        if n % 3 == 0
    )
    now = timezone.now()
    Invitation.objects.bulk_create(
        Invitation(
            project=project,
            email=f"growth-invited-{scale}-{n}@example.org",
            member_type=MemberType.values[0],
            role=ProjectRole.MEMBER,
            token_hash=f"growth-{scale}-{n}",
            expires_at=now + datetime.timedelta(days=14),
        )
        for n in range(INVITATIONS * scale)
    )
    AuditEvent.objects.bulk_create(
        AuditEvent(action="project.updated", summary=f"Change {n}", project=project)
        for n in range(AUDIT_EVENTS * scale)
    )

    def a_meeting(n: int, days: float, status: str) -> Meeting:
        starts = now + datetime.timedelta(days=days)
        closed = status == MeetingStatus.CLOSED
        return Meeting(
            project=project,
            title=f"Meeting {n}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            format="online",
            video_link="https://video.example.org/growth",
            status=status,
            closed_at=starts + datetime.timedelta(hours=2) if closed else None,
            cooling_off_ends_at=starts + datetime.timedelta(hours=50) if closed else None,
        )

    Meeting.objects.bulk_create(
        [a_meeting(n, -7 * (n + 1), MeetingStatus.CLOSED) for n in range(PAST_MEETINGS * scale)]
        + [
            a_meeting(n, 7 * (n + 2), MeetingStatus.PLANNING)
            for n in range(UPCOMING_MEETINGS * scale)
        ]
    )
    starts = now + datetime.timedelta(days=3)
    items_count = ITEMS * scale
    big = Meeting.objects.create(
        project=project,
        title="The growing meeting",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=10 * items_count + 60),
        format="online",
        video_link="https://video.example.org/growth",
        status=MeetingStatus.PLANNING,
    )
    Invitee.objects.bulk_create(
        Invitee(
            meeting=big,
            user=m.user,
            member_type=m.member_type,
            reply=Reply.COMING,
            way=AttendanceWay.VIDEO,
        )
        for m in memberships
    )
    items = AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=big,
            position=n,
            title=f"Item {n}",
            minutes=10,
            purpose=ItemPurpose.BREAK if n % 6 == 5 else ItemPurpose.DISCUSSION,
        )
        for n in range(items_count)
    )
    papers = Paper.objects.bulk_create(
        Paper(meeting=big, agenda_item=items[n % items_count], title=f"Paper {n}")
        for n in range(PAPERS * scale)
    )
    PaperVersion.objects.bulk_create(
        PaperVersion(paper=paper, format=fmt, file=f"papers/growth/{paper.pk}-{fmt}.pdf")
        for paper in papers
        for fmt in (PaperFormat.STANDARD, PaperFormat.EASY_READ)
    )
    Contribution.objects.bulk_create(
        Contribution(
            meeting=big,
            agenda_item=items[n % items_count],
            user=memberships[n % len(memberships)].user,
            member_type=memberships[n % len(memberships)].member_type,
            way=ContributionWay.REMOTE,
        )
        for n in range(CONTRIBUTIONS * scale)
    )
    return Scaled(project, big, memberships[1].user)


@dataclass
class Measured:
    ms: float
    queries: int


def _measure(client: Client, url: str, runs: int) -> Measured:
    # Each request empties the query log, which would leave the capture empty.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
    # Counted now: the capture reads the query log, which the next request empties.
    count = len(queries)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(url, secure=True)
        times.append((time.perf_counter() - start) * 1000)
    return Measured(statistics.median(times), count)


def growth_table(coordinator: User, write: Callable[[str], None]) -> list[str]:
    """Print the growth table; returns what failed (queries that grow, bounded pages slowing)."""
    scaled = {scale: fill(scale) for scale in SCALES}
    failures = []
    scales = "".join(f"{f'{s}x ms':>10}" for s in SCALES)
    write(f"{'page':<20}{scales}{'queries':>14}  verdict")
    for page in _pages():
        results = []
        for scale in SCALES:
            data = scaled[scale]
            client = Client(SERVER_NAME="127.0.0.1")
            client.force_login(coordinator if page.as_coordinator else data.member)
            results.append(_measure(client, page.url(data), runs=3 if scale == 100 else 7))
        counts = [r.queries for r in results]
        growth = results[-1].ms / max(results[0].ms, 0.1)
        verdict = f"{growth:.1f}x slower at 100x"
        if len(set(counts)) > 1:
            verdict += ", QUERIES GROW"
            failures.append(f"{page.name} (queries {counts})")
        elif not page.shows_every_row and growth > BOUNDED_GROWTH:
            verdict += ", TOO SLOW for a page of rows"
            failures.append(f"{page.name} ({growth:.1f}x slower)")
        elif page.shows_every_row:
            verdict += " (shows every row)"
        times = "".join(f"{r.ms:>8.1f}ms" for r in results)
        write(f"{page.name:<20}{times}{'/'.join(map(str, counts)):>14}  {verdict}")
    return failures
