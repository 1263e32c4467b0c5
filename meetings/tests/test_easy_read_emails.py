"""People who need easy read get the easy-read version of every member email about their
meetings: a change, a cancellation, a late paper, the after-meeting check and their digest.
Short sentences, one idea a line; everyone else gets the usual version."""

import datetime

import pytest
import time_machine
from django.core import mail

from conftest import Cast
from meetings.digest import digests_send
from meetings.models import Invitee, Meeting
from meetings.services import after, planning
from meetings.tests.after_helpers import held_meeting
from meetings.tests.email_helpers import (
    BASE_URL,
    late_paper,
    local,
    move_later,
    needs_easy_read,
    wants_daily_messages,
)
from meetings.tests.preparation import a_meeting, a_paper, invite, media  # noqa: F401

pytestmark = pytest.mark.django_db


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
    needs_easy_read(cast.member)
    meeting = a_meeting(cast, days=days)
    invite(meeting, cast.member, cast.carer)
    return meeting


def test_it_sends_the_easy_read_change_of_a_meeting(cast: Cast) -> None:
    meeting = invited(cast)

    move_later(meeting, cast.chair, datetime.timedelta(hours=2))

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

    late_paper(meeting)

    amiras, colins = amiras_and_colins()
    assert "The paper is called “Testing plan”." in amiras
    assert "The paper is late.\nWe are sorry.\nYou have less time to read it." in amiras
    assert "Easy read: not ready yet." in amiras
    assert "The paper is late." not in colins
    assert "It came later than papers should." in colins
    assert short_lines(amiras)


def test_it_sends_the_easy_read_after_meeting_check(cast: Cast) -> None:
    needs_easy_read(cast.member)
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
    needs_easy_read(cast.member)
    wants_daily_messages(cast.member, cast.carer)
    with time_machine.travel(local(6, 20), tick=False) as clock:
        meeting = a_meeting(cast, days=4)
        invite(meeting, cast.member, cast.carer)
        late_paper(meeting)
        assert mail.outbox == []

        clock.move_to(local(7, 8, 5))
        assert digests_send(base_url=BASE_URL) == 2

    amiras, colins = amiras_and_colins()
    assert "This is your message for the day." in amiras
    assert "The paper “Testing plan”." in amiras
    assert "Urgent news still comes at once." in amiras
    assert "This is your message for the day." not in colins
    assert "Here is everything we have for you since your last daily message." in colins
    assert short_lines(amiras)
