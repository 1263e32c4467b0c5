"""A paper published after invitations went out reaches everyone invited, each the way they
asked, once; the papers page says who was told and who to phone or write to. Planning a
meeting too soon for the notice period warns the leader without stopping them."""

import datetime

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from meetings import personal_data
from meetings.models import (
    DateOption,
    Meeting,
    NoticeWay,
    Paper,
    PaperFormat,
    PaperNotice,
    Reply,
)
from meetings.services import papers as services
from meetings.tests.email_helpers import needs_easy_read, prefers
from meetings.tests.preparation import TINY_PDF, a_meeting, a_paper, invite, media  # noqa: F401
from people.models import ContactChannel, ContactFrequency

pytestmark = pytest.mark.usefixtures("media")

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BASE_URL = "https://coproduce.example.org/"


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("plan.pdf", TINY_PDF, content_type="application/pdf")


def everyone_invited(cast: Cast, days: int = 3) -> Meeting:
    """Amira (easy read, email as things happen), Colin (a message a week at most), Tom
    (a message a day at most) and Priya (phone only) are invited; invitations went out."""
    meeting = a_meeting(cast, days=days)
    needs_easy_read(cast.member)
    prefers(cast.carer, frequency=ContactFrequency.WEEKLY)
    prefers(cast.commissioner, frequency=ContactFrequency.DAILY)
    prefers(cast.clinician, channels=[ContactChannel.PHONE], phone="07700 900123")
    invite(meeting, cast.member, cast.carer, cast.commissioner, cast.clinician)
    return meeting


def publish(user: User, meeting: Meeting, title: str = "Testing plan") -> list[str]:
    response = client_for(user).post(
        reverse("meetings:paper_add", args=[meeting.pk]),
        {"title": title, "file": pdf()},
        follow=True,
    )
    assert response.status_code == 200
    return [str(message) for message in get_messages(response.wsgi_request)] + [
        response.content.decode()
    ]


def test_it_tells_everyone_invited_about_a_late_paper_each_the_way_they_asked(
    cast: Cast,
) -> None:
    meeting = everyone_invited(cast)

    *_messages, page = publish(cast.chair, meeting)

    # Only Amira takes email as things happen; she hears at once, with her format.
    assert [message.to for message in mail.outbox] == [["amira@example.org"]]
    (message,) = mail.outbox
    assert message.subject == "New paper for Testing the crisis pages: Testing plan"
    # Amira needs easy read, so the notice is in short sentences, one idea a line.
    assert "The paper is late." in str(message.body)
    assert "- Easy read: not ready yet." in str(message.body)
    ways = {n.user.email: (n.way, n.sent_at is not None) for n in PaperNotice.objects.all()}
    assert ways == {
        "amira@example.org": (NoticeWay.EMAIL, True),
        # Held, not sent, for their daily or weekly message.
        "colin@example.org": (NoticeWay.DIGEST, False),
        "tom@example.org": (NoticeWay.DIGEST, False),
        "priya@example.org": (NoticeWay.BY_HAND, False),
    }
    assert (
        "Everyone invited is told about it: 1 by email now; 2 in their daily or weekly "
        "message; 1 for you to phone or write to, listed with the paper." in page
    )
    assert "To phone or write to" in page
    assert "Dr Priya Natarajan (Phone call: 07700 900123)" in page
    assert "By email: Amira Haddad" in page
    assert "In their daily or weekly message: Colin Price, Tom Gallagher" in page


def test_it_says_which_of_their_formats_a_new_paper_is_in(cast: Cast) -> None:
    meeting = everyone_invited(cast, days=14)
    paper = a_paper(meeting, formats=(PaperFormat.STANDARD, PaperFormat.EASY_READ))

    services.paper_notices_send(paper=paper, base_url=BASE_URL)

    (message,) = mail.outbox
    assert "- Easy read: ready" in str(message.body)
    assert "It came later" not in str(message.body)
    assert f"{BASE_URL}meetings/{meeting.pk}/papers/" in str(message.body)


def test_it_lists_the_people_to_phone_or_write_to_only_for_organisers(cast: Cast) -> None:
    meeting = everyone_invited(cast)
    publish(cast.chair, meeting)

    page = client_for(cast.member).get(reverse("meetings:papers", args=[meeting.pk]))

    assert "To phone or write to" not in page.content.decode()
    assert "Dr Priya Natarajan" not in page.content.decode()


def test_it_records_that_someone_was_told_by_phone_or_post(cast: Cast) -> None:
    meeting = everyone_invited(cast)
    publish(cast.chair, meeting)
    notice = PaperNotice.objects.get(user=cast.clinician)
    url = reverse("meetings:paper_notice_told", args=[meeting.pk, notice.paper_id, notice.pk])
    chair = client_for(cast.chair)
    assert f'action="{url}"' in chair.get(reverse("meetings:papers", args=[meeting.pk])).text

    response = chair.post(url, follow=True)

    assert response.status_code == 200
    assert "Recorded that Dr Priya Natarajan has been told about “Testing plan”." in response.text
    assert "By phone or post: Dr Priya Natarajan" in response.text
    assert "To phone or write to" not in response.text
    notice.refresh_from_db()
    assert notice.way == NoticeWay.BY_HAND
    assert notice.sent_at is not None
    event = AuditEvent.objects.get(action="meeting.paper_notice_told")
    assert (event.actor, event.subject) == (cast.chair, cast.clinician)
    # Pressed again (or by a second organiser): nothing more is recorded.
    again = chair.post(url, follow=True)
    assert "Someone has already recorded that Dr Priya Natarajan was told." in again.text
    assert AuditEvent.objects.filter(action="meeting.paper_notice_told").count() == 1


def test_it_records_told_by_hand_only_for_people_left_to_phone_or_write_to(cast: Cast) -> None:
    meeting = everyone_invited(cast)
    publish(cast.chair, meeting)
    emailed = PaperNotice.objects.get(user=cast.member)
    url = reverse("meetings:paper_notice_told", args=[meeting.pk, emailed.paper_id, emailed.pk])

    response = client_for(cast.chair).post(url, follow=True)
    assert "Amira Haddad was told by email or in their digest." in response.text
    assert client_for(cast.member).post(url).status_code == 403
    emailed.refresh_from_db()
    assert emailed.way == NoticeWay.EMAIL


def test_it_tells_nobody_when_invitations_have_not_gone_out(cast: Cast) -> None:
    meeting = a_meeting(cast, days=3)
    invite(meeting, cast.member, sent=False)

    messages = publish(cast.chair, meeting)

    assert mail.outbox == []
    assert not PaperNotice.objects.exists()
    assert not any("Everyone invited is told" in message for message in messages[:-1])


def test_it_tells_people_who_sent_apologies_but_not_people_whose_account_is_off(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast, days=10)
    (amira, _colin) = invite(meeting, cast.member, cast.carer)
    amira.reply = Reply.APOLOGIES
    amira.save()
    User.objects.filter(pk=cast.carer.pk).update(is_active=False)

    publish(cast.chair, meeting)

    assert [message.to for message in mail.outbox] == [["amira@example.org"]]


def test_it_never_tells_anyone_twice_about_one_paper(cast: Cast) -> None:
    meeting = everyone_invited(cast)
    publish(cast.chair, meeting)
    paper = Paper.objects.get()
    mail.outbox.clear()

    # Publishing it again, or a new file for it, tells nobody a second time.
    assert services.paper_notices_send(paper=paper, base_url=BASE_URL) == []
    client_for(cast.chair).post(
        reverse("meetings:paper_edit", args=[meeting.pk, paper.pk]),
        {"title": "Testing plan", "file": pdf()},
    )

    assert mail.outbox == []
    assert PaperNotice.objects.count() == 4
    with pytest.raises(IntegrityError), transaction.atomic():
        PaperNotice.objects.create(paper=paper, user=cast.member, way=NoticeWay.EMAIL)


def test_it_tells_people_invited_since_the_last_paper_only_about_the_next(cast: Cast) -> None:
    meeting = everyone_invited(cast)
    publish(cast.chair, meeting, "Testing plan")
    invite(meeting, cast.chair)
    mail.outbox.clear()

    publish(cast.chair, meeting, "Payment for testing")

    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@example.org",
        "deborah@example.org",
    ]
    assert PaperNotice.objects.filter(user=cast.chair).count() == 1


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_sends_one_notice_per_person_per_paper_through_the_worker(cast: Cast) -> None:
    moment = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=1)
    with time_machine.travel(moment, tick=False):
        meeting = everyone_invited(cast)
        publish(cast.chair, meeting)
        assert mail.outbox == []  # Queued in the same transaction as the notices.
        run_worker()
        run_worker()
        assert [message.to for message in mail.outbox] == [["amira@example.org"]]
        assert PaperNotice.objects.get(user=cast.member).sent_at == moment

        services.paper_notices_send(paper=Paper.objects.get(), base_url=BASE_URL)
        run_worker()
        assert len(mail.outbox) == 1


def test_it_shows_who_was_told_in_the_same_queries_however_many(cast: Cast) -> None:
    small = everyone_invited(cast)
    publish(cast.chair, small)
    big = a_meeting(cast, days=3, title="Bigger", venue=small.venue)
    invite(big, cast.member, cast.carer, cast.commissioner, cast.clinician, cast.chair)
    for n in range(4):
        publish(cast.chair, big, f"Paper {n}")
    chair = client_for(cast.chair)
    chair.get(reverse("meetings:papers", args=[small.pk]))  # warm up the session

    with CaptureQueriesContext(connection) as few:
        chair.get(reverse("meetings:papers", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        response = chair.get(reverse("meetings:papers", args=[big.pk]))

    assert response.content.decode().count("To phone or write to") == 4
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)


def test_it_exports_and_erases_what_a_person_was_told(cast: Cast) -> None:
    meeting = everyone_invited(cast)
    publish(cast.chair, meeting)

    (section,) = [s for s in personal_data.export(cast.member) if s.key == "paper_notices"]
    assert [(row["paper"], row["way"]) for row in section.rows] == [("Testing plan", "Emailed")]

    personal_data.erase(cast.member)
    assert not PaperNotice.objects.filter(user=cast.member).exists()
    assert PaperNotice.objects.count() == 3


# ---------------------------------------------------------------------------------------------
# Too soon for the notice period


def meeting_form(days: int, **overrides: str) -> dict[str, str]:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "title": "Reading the crisis pages together",
        "purpose": "Go through the drafts.",
        "format": "online",
        "video_link": "https://meet.example.org/read",
        "day_day": str(day.day),
        "day_month": str(day.month),
        "day_year": str(day.year),
        "start_time": "14:00",
        "end_time": "16:00",
    } | overrides


NOTICE = "papers cannot be sent 7 days before"


def test_it_warns_the_leader_who_plans_a_meeting_too_soon_for_papers(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]), meeting_form(days=3), follow=True
    )

    assert response.status_code == 200
    assert Meeting.objects.filter(title="Reading the crisis pages together").exists()
    assert NOTICE in response.content.decode()


def test_it_does_not_warn_when_there_is_time_for_papers(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]), meeting_form(days=14), follow=True
    )

    assert response.status_code == 200
    assert NOTICE not in response.content.decode()


def test_it_warns_but_saves_when_a_meeting_moves_too_soon(cast: Cast) -> None:
    meeting = a_meeting(cast, days=14)
    chair = client_for(cast.chair)
    data = meeting_form(days=2, version=str(meeting.version))
    data |= {"title": meeting.title, "format": "in_person", "venue": str(meeting.venue_id)}

    response = chair.post(reverse("meetings:edit", args=[meeting.pk]), data, follow=True)

    meeting.refresh_from_db()
    assert meeting.starts_at is not None
    assert meeting.starts_at.date() == timezone.localdate() + datetime.timedelta(days=2)
    assert NOTICE in response.content.decode()
    # A change that leaves the date alone says nothing about it.
    data |= {"title": "Testing the crisis pages again", "version": str(meeting.version)}
    response = chair.post(reverse("meetings:edit", args=[meeting.pk]), data, follow=True)
    assert NOTICE not in response.content.decode()


def test_it_warns_before_and_after_choosing_a_date_too_soon(cast: Cast) -> None:
    meeting = a_meeting(cast, starts_at=None, ends_at=None)
    starts = timezone.now() + datetime.timedelta(days=4)
    option = DateOption.objects.create(
        meeting=meeting, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2)
    )
    chair = client_for(cast.chair)
    url = reverse("meetings:date_choose", args=[meeting.pk, option.pk])

    assert NOTICE in chair.get(url).content.decode()
    response = chair.post(url, follow=True)

    meeting.refresh_from_db()
    assert meeting.starts_at == starts
    assert NOTICE in response.content.decode()
