"""What the history takes from meetings: meetings held, and the decisions their minutes record."""

import datetime
from typing import Any

from django.utils import timezone

from conftest import Cast
from coproduce.lib.history import events_of, history_of
from meetings import history
from meetings.models import Decision, MeetingStatus
from meetings.tests.preparation import a_meeting


def texts(cast: Cast, **filters: Any) -> list[str]:
    rows = history_of([history.SOURCE], cast.website, **filters)
    return [str(event.text) for event in events_of([history.SOURCE], rows or [], cast.website)]


def held(cast: Cast, title: str, days: int) -> Any:
    now = timezone.now()
    return a_meeting(
        cast,
        title=title,
        days=days,
        status=MeetingStatus.CLOSED,
        closed_at=now,
        cooling_off_ends_at=now + datetime.timedelta(days=2),
    )


def test_it_tells_which_meetings_were_held_and_what_they_decided(cast: Cast) -> None:
    first = held(cast, "Testing the crisis pages", days=-20)
    held(cast, "Choosing the colours", days=-3)
    a_meeting(cast, title="Still being planned", days=7)
    Decision.objects.create(meeting=first, text="Test the pages with a screen reader")
    assert texts(cast) == [
        "The meeting “Choosing the colours” was held",
        "The meeting “Testing the crisis pages” was held",
        "Decided at “Testing the crisis pages”: Test the pages with a screen reader",
    ]
    assert texts(cast, kinds=[history.DECISIONS]) == [
        "Decided at “Testing the crisis pages”: Test the pages with a screen reader"
    ]
    ten_days_ago = timezone.localdate() - datetime.timedelta(days=10)
    assert texts(cast, since=ten_days_ago) == ["The meeting “Choosing the colours” was held"]


def test_it_leaves_out_what_is_minuted_before_the_meeting_is_held(cast: Cast) -> None:
    meeting = a_meeting(cast, days=-1, status=MeetingStatus.READY)
    Decision.objects.create(meeting=meeting, text="A draft of the minutes")
    assert texts(cast) == []
