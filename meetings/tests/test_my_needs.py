"""Each member sees their own access requirements at a meeting, and whether each is met: on
the meeting page and in their invitation and reminder. Never anyone else's."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from conftest import Cast, client_for
from meetings.models import (
    Arrangement,
    ArrangementKind,
    AttendanceWay,
    Meeting,
    PaperFormat,
    Reply,
    Venue,
)
from meetings.services import invitations
from meetings.tests.access_helpers import a_meeting, give_need, invite
from meetings.tests.preparation import a_paper, media  # noqa: F401

pytestmark = pytest.mark.usefixtures("media")

BASE_URL = "https://coproduce.example.org/"
BSL = "British Sign Language (BSL) interpreter"
WHEELCHAIR = "Space for a wheelchair"


def amira_and_colin_invited(cast: Cast, venue: Venue | None = None) -> Meeting:
    """Amira needs a BSL interpreter and easy read; Colin needs space for his wheelchair."""
    meeting = a_meeting(cast, venue=venue)
    if venue is None:
        give_need(cast.member, "bsl-interpreter")
        give_need(cast.member, "easy-read")
        give_need(cast.carer, "wheelchair-space")
    invite(meeting, cast.member)
    invite(meeting, cast.carer)
    a_paper(meeting, "Testing plan", formats=(PaperFormat.STANDARD, PaperFormat.EASY_READ))
    a_paper(meeting, "Payment for testing")
    return meeting


def page_text(user: User, meeting: Meeting) -> str:
    response = client_for(user).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_a_member_whether_her_own_interpreter_is_booked(cast: Cast) -> None:
    meeting = amira_and_colin_invited(cast)

    text = page_text(cast.member, meeting)
    assert "What you need to take part" in text
    assert BSL in text
    assert "Not booked yet: the organisers have been told" in text
    assert "1 of 2 papers are ready in easy read" in text
    # Colin's wheelchair is his business and the organisers'.
    assert WHEELCHAIR not in text

    Arrangement.objects.create(
        meeting=meeting, kind=ArrangementKind.BSL_INTERPRETER, confirmed=True
    )
    text = page_text(cast.member, meeting)
    assert "Booked" in text
    assert "Not booked yet" not in text


def test_it_never_shows_a_second_member_anyone_elses_needs(cast: Cast) -> None:
    meeting = amira_and_colin_invited(cast)

    text = page_text(cast.carer, meeting)
    assert WHEELCHAIR in text
    assert BSL not in text
    assert "easy read" not in text.split('id="your-needs"')[1].split("</section>")[0]


def test_it_says_what_is_not_needed_for_how_someone_takes_part(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.carer, "wheelchair-space")
    invite(meeting, cast.carer, way=AttendanceWay.VIDEO)

    assert "Not needed: taking part by video call" in page_text(cast.carer, meeting)


def test_it_shows_nothing_of_needs_to_someone_who_sent_apologies_or_is_not_invited(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "bsl-interpreter")
    invite(meeting, cast.member, reply=Reply.APOLOGIES)

    assert "What you need to take part" not in page_text(cast.member, meeting)
    assert "What you need to take part" not in page_text(cast.chair, meeting)


def test_it_shows_someone_without_requirements_where_to_add_them(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.clinician)

    text = page_text(cast.clinician, meeting)
    assert "You have not told us about any access requirements." in text
    assert reverse("people:access") in text


def test_it_builds_a_members_needs_in_constant_queries(cast: Cast) -> None:
    small = amira_and_colin_invited(cast)
    big = amira_and_colin_invited(cast, venue=small.venue)
    for user in (cast.chair, cast.clinician, cast.commissioner, cast.coordinator):
        give_need(user, "hearing-loop")
        give_need(user, "large-print")
        invite(big, user)
    for n in range(5):
        a_paper(big, f"Paper {n}")
    client = client_for(cast.member)
    client.get(reverse("meetings:detail", args=[small.pk]))  # warm up the session

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("meetings:detail", args=[small.pk])).status_code == 200
    response = client.get(reverse("meetings:detail", args=[big.pk]))  # drawn and kept
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("meetings:detail", args=[big.pk])).status_code == 200

    assert "1 of 7 papers are ready in easy read" in response.content.decode()
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_it_puts_each_persons_own_needs_in_their_invitation(cast: Cast) -> None:
    meeting = amira_and_colin_invited(cast)
    meeting.invitees.update(invited_at=None)

    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (amira,) = [m for m in mail.outbox if m.to == ["amira@example.org"]]
    (colin,) = [m for m in mail.outbox if m.to == ["colin@example.org"]]
    assert f"- {BSL}: not booked yet: the organisers have been told" in str(amira.body)
    assert "- Easy read: 1 of 2 papers are ready in easy read" in str(amira.body)
    assert WHEELCHAIR not in str(amira.body)
    assert f"- {WHEELCHAIR}: not arranged yet: the organisers have been told" in str(colin.body)
    assert BSL not in str(colin.body)
    html = str(amira.alternatives[0].content)  # type: ignore[attr-defined]
    assert BSL in html
    assert WHEELCHAIR not in html


def test_it_puts_each_persons_own_needs_in_their_reminder(cast: Cast) -> None:
    meeting = amira_and_colin_invited(cast)
    Arrangement.objects.create(
        meeting=meeting, kind=ArrangementKind.BSL_INTERPRETER, confirmed=True
    )
    meeting.invitees.update(invited_at=meeting.created_at)
    assert meeting.starts_at is not None

    invitations.reminders_send(
        meeting_id=meeting.pk, starts_at_iso=meeting.starts_at.isoformat(), base_url=BASE_URL
    )

    (amira,) = [m for m in mail.outbox if m.to == ["amira@example.org"]]
    assert f"- {BSL}: booked" in str(amira.body)
    assert WHEELCHAIR not in str(amira.body)
