"""After the meeting: closing it, the cooling-off window closing through the task worker,
further thoughts in writing while it is open and their answers, approving the minutes, and
the after-meeting check (answered once, with or without a name) with its trend over time."""

import datetime
import uuid

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEvent, Organisation
from conftest import Cast, client_for
from meetings.models import (
    AfterMeetingCheck,
    CheckReceipt,
    HeldMessage,
    InputKind,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    WrittenInput,
)
from meetings.services import after
from meetings.tests.after_helpers import (
    MEETING_END,
    MEETING_START,
    a_thought,
    answers,
    closed_meeting,
    held_meeting,
)
from meetings.views.after import TREND_MEETINGS
from people.models import ContactChannel, ContactFrequency, Profile

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    # One pass over the queue, as a freshly restarted worker would make.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


def subjects_to(email: str) -> list[str]:
    return [str(message.subject) for message in mail.outbox if message.to == [email]]


# ---------------------------------------------------------------------------------------------
# Closing


def test_it_closes_a_held_meeting_and_opens_the_window_for_further_thoughts(cast: Cast) -> None:
    meeting = held_meeting(cast)
    Profile.objects.create(user=cast.clinician, channels=[ContactChannel.PHONE], phone="0161 000")
    chair = client_for(cast.chair)

    with time_machine.travel(timezone.now(), tick=False):
        now = timezone.now()
        confirm = chair.get(reverse("meetings:close", args=[meeting.pk]))
        response = chair.post(reverse("meetings:close", args=[meeting.pk]))

    assert confirm.status_code == 200
    assert "Yes, close the meeting" in confirm.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED
    assert meeting.closed_at == now
    assert meeting.cooling_off_ends_at == now + datetime.timedelta(hours=48)
    assert meeting.cooling_off_open
    assert meeting.decisions_provisional
    assert AuditEvent.objects.filter(action="meeting.closed", project=cast.website).exists()
    # Priya takes phone calls only, so the page lists her to contact by hand.
    assert response.status_code == 200
    assert "Dr Priya Natarajan" in response.text
    assert "0161 000" in response.text
    # Every current member hears that the window is open, with its end and a link.
    opened = [m for m in mail.outbox if m.subject.startswith("Add your further thoughts")]
    assert sorted(m.to[0] for m in opened) == sorted(
        u.email for u in (cast.coordinator, cast.chair, cast.member, cast.carer, cast.commissioner)
    )
    ends = timezone.localtime(meeting.cooling_off_ends_at)
    assert f"{ends:%H:%M} on {ends.day} {ends:%B}" in opened[0].body
    assert reverse("meetings:cooling_off", args=[meeting.pk]) in opened[0].body
    # No register was taken, so those who said they were coming get the check.
    checks = [m for m in mail.outbox if "A few questions" in m.subject]
    assert sorted(m.to[0] for m in checks) == sorted(
        u.email for u in (cast.chair, cast.member, cast.carer)
    )
    assert reverse("meetings:check", args=[meeting.pk]) in checks[0].body


def test_it_sends_the_check_to_the_people_marked_present_when_the_register_was_taken(
    cast: Cast,
) -> None:
    meeting = held_meeting(cast)
    meeting.invitees.update(attended=False)
    meeting.invitees.filter(user__in=[cast.clinician, cast.member]).update(attended=True)

    closed = after.meeting_close(meeting=meeting, actor=cast.chair)

    assert closed.attendees == 2
    assert subjects_to(cast.clinician.email)[-1].startswith("How did")
    assert all("How did" not in subject for subject in subjects_to(cast.carer.email))


def test_it_makes_every_fourth_closed_meeting_a_fuller_review(cast: Cast) -> None:
    for weeks in (4, 3, 2):
        closed_meeting(
            cast,
            closed_at=timezone.now() - datetime.timedelta(weeks=weeks),
            title=f"Meeting {weeks}",
        )
    meeting = held_meeting(cast)

    after.meeting_close(meeting=meeting, actor=cast.chair)

    assert after.is_full_review(meeting)
    assert not after.is_full_review(Meeting.objects.get(title="Meeting 3"))
    assert subjects_to(cast.member.email)[-1].startswith("A fuller review after")


def test_it_refuses_to_close_a_meeting_that_has_not_started(cast: Cast) -> None:
    meeting = held_meeting(cast, starts_at=timezone.now() + datetime.timedelta(days=2))

    response = client_for(cast.chair).post(reverse("meetings:close", args=[meeting.pk]))

    assert response.status_code == 400
    assert "You can close the meeting once it has started" in response.text
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.READY
    assert mail.outbox == []


def test_it_does_not_close_a_meeting_twice(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    response = client_for(cast.chair).post(reverse("meetings:close", args=[meeting.pk]))

    assert response.status_code == 400
    assert "This meeting is already closed." in response.text
    assert mail.outbox == []


def test_it_lets_only_the_groups_leaders_close_a_meeting(cast: Cast) -> None:
    meeting = held_meeting(cast)

    response = client_for(cast.member).post(reverse("meetings:close", args=[meeting.pk]))

    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.READY


# ---------------------------------------------------------------------------------------------
# The window closes later, through the database task worker


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_closes_the_window_once_its_time_comes_and_tells_members_once(cast: Cast) -> None:
    meeting = held_meeting(cast)
    weekly = Profile.objects.create(user=cast.carer, frequency=ContactFrequency.WEEKLY)
    after.meeting_close(meeting=meeting, actor=cast.chair)
    meeting.refresh_from_db()
    assert meeting.cooling_off_ends_at is not None
    run_worker()  # sends the "window open" emails and checks, but not the closing yet
    sent_on_closing = len(mail.outbox)
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    with time_machine.travel(meeting.cooling_off_ends_at - datetime.timedelta(minutes=1)):
        run_worker()
    meeting.refresh_from_db()
    assert meeting.cooling_off_closed_at is None
    assert len(mail.outbox) == sent_on_closing

    with time_machine.travel(meeting.cooling_off_ends_at + datetime.timedelta(minutes=1)):
        run_worker()  # runs the closing task, which queues its emails
        run_worker()  # sends them
        assert not Meeting.objects.get(pk=meeting.pk).cooling_off_open
        # A second run of the same task, as after a restart, tells nobody again.
        assert not after.cooling_off_close(
            meeting_id=meeting.pk, ends_at_iso=meeting.cooling_off_ends_at.isoformat()
        )
        run_worker()

    meeting.refresh_from_db()
    assert meeting.cooling_off_closed_at is not None
    closed = [m for m in mail.outbox if "has ended" in m.subject]
    # Colin wants one message a week at most: the closing notice is not essential, so it
    # waits for his weekly message.
    assert sorted(m.to[0] for m in closed) == sorted(
        u.email
        for u in (cast.coordinator, cast.chair, cast.member, cast.clinician, cast.commissioner)
    )
    assert weekly.user.email not in [m.to[0] for m in closed]
    assert HeldMessage.objects.get(user=weekly.user).subject.endswith("has ended")
    assert "now final" in closed[0].body
    assert AuditEvent.objects.filter(action="meeting.cooling_off_closed").count() == 1


def test_it_ignores_a_closing_task_set_for_an_end_that_has_changed(cast: Cast) -> None:
    meeting = closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(hours=50))
    old_end = meeting.cooling_off_ends_at
    assert old_end is not None
    meeting.cooling_off_ends_at = old_end + datetime.timedelta(hours=24)
    meeting.save()

    assert not after.cooling_off_close(meeting_id=meeting.pk, ends_at_iso=old_end.isoformat())

    meeting.refresh_from_db()
    assert meeting.cooling_off_closed_at is None
    assert mail.outbox == []


def test_it_does_not_close_the_window_before_its_end(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    assert meeting.cooling_off_ends_at is not None

    assert not after.cooling_off_close(
        meeting_id=meeting.pk, ends_at_iso=meeting.cooling_off_ends_at.isoformat()
    )
    assert mail.outbox == []


# ---------------------------------------------------------------------------------------------
# Approving the minutes


def minutes_for(meeting: Meeting, cast: Cast) -> MinutesVersion:
    return MinutesVersion.objects.create(meeting=meeting, number=1, saved_by=cast.chair)


def test_it_says_everything_that_stops_the_minutes_being_approved(cast: Cast) -> None:
    with time_machine.travel(MEETING_START + datetime.timedelta(hours=3), tick=False):
        meeting = closed_meeting(cast)
        a_thought(meeting, cast.member)
        a_thought(meeting, cast.carer, "Please send the papers earlier.")

        response = client_for(cast.chair).post(
            reverse("meetings:minutes_approve", args=[meeting.pk])
        )

    assert response.status_code == 400
    assert "The window for further thoughts is open until 16:00 on 3 March." in response.text
    assert "2 further thoughts have not been answered yet." in response.text
    assert "Nobody has written the minutes yet." in response.text
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at is None


def test_it_waits_for_every_thought_to_be_answered(cast: Cast) -> None:
    meeting = closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(hours=60))
    minutes_for(meeting, cast)
    thought = a_thought(meeting, cast.member)

    assert meeting.minutes_approval_problems() == ["1 further thought has not been answered yet."]
    after.written_input_consider(written=thought, actor=cast.chair, response="Added to page 2.")
    assert meeting.minutes_approval_problems() == []


def test_it_approves_the_minutes_once_nothing_is_outstanding(cast: Cast) -> None:
    meeting = closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(hours=60))
    minutes_for(meeting, cast)
    chair = client_for(cast.chair)

    page = chair.get(reverse("meetings:minutes_approve", args=[meeting.pk]))
    response = chair.post(reverse("meetings:minutes_approve", args=[meeting.pk]))

    assert page.status_code == 200
    # The page keeps the meeting's tabs, with "After the meeting" as the current one.
    after_tab = reverse("meetings:cooling_off", args=[meeting.pk])
    assert 'aria-label="Meeting sections"' in page.text
    assert f'href="{after_tab}" aria-current="true"' in page.text
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at is not None
    assert meeting.minutes_approved_by == cast.chair
    assert AuditEvent.objects.filter(action="meeting.minutes_approved").count() == 1
    again = chair.post(reverse("meetings:minutes_approve", args=[meeting.pk]))
    assert "The minutes are already approved." in again.text


def test_it_keeps_minutes_approval_for_the_groups_leaders(cast: Cast) -> None:
    meeting = closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(hours=60))
    minutes_for(meeting, cast)

    response = client_for(cast.member).post(reverse("meetings:minutes_approve", args=[meeting.pk]))

    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.minutes_approved_at is None


def test_it_offers_the_leaders_the_close_button_once_the_meeting_has_started(
    cast: Cast,
) -> None:
    meeting = held_meeting(cast)
    url = reverse("meetings:cooling_off", args=[meeting.pk])

    assert "Close the meeting" in client_for(cast.chair).get(url).text
    assert "Close the meeting" not in client_for(cast.member).get(url).text


# ---------------------------------------------------------------------------------------------
# Further thoughts in writing while the cooling-off window is open, and their answers


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
        traveller.shift(datetime.timedelta(hours=47, minutes=59))
        # Signed in just now: a sign-in left unused for two days would have ended.
        amira = client_for(cast.member)
        page = amira.get(url).text
        traveller.shift(datetime.timedelta(minutes=2))
        response = amira.post(url, {"agenda_item": "", "text": "One more thing."})

    assert "until 16:00 on 3 March" in page
    assert response.status_code == 400
    assert "The window for further thoughts closed at 16:00 on 3 March." in response.text
    assert 'name="text"' not in response.text
    assert not WrittenInput.objects.exists()
    # What she typed stays on screen, with how to get it to the chair.
    assert "Your thoughts were not sent" in response.text
    assert ">One more thing.</textarea>" in response.text
    assert "You can still send them to the chair, Deborah Marsh." in response.text


def test_it_says_how_to_reach_the_chair_when_thoughts_come_too_late(cast: Cast) -> None:
    Organisation.objects.filter(pk=1).update(
        contact_email="involve@riverside.example.org", contact_phone="01632 960 000"
    )
    meeting = closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(hours=50))

    response = client_for(cast.member).post(
        reverse("meetings:cooling_off", args=[meeting.pk]),
        {"agenda_item": "", "text": "Too late, but <important>."},
    )

    assert response.status_code == 400
    assert "Too late, but &lt;important&gt;.</textarea>" in response.text
    assert 'href="mailto:involve@riverside.example.org"' in response.text
    assert 'href="tel:01632960000"' in response.text


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

    # Grace is told Deborah answered first, and what she wrote is on the page, not lost.
    assert response.status_code == 400
    assert (
        "Deborah Marsh answered these thoughts while you were writing, so your response was "
        "not sent." in response.text
    )
    assert "Deborah Marsh replied" in response.text
    assert "Second answer." in response.text
    thought.refresh_from_db()
    assert thought.response == "First answer."
    assert len(mail.outbox) == 1


def test_it_sends_one_response_when_two_people_answer_at_the_same_moment(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    thought = a_thought(meeting, cast.member)
    # Both read the thought before either saved: the second save finds it answered.
    deborahs, graces = (WrittenInput.objects.get(pk=thought.pk) for _ in range(2))
    after.written_input_consider(written=deborahs, actor=cast.chair, response="First.")

    with pytest.raises(after.AfterMeetingError, match="already answered"):
        after.written_input_consider(written=graces, actor=cast.coordinator, response="Mine.")

    thought.refresh_from_db()
    assert (thought.considered_by, thought.response) == (cast.chair, "First.")
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------------------------------------
# The after-meeting check: a few questions for each person who came


FULL_ANSWERS = {
    "co_producing": "4",
    "ground_rules": "5",
    "work_plan": "3",
    "anyone_worried": "yes",
    "worried": "The papers came late again.",
    "went_well": "Everyone spoke.",
    "not_working": "",
    "learnt": "Plain words help.",
    "could_help": "A longer break.",
}


def test_it_keeps_an_attendees_answers_with_their_name(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    url = reverse("meetings:check", args=[meeting.pk])
    amira = client_for(cast.member)

    page = amira.get(url)
    response = amira.post(url, FULL_ANSWERS)

    assert page.status_code == 200
    assert "Are we really co-producing this work?" in page.text
    assert "Send my answers without my name" in page.text
    assert response.status_code == 302
    check = AfterMeetingCheck.objects.get(meeting=meeting)
    assert check.respondent == cast.member
    assert (check.co_producing, check.ground_rules, check.work_plan) == (4, 5, 3)
    assert check.worried == "The papers came late again."
    assert check.learnt == "Plain words help."
    assert CheckReceipt.objects.filter(meeting=meeting, user=cast.member).exists()
    assert AuditEvent.objects.filter(action="meeting.check_answered").exists()
    assert "already answered" in amira.get(url).text


def test_it_keeps_anonymous_answers_without_a_link_to_the_person(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    url = reverse("meetings:check", args=[meeting.pk])

    client_for(cast.carer).post(url, FULL_ANSWERS | {"anonymous": "on"})

    check = AfterMeetingCheck.objects.get(meeting=meeting)
    assert check.respondent is None
    # The receipt, kept apart, still stops Colin answering twice.
    again = client_for(cast.carer).post(url, FULL_ANSWERS | {"anonymous": "on"})
    assert again.status_code == 200
    assert "You have already answered the check for this meeting" in again.text
    assert AfterMeetingCheck.objects.count() == 1


def test_it_keys_answers_so_their_order_cannot_be_matched_to_the_receipts(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    for person in (cast.member, cast.carer):
        after.check_submit(meeting=meeting, user=person, answers=after_answers(), anonymous=True)

    checks = AfterMeetingCheck.objects.filter(meeting=meeting)
    # Random keys and a date without a time: sorting answers says nothing about who sent which.
    assert all(isinstance(check.pk, uuid.UUID) for check in checks)
    assert all(type(check.submitted_on) is datetime.date for check in checks)
    assert CheckReceipt.objects.filter(meeting=meeting).count() == 2


def test_it_refuses_a_second_answer_sent_around_the_page(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    after.check_submit(meeting=meeting, user=cast.member, answers=after_answers(), anonymous=True)

    with pytest.raises(after.AfterMeetingError, match="already answered"):
        after.check_submit(
            meeting=meeting, user=cast.member, answers=after_answers(), anonymous=True
        )
    assert AfterMeetingCheck.objects.count() == 1


def after_answers() -> dict[str, object]:
    return {"co_producing": 3, "ground_rules": 3, "work_plan": 3}


def test_it_asks_for_each_rating_in_its_own_words(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    response = client_for(cast.member).post(
        reverse("meetings:check", args=[meeting.pk]), {"anyone_worried": "yes"}
    )

    assert response.status_code == 400
    for message in (
        "Say how far we are really co-producing this work",
        "Say how far our ground rules are being respected",
        "Say how far we are following our work-plan",
        "Say what the worry is, or answer No",
    ):
        assert message in response.text
    assert "This field is required" not in response.text
    assert not AfterMeetingCheck.objects.exists()


def test_it_keeps_the_check_for_the_people_who_came(cast: Cast) -> None:
    meeting = closed_meeting(cast)  # Priya did not say she was coming
    url = reverse("meetings:check", args=[meeting.pk])

    page = client_for(cast.clinician).get(url)
    client_for(cast.clinician).post(url, FULL_ANSWERS)

    assert "The check is for the people who came to the meeting." in page.text
    assert 'name="co_producing"' not in page.text
    assert not AfterMeetingCheck.objects.exists()


def test_it_opens_the_check_only_once_the_meeting_is_closed(cast: Cast) -> None:
    meeting = held_meeting(cast)

    page = client_for(cast.member).get(reverse("meetings:check", args=[meeting.pk]))

    assert "The check opens when the meeting has been held and closed." in page.text


def test_it_marks_answers_to_a_fuller_review(cast: Cast) -> None:
    cast.website.full_review_every = 2
    cast.website.save()
    closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(weeks=2), title="Before")
    meeting = closed_meeting(cast)
    url = reverse("meetings:check", args=[meeting.pk])

    page = client_for(cast.member).get(url)
    client_for(cast.member).post(url, FULL_ANSWERS)

    assert "A fuller review" in page.text
    assert "every 2 meetings" in page.text
    assert AfterMeetingCheck.objects.get().is_full_review


# ---------------------------------------------------------------------------------------------
# The trend of the check


def test_it_shows_averages_only_where_at_least_three_people_answered(cast: Cast) -> None:
    first = closed_meeting(
        cast, closed_at=timezone.now() - datetime.timedelta(weeks=3), title="First"
    )
    second = closed_meeting(
        cast, closed_at=timezone.now() - datetime.timedelta(weeks=2), title="Second"
    )
    answers(first, [(2, 3, 4), (3, 4, 4), (4, 5, 5)])
    answers(second, [(5, 5, 5), (1, 1, 1)])

    response = client_for(cast.member).get(
        reverse("meetings:project_checks", args=[cast.website.pk])
    )

    assert response.status_code == 200
    html = response.text
    assert 'role="img"' in html
    assert '<title id="trend-chart-title">' in html
    assert "Average answers after each meeting</caption>" in html
    # First: (2+3+4)/3 = 3.0, (3+4+5)/3 = 4.0, (4+4+5)/3 = 4.3
    assert ">3.0<" in html
    assert ">4.0<" in html
    assert ">4.3<" in html
    assert "Fewer than 3 answers, so no averages" in html
    # Two answers could give away how one person answered: nothing of them is drawn.
    assert ">3.0<" not in html.split("Second")[1]
    assert "<polyline" not in html  # one meeting with figures: a point, no line yet
    assert html.count("<circle") == 1


def test_it_draws_a_line_joining_meetings_with_enough_answers(cast: Cast) -> None:
    for weeks in (3, 2, 1):
        meeting = closed_meeting(
            cast, closed_at=timezone.now() - datetime.timedelta(weeks=weeks), title=f"W{weeks}"
        )
        answers(meeting, [(3, 3, 3), (4, 4, 4), (5, 5, 5)])

    html = (
        client_for(cast.chair).get(reverse("meetings:project_checks", args=[cast.website.pk])).text
    )

    assert html.count("<polyline") == 3
    assert html.count("<circle") == 3
    assert html.count("<rect") == 3
    assert html.count("<polygon") == 3


def test_it_shows_the_trend_in_the_same_number_of_queries_however_many_meetings(
    cast: Cast,
) -> None:
    url = reverse("meetings:project_checks", args=[cast.website.pk])
    chair = client_for(cast.chair)
    meeting = closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(weeks=30))
    answers(meeting, [(3, 3, 3)] * 3)
    chair.get(url)
    with CaptureQueriesContext(connection) as few:
        chair.get(url)
    for weeks in range(1, 21):
        meeting = closed_meeting(
            cast, closed_at=timezone.now() - datetime.timedelta(weeks=weeks), title=f"W{weeks}"
        )
        answers(meeting, [(3, 4, 5)] * 4)
    with CaptureQueriesContext(connection) as many:
        response = chair.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 15


def test_it_keeps_the_trend_inside_the_group(cast: Cast) -> None:
    url = reverse("meetings:project_checks", args=[cast.website.pk])

    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.member).get(url).status_code == 200


def test_it_loads_demo_answers_that_show_a_trend_and_a_meeting_still_cooling_off(db: None) -> None:
    import io

    from django.core.management import call_command

    from meetings.models import InputKind, Meeting, WrittenInput

    call_command("demo", force=True, stdout=io.StringIO())
    call_command("demo", force=True, stdout=io.StringIO())  # a second run changes nothing

    yesterday = Meeting.objects.get(title="Crisis pages: first drafts")
    assert yesterday.cooling_off_open
    thoughts = WrittenInput.objects.filter(meeting=yesterday, kind=InputKind.COOLING_OFF)
    assert thoughts.count() == 2
    assert thoughts.filter(considered_at__isnull=False).count() == 1
    planning = Meeting.objects.get(title="Planning the new website")
    rows = after.check_trend(
        Meeting.objects.filter(project=planning.project, status="closed").order_by("closed_at")
    )
    assert [row.enough for row in rows] == [True, True, True, True, False]
    assert after.is_full_review(planning)
    assert planning.checks.filter(is_full_review=True).count() == 5


# ---------------------------------------------------------------------------------------------
# What people said, for those who look after the group


def test_it_shows_the_chair_what_people_wrote_worries_first_without_anonymous_names(
    cast: Cast,
) -> None:
    meeting = closed_meeting(cast)
    url = reverse("meetings:check", args=[meeting.pk])
    client_for(cast.member).post(url, FULL_ANSWERS | {"anonymous": "on"})
    client_for(cast.carer).post(
        url, FULL_ANSWERS | {"anyone_worried": "no", "worried": "", "went_well": "Tea."}
    )

    html = client_for(cast.chair).get(reverse("meetings:check_answers", args=[meeting.pk])).text

    assert "2 of the 3 people who came answered" in html
    assert "Fewer than 3 people answered, so there are no averages" in html
    assert html.index("The papers came late again.") < html.index("Everyone spoke.")
    assert "Sent without a name" in html
    assert "Amira Haddad" not in html
    assert "Colin Price" in html


def test_it_shows_averages_once_three_have_answered(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    answers(meeting, [(2, 3, 4), (3, 4, 4), (4, 5, 5)])

    html = (
        client_for(cast.coordinator).get(reverse("meetings:check_answers", args=[meeting.pk])).text
    )

    assert "3.0 out of 5" in html
    assert "4.3 out of 5" in html


def test_it_keeps_what_people_wrote_from_other_members(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    response = client_for(cast.member).get(reverse("meetings:check_answers", args=[meeting.pk]))

    assert response.status_code == 403


def test_it_shows_what_people_wrote_in_the_same_number_of_queries_however_many(
    cast: Cast,
) -> None:
    meeting = closed_meeting(cast)
    url = reverse("meetings:check_answers", args=[meeting.pk])
    chair = client_for(cast.chair)
    answers(meeting, [(3, 3, 3)], named=[cast.member])
    chair.get(url)
    with CaptureQueriesContext(connection) as few:
        chair.get(url)
    answers(meeting, [(4, 4, 4)] * 30, named=[cast.carer, cast.chair, cast.coordinator])
    AfterMeetingCheck.objects.update(went_well="Good tea.", worried="Time keeping.")
    with CaptureQueriesContext(connection) as many:
        response = chair.get(url)

    assert response.text.count("Good tea.") == 31
    assert len(many) == len(few)
    assert len(many) <= 15


def test_it_charts_only_the_latest_meetings_and_numbers_reviews_across_all(cast: Cast) -> None:
    start = timezone.now() - datetime.timedelta(weeks=60)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            project=cast.website,
            title=f"Meeting {n}",
            starts_at=start + datetime.timedelta(weeks=2 * n),
            ends_at=start + datetime.timedelta(weeks=2 * n, hours=2),
            status=MeetingStatus.CLOSED,
            closed_at=start + datetime.timedelta(weeks=2 * n, hours=2),
            cooling_off_ends_at=start + datetime.timedelta(weeks=2 * n, hours=50),
        )
        for n in range(TREND_MEETINGS + 2)
    )

    response = client_for(cast.member).get(
        reverse("meetings:project_checks", args=[cast.website.pk])
    )

    assert response.context["rows"][0].meeting.title == "Meeting 2"
    assert len(response.context["rows"]) == TREND_MEETINGS
    assert f"These are the latest {TREND_MEETINGS} of the 26 meetings held." in response.text
    # Every fourth meeting ever held is a fuller review, counted from the first one.
    every = cast.website.full_review_every
    assert meetings[every - 1].pk in response.context["full_reviews"]
    assert meetings[every].pk not in response.context["full_reviews"]
