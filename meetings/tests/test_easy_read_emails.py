"""People who need easy read get the easy-read version of every member email about their
meetings: a change, a cancellation, a late paper, the after-meeting check and their digest.
Short sentences, one idea a line; everyone else gets the usual version."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from conftest import Cast
from meetings.digest import digests_send
from meetings.models import Invitee, Meeting
from meetings.services import after, planning
from meetings.services import papers as paper_services
from meetings.tests.access_helpers import give_need
from meetings.tests.after_helpers import held_meeting
from meetings.tests.preparation import a_meeting, a_paper, invite, media  # noqa: F401
from people.models import ContactFrequency, Profile

pytestmark = pytest.mark.django_db

BASE_URL = "https://coproduce.example.org"


def amiras_and_colins() -> tuple[str, str]:
    """The plain-text bodies Amira (easy read) and Colin (no other format) were sent."""
    (amiras,) = [m for m in mail.outbox if m.to == ["amira@example.org"]]
    (colins,) = [m for m in mail.outbox if m.to == ["colin@example.org"]]
    assert amiras.subject == colins.subject.replace("Colin", "Amira")
    html = str(amiras.alternatives[0].content)  # type: ignore[attr-defined]
    assert "font-size:22px" in html
    return str(amiras.body), str(colins.body)


def short_lines(body: str) -> bool:
    return all(len(line) <= 80 for line in body.splitlines() if "http" not in line)


def invited(cast: Cast, days: int = 10) -> Meeting:
    give_need(cast.member, "easy-read")
    meeting = a_meeting(cast, days=days)
    invite(meeting, cast.member, cast.carer)
    return meeting


def test_it_sends_the_easy_read_change_of_a_meeting(cast: Cast) -> None:
    meeting = invited(cast)
    assert meeting.starts_at is not None
    assert meeting.ends_at is not None
    later = datetime.timedelta(hours=2)

    planning.meeting_update(
        meeting=meeting,
        actor=cast.chair,
        changes={"starts_at": meeting.starts_at + later, "ends_at": meeting.ends_at + later},
        expected_version=meeting.version,
        base_url=BASE_URL,
    )

    amiras, colins = amiras_and_colins()
    assert "has changed." in amiras
    assert "This is the meeting now." in amiras
    assert "Do you want to take part another way?" in amiras
    assert "This is the meeting now." not in colins
    assert "This is how it is now:" in colins
    assert short_lines(amiras)


def test_it_sends_the_easy_read_cancellation(cast: Cast) -> None:
    meeting = invited(cast)

    planning.meeting_cancel(meeting=meeting, actor=cast.chair, reason="The room flooded.")

    amiras, colins = amiras_and_colins()
    assert "is cancelled." in amiras
    assert "The meeting will not happen." in amiras
    assert "This is why:\nThe room flooded." in amiras
    assert "The meeting will not happen." not in colins
    assert short_lines(amiras)


@pytest.mark.usefixtures("media")
def test_it_sends_the_easy_read_notice_of_a_late_paper(cast: Cast) -> None:
    meeting = invited(cast, days=3)
    paper = a_paper(meeting, "Testing plan", late=True)

    paper_services.paper_notices_send(paper=paper, base_url=BASE_URL)

    amiras, colins = amiras_and_colins()
    assert "The paper is called “Testing plan”." in amiras
    assert "The paper is late.\nWe are sorry.\nYou have less time to read it." in amiras
    assert "Easy read: not ready yet." in amiras
    assert "The paper is late." not in colins
    assert "It came later than papers should." in colins
    assert short_lines(amiras)


def test_it_sends_the_easy_read_after_meeting_check(cast: Cast) -> None:
    give_need(cast.member, "easy-read")
    meeting = held_meeting(cast)
    Invitee.objects.filter(meeting=meeting, user__in=[cast.member, cast.carer]).update(
        attended=True
    )
    mail.outbox.clear()

    after.meeting_close(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    checks = [m for m in mail.outbox if "A few questions" in m.subject]
    (amiras,) = [str(m.body) for m in checks if m.to == ["amira@example.org"]]
    (colins,) = [str(m.body) for m in checks if m.to == ["colin@example.org"]]
    assert "You do not have to give your name." in amiras
    assert "You do not have to give your name." not in colins
    assert "you can answer without giving your name" in colins
    assert short_lines(amiras)


@pytest.mark.usefixtures("media")
def test_it_sends_the_easy_read_digest(cast: Cast) -> None:
    give_need(cast.member, "easy-read")
    for person in (cast.member, cast.carer):
        Profile.objects.update_or_create(
            user=person,
            defaults={"frequency": ContactFrequency.DAILY, "message_time": datetime.time(8)},
        )
    evening = timezone.make_aware(datetime.datetime(2026, 12, 6, 20))
    with time_machine.travel(evening, tick=False) as clock:
        meeting = a_meeting(cast, days=4)
        invite(meeting, cast.member, cast.carer)
        paper = a_paper(meeting, "Testing plan", late=True)
        paper_services.paper_notices_send(paper=paper, base_url=BASE_URL)
        assert mail.outbox == []

        clock.move_to(evening + datetime.timedelta(hours=12, minutes=5))
        assert digests_send(base_url=BASE_URL) == 2

    amiras, colins = amiras_and_colins()
    assert "This is your message for the day." in amiras
    assert "The paper “Testing plan”." in amiras
    assert "Urgent news still comes at once." in amiras
    assert "This is your message for the day." not in colins
    assert "Here is everything we have for you since your last daily message." in colins
    assert short_lines(amiras)
