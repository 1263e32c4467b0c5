"""Meetings that have been held, for the after-the-meeting tests, grid and page checks."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from conftest import Cast
from meetings.models import (
    AfterMeetingCheck,
    AgendaItem,
    AttendanceWay,
    CheckReceipt,
    InputKind,
    Invitee,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Reply,
    WrittenInput,
)

LONDON = ZoneInfo("Europe/London")
# 1 March 2027, 14:00 in London: a Monday afternoon meeting, in winter time (UTC+0).
MEETING_START = datetime.datetime(2027, 3, 1, 14, 0, tzinfo=LONDON)
MEETING_END = MEETING_START + datetime.timedelta(hours=2)


def held_meeting(
    cast: Cast,
    *,
    starts_at: datetime.datetime | None = None,
    title: str = "Crisis pages: first drafts",
    coming: tuple[User, ...] | None = None,
) -> Meeting:
    """A ready meeting of the website group that has started, with everyone invited.

    `coming` replied that they are coming (default: Amira, Colin and Deborah); Tom sent
    apologies; the others have not replied.
    """
    starts = starts_at or timezone.now() - datetime.timedelta(hours=3)
    meeting = Meeting.objects.create(
        project=cast.website,
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        format=MeetingFormat.ONLINE,
        video_link="https://meet.example.org/crisis",
        status=MeetingStatus.READY,
        ready_at=starts - datetime.timedelta(days=7),
        created_by=cast.coordinator,
    )
    coming = (cast.member, cast.carer, cast.chair) if coming is None else coming
    for user in (cast.coordinator, cast.chair, cast.member, cast.carer, cast.clinician):
        Invitee.objects.create(
            meeting=meeting,
            user=user,
            member_type=cast.membership(user).member_type,
            reply=Reply.COMING if user in coming else Reply.NONE,
            way=AttendanceWay.VIDEO if user in coming else "",
            invited_at=starts - datetime.timedelta(days=10),
        )
    Invitee.objects.create(
        meeting=meeting,
        user=cast.commissioner,
        member_type=cast.membership(cast.commissioner).member_type,
        reply=Reply.APOLOGIES,
        invited_at=starts - datetime.timedelta(days=10),
    )
    AgendaItem.objects.create(
        meeting=meeting, position=1, title="The crisis phone page", minutes=40
    )
    AgendaItem.objects.create(meeting=meeting, position=2, title="Words we avoid", minutes=30)
    return meeting


def closed_meeting(
    cast: Cast,
    *,
    closed_at: datetime.datetime | None = None,
    hours: int = 48,
    title: str = "Crisis pages: first drafts",
) -> Meeting:
    """A held meeting, closed at `closed_at` (default: an hour ago), its window `hours` long."""
    closed = closed_at or timezone.now() - datetime.timedelta(hours=1)
    meeting = held_meeting(cast, starts_at=closed - datetime.timedelta(hours=2), title=title)
    meeting.status = MeetingStatus.CLOSED
    meeting.closed_at = closed
    meeting.cooling_off_ends_at = closed + datetime.timedelta(hours=hours)
    meeting.save()
    return meeting


def a_thought(
    meeting: Meeting, author: User, text: str = "We should add a text number."
) -> WrittenInput:
    return WrittenInput.objects.create(
        meeting=meeting,
        agenda_item=meeting.agenda_items.first(),
        author=author,
        kind=InputKind.COOLING_OFF,
        text=text,
    )


def answers(
    meeting: Meeting, ratings: list[tuple[int, int, int]], named: list[User] | None = None
) -> None:
    """Check answers for a meeting, one per ratings tuple; receipts for `named` people."""
    for index, (co_producing, ground_rules, work_plan) in enumerate(ratings):
        respondent = named[index] if named and index < len(named) else None
        AfterMeetingCheck.objects.create(
            meeting=meeting,
            respondent=respondent,
            co_producing=co_producing,
            ground_rules=ground_rules,
            work_plan=work_plan,
        )
        if respondent is not None:
            CheckReceipt.objects.create(meeting=meeting, user=respondent)
