"""Set-up shared by the tests of the emails members are sent about their meetings: daily and
weekly messages, late papers, and the easy-read versions.

Sunday 6 December 2026 at 8pm is when most of them start; the next morning is a Monday.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from meetings.models import Meeting, Paper
from meetings.services import papers as paper_services
from meetings.services import planning
from meetings.tests.preparation import a_paper
from people.models import AccessNeed, AccessNeedType, ContactFrequency, Profile

BASE_URL = "https://coproduce.example.org"


def local(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    """A moment in December 2026, local time."""
    return timezone.make_aware(datetime.datetime(2026, 12, day, hour, minute))


def prefers(user: User, **fields: object) -> None:
    Profile.objects.update_or_create(user=user, defaults=fields)


def needs_easy_read(user: User) -> None:
    # The catalogue comes from a data migration, which a test that empties the database
    # between runs (through the worker) no longer has.
    easy_read, _created = AccessNeedType.objects.get_or_create(
        code="easy-read", defaults={"name": "Easy read", "category": "format"}
    )
    AccessNeed.objects.create(user=user, need_type=easy_read)


def wants_daily_messages(*users: User) -> None:
    """One message a day at most, at 8am."""
    for user in users:
        prefers(user, frequency=ContactFrequency.DAILY, message_time=datetime.time(8))


def late_paper(meeting: Meeting, title: str = "Testing plan") -> Paper:
    """A paper added after papers were due, and the notices about it sent (or held)."""
    paper = a_paper(meeting, title, late=True)
    paper_services.paper_notices_send(paper=paper, base_url=BASE_URL)
    return paper


def move_later(meeting: Meeting, actor: User, later: datetime.timedelta) -> None:
    """The meeting starts and ends `later` than it did, and the people invited are told."""
    assert meeting.starts_at is not None
    assert meeting.ends_at is not None
    planning.meeting_update(
        meeting=meeting,
        actor=actor,
        changes={"starts_at": meeting.starts_at + later, "ends_at": meeting.ends_at + later},
        expected_version=meeting.version,
        base_url=BASE_URL,
    )
