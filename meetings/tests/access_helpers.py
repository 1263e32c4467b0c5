"""Meetings with access requirements, for the access plan's tests and the permission grid."""

import datetime

from django.utils import timezone

from accounts.models import User
from conftest import Cast
from meetings.models import (
    AttendanceWay,
    Invitee,
    Meeting,
    MeetingFormat,
    Reply,
    Venue,
)
from people.models import AccessNeed, AccessNeedType
from projects.models import Membership


def need_type(code: str) -> AccessNeedType:
    return AccessNeedType.objects.get(code=code)


def give_need(user: User, code: str, detail: str = "") -> AccessNeed:
    return AccessNeed.objects.create(user=user, need_type=need_type(code), detail=detail)


def old_library(name: str = "Old Library meeting room", **features: bool) -> Venue:
    """Up a flight of stairs, with no hearing loop: the demo's venue with unmet needs."""
    return Venue.objects.create(
        name=name,
        address="Library Lane\nRiverside",
        capacity=12,
        public_transport=True,
        assistance_dogs=True,
        **features,
    )


def a_meeting(
    cast: Cast, *, venue: Venue | None = None, dated: bool = True, **fields: object
) -> Meeting:
    starts = timezone.now() + datetime.timedelta(days=10)
    values: dict[str, object] = {
        "project": cast.website,
        "title": "Testing the crisis pages with users",
        "format": MeetingFormat.IN_PERSON,
        "venue": venue if venue is not None else old_library(),
        "created_by": cast.coordinator,
    }
    if dated:
        values |= {"starts_at": starts, "ends_at": starts + datetime.timedelta(hours=2)}
    return Meeting.objects.create(**(values | fields))


def invite(
    meeting: Meeting, user: User, reply: str = Reply.COMING, way: str = AttendanceWay.IN_PERSON
) -> Invitee:
    membership = Membership.objects.current().get(project=meeting.project, user=user)
    return Invitee.objects.create(
        meeting=meeting,
        user=user,
        member_type=membership.member_type,
        reply=reply,
        way=way if reply else "",
    )


def meeting_with_unmet_loop(cast: Cast) -> Meeting:
    """Amira needs a hearing loop and comes in person to a venue without one."""
    meeting = a_meeting(cast)
    give_need(cast.member, "hearing-loop")
    invite(meeting, cast.member)
    invite(meeting, cast.carer, way=AttendanceWay.VIDEO)
    return meeting
