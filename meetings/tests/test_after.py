"""Closing a meeting, the cooling-off window closing through the task worker, and approving
the minutes."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEvent
from conftest import Cast, client_for
from meetings.models import Meeting, MeetingStatus, MinutesVersion
from meetings.services import after
from meetings.tests.after_helpers import MEETING_START, a_thought, closed_meeting, held_meeting
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
    # Colin wants one message a week at most: the closing notice is not essential.
    assert sorted(m.to[0] for m in closed) == sorted(
        u.email
        for u in (cast.coordinator, cast.chair, cast.member, cast.clinician, cast.commissioner)
    )
    assert weekly.user.email not in [m.to[0] for m in closed]
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

    assert after.minutes_approval_problems(meeting) == [
        "1 further thought has not been answered yet."
    ]
    after.written_input_consider(written=thought, actor=cast.chair, response="Added to page 2.")
    assert after.minutes_approval_problems(meeting) == []


def test_it_approves_the_minutes_once_nothing_is_outstanding(cast: Cast) -> None:
    meeting = closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(hours=60))
    minutes_for(meeting, cast)
    chair = client_for(cast.chair)

    page = chair.get(reverse("meetings:minutes_approve", args=[meeting.pk]))
    response = chair.post(reverse("meetings:minutes_approve", args=[meeting.pk]))

    assert page.status_code == 200
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
