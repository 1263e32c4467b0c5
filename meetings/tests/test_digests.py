"""Daily and weekly messages: what is not urgent waits for each person's own time and comes in
one email; what is urgent goes at once; nothing is sent twice or lost, even through a restart.

Monday 7 December 2026 is the day of the week weekly messages go. Colin asked for one message
a week at most and Tom for one a day at most, both at 8am; Amira hears as things happen and
Priya takes phone calls only.
"""

import datetime
from collections.abc import Iterator
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import Cast, client_for
from coproduce.lib.email import send_email
from meetings import personal_data
from meetings.digest import digest_due, digests_send
from meetings.models import (
    Digest,
    HeldMessage,
    Invitee,
    Meeting,
    NoticeWay,
    Paper,
    PaperNotice,
)
from meetings.notify import message_way
from meetings.services import invitations, planning
from meetings.services import papers as paper_services
from meetings.tests.email_helpers import (
    BASE_URL,
    late_paper,
    local,
    move_later,
    needs_easy_read,
    prefers,
    wants_daily_messages,
)
from meetings.tests.preparation import a_meeting, a_paper, invite, media  # noqa: F401
from people.models import ContactChannel, ContactFrequency, Profile

pytestmark = pytest.mark.usefixtures("media")

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ORGANISATION = "Riverside Health and Care Partnership"


@pytest.fixture
def sunday_evening() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(local(6, 20), tick=False) as clock:
        yield clock


def everyone_invited(cast: Cast, days: int = 4) -> Meeting:
    """Amira, Colin, Tom and Priya are invited to a meeting `days` from now; Tom needs easy
    read."""
    meeting = a_meeting(cast, days=days)
    needs_easy_read(cast.commissioner)
    prefers(cast.carer, frequency=ContactFrequency.WEEKLY, message_time=datetime.time(8))
    wants_daily_messages(cast.commissioner)
    prefers(cast.clinician, channels=[ContactChannel.PHONE], phone="07700 900123")
    invite(meeting, cast.member, cast.carer, cast.commissioner, cast.clinician)
    return meeting


def remind(meeting: Meeting) -> int:
    assert meeting.starts_at is not None
    return invitations.reminders_send(
        meeting_id=meeting.pk, starts_at_iso=meeting.starts_at.isoformat(), base_url=BASE_URL
    )


def to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if message.to == [address]]


# ---------------------------------------------------------------------------------------------
# What is held, and what goes at once


def test_it_holds_what_is_not_urgent_for_people_who_want_a_daily_or_weekly_message(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast, days=3)

    remind(meeting)  # three days before: not essential

    assert [message.to for message in mail.outbox] == [["amira@example.org"]]
    held = {message.user.email: message for message in HeldMessage.objects.all()}
    assert sorted(held) == ["colin@example.org", "tom@example.org"]
    assert held["tom@example.org"].subject == "Reminder: Testing the crisis pages is in 3 days"
    assert held["tom@example.org"].link == f"{BASE_URL}/meetings/{meeting.pk}/"
    assert held["tom@example.org"].digest is None


def test_it_decides_late_papers_and_every_other_message_by_one_rule(cast: Cast) -> None:
    everyone_invited(cast)
    for user in (cast.member, cast.carer, cast.commissioner, cast.clinician):
        profile = Profile.objects.filter(user=user).first()
        assert message_way(user, profile, essential=True) in (NoticeWay.EMAIL, NoticeWay.BY_HAND)
    ways = {
        user.email: message_way(user, Profile.objects.filter(user=user).first(), essential=False)
        for user in (cast.member, cast.carer, cast.commissioner, cast.clinician)
    }
    assert ways == {
        "amira@example.org": NoticeWay.EMAIL,
        "colin@example.org": NoticeWay.DIGEST,
        "tom@example.org": NoticeWay.DIGEST,
        "priya@example.org": NoticeWay.BY_HAND,
    }
    paper_services.paper_notices_send(paper=a_paper(Meeting.objects.get()), base_url=BASE_URL)
    assert {n.user.email: n.way for n in PaperNotice.objects.all()} == ways


def test_it_sends_a_cancellation_at_once_whatever_the_preference(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast, days=10)

    planning.meeting_cancel(meeting=meeting, actor=cast.chair, reason="The room flooded.")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@example.org",
        "colin@example.org",
        "tom@example.org",
    ]
    assert all("cancelled" in message.subject.lower() for message in mail.outbox)
    assert not HeldMessage.objects.exists()


def test_it_sends_a_change_of_time_or_place_within_48_hours_at_once(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast, days=1)

    move_later(meeting, cast.chair, datetime.timedelta(hours=3))

    assert meeting.starts_at is not None
    assert meeting.starts_at - timezone.now() < datetime.timedelta(hours=48)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@example.org",
        "colin@example.org",
        "tom@example.org",
    ]
    (tom,) = to("tom@example.org")
    # Tom needs easy read, whose times are in words people say: "1:00 p.m.".
    assert "It starts at 1:00 p.m." in str(tom.body)
    assert not HeldMessage.objects.exists()


# ---------------------------------------------------------------------------------------------
# Sending them


def test_it_sends_each_person_one_message_at_their_time_with_everything_held(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast, days=3)
    late_paper(meeting)
    remind(meeting)
    mail.outbox.clear()

    # Sunday 9pm and Monday 7:59am: nobody's time has come since these were held.
    assert digests_send(base_url=BASE_URL) == 0
    sunday_evening.move_to(local(7, 7, 59))
    assert digests_send(base_url=BASE_URL) == 0
    assert mail.outbox == []

    sunday_evening.move_to(local(7, 8, 5))
    assert digests_send(base_url=BASE_URL) == 2

    (tom,) = to("tom@example.org")
    assert tom.subject == f"Your daily message from {ORGANISATION}"
    body = str(tom.body)
    # Tom needs easy read: his digest is in short sentences, one idea a line.
    assert "Hello Tom Gallagher." in body
    assert "The paper “Testing plan”.\n  It is for the meeting “Testing the crisis pages”." in body
    assert "The meeting is on Wednesday 9 December 2026." in body
    assert "The paper is late." in body
    assert "Easy read: not ready yet." in body
    assert f"{BASE_URL}/meetings/{meeting.pk}/papers/" in body
    assert "6 December: Reminder: Testing the crisis pages is in 3 days" in body
    assert BASE_URL + reverse("people:preferences") in body
    assert body.rstrip().endswith(ORGANISATION)
    (colin,) = to("colin@example.org")
    assert colin.subject == f"Your weekly message from {ORGANISATION}"
    assert "Easy read" not in str(colin.body)  # Colin needs no other format

    # Everything held is now in exactly one digest, and marked sent with it.
    notices = PaperNotice.objects.filter(way=NoticeWay.DIGEST)
    assert all(n.digest is not None and n.sent_at == local(7, 8, 5) for n in notices)
    assert not HeldMessage.objects.filter(digest__isnull=True).exists()
    assert Digest.objects.get(user=cast.commissioner).due_at == local(7, 8)

    # Later runs the same day find nothing more to send.
    mail.outbox.clear()
    sunday_evening.move_to(local(7, 9, 5))
    assert digests_send(base_url=BASE_URL) == 0
    assert mail.outbox == []


def test_it_sends_daily_messages_each_day_and_weekly_ones_on_mondays(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast, days=14)
    sunday_evening.move_to(local(7, 12))
    late_paper(meeting, "Monday's paper")
    mail.outbox.clear()

    sunday_evening.move_to(local(8, 8))
    assert digests_send() == 1
    assert [message.to for message in mail.outbox] == [["tom@example.org"]]

    # Colin's waits for next Monday at 8am.
    for day in range(9, 14):
        sunday_evening.move_to(local(day, 20))
        assert digests_send() == 0
    sunday_evening.move_to(local(14, 8))
    assert digests_send() == 1
    assert [message.to[0] for message in mail.outbox] == ["tom@example.org", "colin@example.org"]
    assert "Monday's paper" in str(mail.outbox[-1].body)


def test_it_catches_up_a_message_whose_time_was_missed(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast)
    late_paper(meeting)

    # The scheduler was down all Monday: Tuesday's first run sends Colin's weekly message.
    sunday_evening.move_to(local(8, 3))
    assert digests_send() == 2
    assert Digest.objects.get(user=cast.carer).due_at == local(7, 8)
    assert Digest.objects.get(user=cast.commissioner).due_at == local(7, 8)


def test_it_sends_nothing_when_nothing_was_held(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    everyone_invited(cast)
    sunday_evening.move_to(local(7, 8, 30))

    assert digests_send() == 0
    assert mail.outbox == []
    assert not Digest.objects.exists()


def test_it_still_sends_what_was_held_after_someone_asks_to_hear_at_once(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast)
    late_paper(meeting)
    prefers(cast.carer, frequency=ContactFrequency.EACH)

    sunday_evening.move_to(local(7, 8, 30))
    assert digests_send() == 2
    assert to("colin@example.org")[0].subject == f"Your daily message from {ORGANISATION}"


def test_it_keeps_everything_held_when_the_email_cannot_be_queued(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast)
    late_paper(meeting)
    sunday_evening.move_to(local(7, 8, 30))

    with (
        mock.patch("meetings.digest.email_send", side_effect=RuntimeError("queue down")),
        pytest.raises(RuntimeError),
    ):
        digests_send()

    assert not Digest.objects.exists()
    assert not PaperNotice.objects.filter(digest__isnull=False).exists()
    assert PaperNotice.objects.filter(way=NoticeWay.DIGEST, sent_at__isnull=True).count() == 2
    assert digests_send() == 2


def test_it_lets_a_held_item_belong_to_one_digest_and_a_digest_go_once_per_time(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast)
    late_paper(meeting)
    sunday_evening.move_to(local(7, 8, 30))
    digests_send()
    digest = Digest.objects.get(user=cast.carer)

    with pytest.raises(IntegrityError), transaction.atomic():
        Digest.objects.create(user=cast.carer, kind=digest.kind, due_at=digest.due_at)
    # A notice carried by a digest is one that was held, and it is marked sent.
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperNotice.objects.filter(user=cast.carer).update(sent_at=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperNotice.objects.filter(user=cast.member).update(digest=digest)


def test_it_sends_nothing_when_another_run_wrote_the_digest_for_that_time_first(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast)
    late_paper(meeting)
    mail.outbox.clear()
    sunday_evening.move_to(local(7, 8, 30))

    # This run is a moment behind another: after it read who had a digest, the other wrote
    # one for each person's time (its emails queued, as `digests_send` does).
    def another_run_first(profile: Profile | None, now: datetime.datetime) -> tuple[str, object]:
        kind, due = digest_due(profile, now)
        if profile is not None:
            Digest.objects.get_or_create(user_id=profile.user_id, due_at=due, kind=kind)
        return kind, due

    with mock.patch("meetings.digest.digest_due", side_effect=another_run_first):
        assert digests_send() == 0

    assert mail.outbox == []
    assert Digest.objects.count() == 2  # The first run's, one each.


def test_it_sends_a_digest_in_the_same_queries_however_much_was_held(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    def queries_for_monday(papers: int) -> int:
        Digest.objects.all().delete()
        PaperNotice.objects.all().delete()
        Paper.objects.all().delete()
        meeting = Meeting.objects.get()
        sunday_evening.move_to(local(6, 20))
        for n in range(papers):
            late_paper(meeting, f"Paper {n}")
            remind(meeting)
            Invitee.objects.update(reminded_at=None)
        sunday_evening.move_to(local(7, 8, 30))
        with CaptureQueriesContext(connection) as queries:
            assert digests_send() == 2
        return len(queries)

    everyone_invited(cast, days=3)
    assert queries_for_monday(1) == queries_for_monday(4)


def test_it_works_out_when_each_message_is_due() -> None:
    daily = Profile(frequency=ContactFrequency.DAILY, message_time=datetime.time(18, 30))
    weekly = Profile(frequency=ContactFrequency.WEEKLY, message_time=datetime.time(7))

    assert digest_due(daily, local(9, 18, 30)) == ("daily", local(9, 18, 30))
    assert digest_due(daily, local(9, 18, 29)) == ("daily", local(8, 18, 30))
    assert digest_due(weekly, local(9, 12)) == ("weekly", local(7, 7))
    last_week = timezone.make_aware(datetime.datetime(2026, 11, 30, 7))
    assert digest_due(weekly, local(7, 6, 59)) == ("weekly", last_week)
    assert digest_due(None, local(9, 10)) == ("daily", local(9, 9))


# ---------------------------------------------------------------------------------------------
# Through the worker, with frozen time


def run_worker() -> None:
    # One pass over the queue, as a freshly started worker would make.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_sends_one_digest_never_two_and_loses_none_when_the_worker_restarts(
    cast: Cast,
) -> None:
    with time_machine.travel(local(6, 20), tick=False) as clock:
        meeting = everyone_invited(cast)
        late_paper(meeting)
        run_worker()  # Amira's email, at once
        assert [message.to for message in mail.outbox] == [["amira@example.org"]]
        mail.outbox.clear()

        clock.move_to(local(7, 8, 2))
        call_command("digests_send", site_url=BASE_URL, verbosity=0)
        # Queued with the digests, in the same transaction; no worker has run yet.
        queued = DBTaskResult.objects.filter(task_path=send_email.module_path, status="READY")
        assert queued.count() == 2
        assert Digest.objects.count() == 2
        assert mail.outbox == []

        # The scheduler runs again before any worker (after a crash, or the next hour).
        call_command("digests_send", verbosity=0)
        clock.move_to(local(7, 9, 2))
        call_command("digests_send", verbosity=0)
        assert queued.count() == 2

        # The worker was stopped and starts again: it finds both still queued.
        run_worker()
        run_worker()
        assert sorted(message.to[0] for message in mail.outbox) == [
            "colin@example.org",
            "tom@example.org",
        ]
        assert f"{BASE_URL}/meetings/{meeting.pk}/papers/" in str(mail.outbox[0].body)
        assert not PaperNotice.objects.filter(way=NoticeWay.DIGEST, sent_at__isnull=True).exists()

        # The next day there is nothing new for Tom: nothing more goes.
        clock.move_to(local(8, 8, 2))
        call_command("digests_send", verbosity=0)
        run_worker()
        assert len(mail.outbox) == 2


# ---------------------------------------------------------------------------------------------
# Choosing the time, and personal data


def preferences(**overrides: str) -> dict[str, object]:
    return {
        "channels": ["email"],
        "frequency": "daily",
        "message_time": "18:30",
        "modes": ["attends_in_person"],
        **overrides,
    }


@pytest.mark.parametrize("typed", ["6am", "21:30", "23:00", "00:15"])
def test_it_refuses_a_message_time_outside_waking_hours(cast: Cast, typed: str) -> None:
    prefers(cast.carer, frequency=ContactFrequency.WEEKLY)

    response = client_for(cast.carer).post(
        reverse("people:preferences"), preferences(message_time=typed)
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "The best time for your daily or weekly message must be between 7am and 9pm" in page
    assert f'value="{typed}"' in page
    profile = Profile.objects.get(user=cast.carer)
    assert (profile.frequency, profile.message_time) == ("weekly", datetime.time(9))


def test_it_saves_the_time_someone_chooses_and_shows_it(cast: Cast) -> None:
    carer = client_for(cast.carer)

    response = carer.post(reverse("people:preferences"), preferences(message_time="6:30pm"))

    assert response.status_code == 302
    assert Profile.objects.get(user=cast.carer).message_time == datetime.time(18, 30)
    assert "18:30" in carer.get(reverse("people:me")).content.decode()
    # Left empty, the time already chosen stays.
    carer.post(reverse("people:preferences"), preferences(message_time=""))
    assert Profile.objects.get(user=cast.carer).message_time == datetime.time(18, 30)


def test_it_keeps_message_times_in_waking_hours_in_the_database(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Profile.objects.create(user=cast.carer, message_time=datetime.time(3))


def test_it_exports_and_erases_what_was_held_and_sent(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    meeting = everyone_invited(cast, days=3)
    late_paper(meeting)
    remind(meeting)
    sunday_evening.move_to(local(7, 8, 30))
    digests_send()

    sections = {section.key: section for section in personal_data.export(cast.commissioner)}
    assert [row["subject"] for row in sections["held_messages"].rows] == [
        "Reminder: Testing the crisis pages is in 3 days"
    ]
    assert [row["kind"] for row in sections["digests"].rows] == ["Daily message"]

    personal_data.erase(cast.commissioner)
    assert not Digest.objects.filter(user=cast.commissioner).exists()
    assert not HeldMessage.objects.filter(user=cast.commissioner).exists()
    assert Digest.objects.filter(user=cast.carer).exists()


def test_it_carries_new_ground_rules_in_the_weekly_message_once(
    cast: Cast, sunday_evening: time_machine.Traveller
) -> None:
    from projects.models import GroundRulesDraft, GroundRulesNotice
    from projects.services import rules

    prefers(cast.carer, frequency=ContactFrequency.WEEKLY, message_time=datetime.time(8))
    GroundRulesDraft.objects.update_or_create(
        project=cast.website, defaults={"text": "Listen to each other\nA break every hour"}
    )
    with transaction.atomic():
        version = rules.ground_rules_adopt(
            project=cast.website,
            actor=cast.chair,
            change_note="Added breaks",
            discussed="between_meetings",
            base_url=BASE_URL,
        )
    notice = GroundRulesNotice.objects.get(version=version, user=cast.carer)
    assert (notice.way, notice.sent_at) == ("digest", None)
    mail.outbox.clear()

    sunday_evening.move_to(local(7, 8, 5))
    digests_send(base_url=BASE_URL)
    (colin,) = to("colin@example.org")
    body = str(colin.body)
    assert f"New ground rules for {cast.website.name}: please say whether you agree" in body
    assert BASE_URL + reverse("projects:ground_rules_agree", args=[cast.website.pk]) in body
    notice.refresh_from_db()
    assert notice.sent_at == local(7, 8, 5)

    # The next week's message does not carry them again.
    mail.outbox.clear()
    sunday_evening.move_to(local(14, 8, 5))
    digests_send(base_url=BASE_URL)
    assert to("colin@example.org") == []
