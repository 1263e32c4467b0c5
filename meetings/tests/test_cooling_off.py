"""Further thoughts in writing while the cooling-off window is open, and their answers."""

import datetime

import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for
from meetings.models import InputKind, WrittenInput
from meetings.tests.after_helpers import MEETING_END, a_thought, closed_meeting, held_meeting
from people.models import ContactChannel, ContactFrequency, Profile


def test_it_keeps_a_members_further_thoughts_on_an_agenda_item(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    item = meeting.agenda_items.get(title="Words we avoid")
    url = reverse("meetings:cooling_off", args=[meeting.pk])
    colin = client_for(cast.carer)

    page = colin.get(url)
    response = colin.post(url, {"agenda_item": item.pk, "text": "  “Service user” feels cold.  "})

    assert page.status_code == 200
    assert "Add your further thoughts" in page.text
    assert response.status_code == 302
    written = WrittenInput.objects.get(meeting=meeting)
    assert written.kind == InputKind.COOLING_OFF
    assert written.author == cast.carer
    assert written.agenda_item == item
    assert written.text == "“Service user” feels cold."
    assert AuditEvent.objects.filter(action="meeting.cooling_off_input_added").exists()
    assert "“Service user” feels cold." in colin.get(url).text


def test_it_takes_thoughts_on_the_meeting_in_general(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    response = client_for(cast.commissioner).post(
        reverse("meetings:cooling_off", args=[meeting.pk]),
        {"agenda_item": "", "text": "Could we meet in the evening next time?"},
    )

    assert response.status_code == 302
    assert WrittenInput.objects.get(meeting=meeting).agenda_item is None


def test_it_asks_for_the_thoughts_when_the_box_is_empty(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    response = client_for(cast.member).post(
        reverse("meetings:cooling_off", args=[meeting.pk]), {"agenda_item": "", "text": "   "}
    )

    assert response.status_code == 400
    assert "Write your thoughts" in response.text
    assert "This field is required" not in response.text
    assert not WrittenInput.objects.exists()


def test_it_refuses_thoughts_once_the_window_has_closed(cast: Cast) -> None:
    with time_machine.travel(MEETING_END, tick=False) as traveller:
        meeting = closed_meeting(cast, closed_at=MEETING_END)
        url = reverse("meetings:cooling_off", args=[meeting.pk])
        amira = client_for(cast.member)
        traveller.shift(datetime.timedelta(hours=47, minutes=59))
        page = amira.get(url).text
        traveller.shift(datetime.timedelta(minutes=2))
        response = amira.post(url, {"agenda_item": "", "text": "One more thing."})

    assert "until 16:00 on 3 March" in page
    assert response.status_code == 400
    assert "The window for further thoughts closed at 16:00 on 3 March." in response.text
    assert 'name="text"' not in response.text
    assert not WrittenInput.objects.exists()


def test_it_refuses_thoughts_before_the_meeting_is_closed(cast: Cast) -> None:
    meeting = held_meeting(cast)

    response = client_for(cast.member).post(
        reverse("meetings:cooling_off", args=[meeting.pk]), {"text": "Early thoughts."}
    )

    assert response.status_code == 400
    assert "once the meeting has been held and closed" in response.text
    assert not WrittenInput.objects.exists()


def test_it_shows_members_only_their_own_thoughts_and_the_chair_everyones(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    a_thought(meeting, cast.member, "Thought from Amira")
    a_thought(meeting, cast.carer, "Thought from Colin")
    url = reverse("meetings:cooling_off", args=[meeting.pk])

    amira = client_for(cast.member).get(url).text
    chair = client_for(cast.chair).get(url).text

    assert "Thought from Amira" in amira
    assert "Thought from Colin" not in amira
    assert "Thought from Amira" in chair
    assert "Thought from Colin" in chair
    assert "Colin Price, on “The crisis phone page”" in chair


def test_it_does_not_let_someone_outside_the_group_send_thoughts(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    response = client_for(cast.outsider).post(
        reverse("meetings:cooling_off", args=[meeting.pk]), {"text": "Hello"}
    )

    assert response.status_code == 404
    assert not WrittenInput.objects.exists()


def test_it_shows_the_page_in_the_same_number_of_queries_however_many_thoughts(
    cast: Cast,
) -> None:
    meeting = closed_meeting(cast)
    url = reverse("meetings:cooling_off", args=[meeting.pk])
    chair = client_for(cast.chair)
    a_thought(meeting, cast.member)
    chair.get(url)
    with CaptureQueriesContext(connection) as few:
        chair.get(url)
    for person in (cast.carer, cast.clinician, cast.commissioner) * 10:
        thought = a_thought(meeting, person)
        thought.considered_at, thought.considered_by = timezone.now(), cast.chair
        thought.response = "Thank you: added to the list."
        thought.save()
    with CaptureQueriesContext(connection) as many:
        chair.get(url)

    assert len(many) == len(few)
    assert len(many) <= 15


# ---------------------------------------------------------------------------------------------
# Answering them


def test_it_records_the_chairs_response_and_emails_it_to_the_author(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    thought = a_thought(meeting, cast.member, "Put the text number at the top.")
    Profile.objects.create(user=cast.member, frequency=ContactFrequency.WEEKLY)
    url = reverse("meetings:cooling_off_consider", args=[meeting.pk, thought.pk])
    chair = client_for(cast.chair)

    page = chair.get(url)
    response = chair.post(url, {"response": "Agreed: it moves to the top."})

    assert page.status_code == 200
    assert response.status_code == 302
    thought.refresh_from_db()
    assert thought.considered_at is not None
    assert thought.considered_by == cast.chair
    assert thought.response == "Agreed: it moves to the top."
    # The reply is essential, so it reaches Amira though she wants a weekly message at most.
    [email] = mail.outbox
    assert email.to == [cast.member.email]
    assert "Agreed: it moves to the top." in email.body
    assert "Put the text number at the top." in email.body
    assert AuditEvent.objects.filter(action="meeting.cooling_off_input_considered").exists()
    assert (
        "Agreed: it moves to the top."
        in client_for(cast.member).get(reverse("meetings:cooling_off", args=[meeting.pk])).text
    )


def test_it_asks_for_a_response(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    thought = a_thought(meeting, cast.member)

    response = client_for(cast.coordinator).post(
        reverse("meetings:cooling_off_consider", args=[meeting.pk, thought.pk]),
        {"response": "  "},
    )

    assert response.status_code == 400
    assert "Write a response, so the person knows how their thoughts were considered" in (
        response.text
    )
    thought.refresh_from_db()
    assert thought.considered_at is None
    assert mail.outbox == []


def test_it_tells_the_chair_to_phone_an_author_who_takes_no_email(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    thought = a_thought(meeting, cast.carer)
    Profile.objects.create(user=cast.carer, channels=[ContactChannel.PHONE])

    response = client_for(cast.chair).post(
        reverse("meetings:cooling_off_consider", args=[meeting.pk, thought.pk]),
        {"response": "We will look at it."},
        follow=True,
    )

    assert "Colin Price does not take email" in response.text
    assert mail.outbox == []


def test_it_lets_a_facilitator_answer_but_not_other_members(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    thought = a_thought(meeting, cast.member)
    url = reverse("meetings:cooling_off_consider", args=[meeting.pk, thought.pk])
    # Priya facilitates the group from now on; she does not lead it.
    membership = cast.membership(cast.clinician)
    membership.member_type = "facilitator"
    membership.save()

    assert client_for(cast.carer).post(url, {"response": "Mine now"}).status_code == 403
    assert client_for(cast.clinician).post(url, {"response": "Thank you."}).status_code == 302
    thought.refresh_from_db()
    assert thought.considered_by == cast.clinician


def test_it_does_not_answer_the_same_thoughts_twice(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    thought = a_thought(meeting, cast.member)
    url = reverse("meetings:cooling_off_consider", args=[meeting.pk, thought.pk])
    client_for(cast.chair).post(url, {"response": "First answer."})

    response = client_for(cast.coordinator).post(url, {"response": "Second answer."})

    assert response.status_code == 200
    assert "Deborah Marsh replied" in response.text
    thought.refresh_from_db()
    assert thought.response == "First answer."
    assert len(mail.outbox) == 1
