"""Invitations, updates, cancellations and reminders, each the way people asked to be told;
replies with the way of taking part; written thoughts sent before the meeting."""

import datetime
import email
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from meetings.models import (
    AttendanceWay,
    InputKind,
    Invitee,
    ItemPurpose,
    MeetingFormat,
    MeetingStatus,
    Reply,
    WrittenInput,
)
from meetings.services import invitations
from meetings.tests.preparation import a_meeting, an_item, invite
from people.models import AccessNeed, AccessNeedType, ContactChannel, ContactFrequency, Profile
from projects.models import MembershipPause

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
BASE_URL = "https://coproduce.example.org/"


def calendar_of(message: mail.EmailMessage) -> tuple[str, str]:
    """The attached calendar file's method parameter and text, as a mail program sees them."""
    parsed = email.message_from_bytes(message.message().as_bytes())
    (part,) = [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_param("method")), payload.decode().replace("\r\n", "\n").replace("\n ", "")


def sent_to(address: str) -> mail.EmailMultiAlternatives:
    (message,) = [message for message in mail.outbox if address in message.to]
    assert isinstance(message, mail.EmailMultiAlternatives)
    return message


def prefers_phone(user: User) -> None:
    Profile.objects.update_or_create(
        user=user, defaults={"channels": [ContactChannel.PHONE], "phone": "07700 900123"}
    )


def ticked(page: Any) -> list[int]:
    """The people ticked on the page's form (a test client's response)."""
    return [
        choice.data["value"].value
        for choice in page.context["form"]["people"].subwidgets
        if choice.data["selected"]
    ]


def test_it_adds_current_members_with_nobody_ticked_to_begin_with(cast: Cast) -> None:
    meeting = a_meeting(cast)
    url = reverse("meetings:invitee_add", args=[meeting.pk])
    chair = client_for(cast.chair)

    page = chair.get(url)
    assert ticked(page) == []
    assert "Select everyone" in page.text

    response = chair.post(url, {"people": [cast.member.pk, cast.carer.pk, cast.outsider.pk]})

    assert response.status_code == 400  # Olu is not in the group: not a valid choice.
    response = chair.post(url, {"people": [cast.member.pk, cast.carer.pk]})
    assert response.status_code == 302
    invited = Invitee.objects.filter(meeting=meeting).order_by("user__full_name")
    assert [(i.user, i.member_type, i.invited_at) for i in invited] == [
        (cast.member, "lived_experience", None),
        (cast.carer, "carer", None),
    ]
    assert AuditEvent.objects.filter(action="meeting.invitees_added").exists()


def test_it_ticks_everyone_with_select_everyone_without_javascript(cast: Cast) -> None:
    meeting = a_meeting(cast)
    url = reverse("meetings:invitee_add", args=[meeting.pk])
    chair = client_for(cast.chair)

    # Pressed with one person ticked already: the page comes back with all six ticked.
    page = chair.post(url, {"people": [cast.member.pk], "select_all": "1"})

    assert page.status_code == 200
    assert len(ticked(page)) == 6
    assert "Everyone is ticked." in page.text
    assert not Invitee.objects.exists()
    # With JavaScript, HTMX posts the same button and swaps in only the list of people.
    assert 'hx-select="#people-to-invite"' in page.text
    assert 'id="people-to-invite"' in page.text


def test_it_asks_for_at_least_one_person(cast: Cast) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.chair).post(reverse("meetings:invitee_add", args=[meeting.pk]))
    assert response.status_code == 400
    assert "Choose at least one person to invite" in response.content.decode()


def test_it_sends_invitations_with_a_calendar_request_and_lists_who_to_phone(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member, cast.carer, cast.commissioner, sent=False)
    prefers_phone(cast.commissioner)
    AccessNeed.objects.create(
        user=cast.carer, need_type=AccessNeedType.objects.get(code="large-print"), detail="16"
    )

    response = client_for(cast.chair).post(reverse("meetings:invitations_send", args=[meeting.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "3 invitations sent" in page
    assert "Contact these people by phone or post" in page
    assert "Tom Gallagher" in page
    assert "07700 900123" in page
    assert sorted(address for message in mail.outbox for address in message.to) == [
        "amira@example.org",
        "colin@example.org",
    ]
    message = sent_to("amira@example.org")
    assert message.subject.startswith("You are invited: Testing the crisis pages on ")
    assert reverse("meetings:reply", args=[meeting.pk]) in str(message.body)
    content_type, ics = calendar_of(message)
    assert content_type == "REQUEST"
    assert "METHOD:REQUEST" in ics
    assert f"UID:{meeting.calendar_uid}@coproduce" in ics
    assert "SEQUENCE:0" in ics
    assert "mailto:amira@example.org" in ics
    # Colin needs large print: his email says so and is set in larger type.
    colins = sent_to("colin@example.org")
    assert "You told us you need papers in: Large print" in str(colins.body)
    html = colins.alternatives[0][0]
    assert "font-size:24px" in str(html)
    assert "font-size:24px" not in str(message.alternatives[0][0])
    # The page keeps the meeting's tabs, with Invitations as the current one.
    assert 'aria-label="Meeting sections"' in page
    invitations_tab = reverse("meetings:invitations", args=[meeting.pk])
    assert f'href="{invitations_tab}" aria-current="page"' in page
    # Everyone counts as invited, including Tom, whom the organiser phones.
    assert not meeting.invitees.filter(invited_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="meeting.invitations_sent").exists()


def test_it_sends_invitations_only_to_people_not_yet_invited(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member)
    invite(meeting, cast.carer, sent=False)

    to_contact = invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    assert to_contact == []
    assert [message.to for message in mail.outbox] == [["colin@example.org"]]
    with pytest.raises(invitations.InvitationError, match="already been invited"):
        invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"starts_at": None, "ends_at": None}, "before sending invitations"),
        ({"status": MeetingStatus.CANCELLED}, "cancelled or over"),
        ({"days": -1}, "has started"),
    ],
)
def test_it_explains_why_invitations_cannot_go(
    cast: Cast, change: dict[str, object], problem: str
) -> None:
    meeting = a_meeting(cast, **change)  # type: ignore[arg-type]
    invite(meeting, cast.member, sent=False)

    response = client_for(cast.chair).post(
        reverse("meetings:invitations_send", args=[meeting.pk]), follow=True
    )

    assert problem in response.content.decode()
    assert mail.outbox == []


def test_it_sends_one_invitation_again(cast: Cast) -> None:
    meeting = a_meeting(cast)
    (amira,) = invite(meeting, cast.member)
    url = reverse("meetings:invitation_resend", args=[meeting.pk, amira.pk])

    response = client_for(cast.coordinator).post(url)

    assert response.status_code == 200
    assert [message.to for message in mail.outbox] == [["amira@example.org"]]


def test_it_sends_updates_with_a_higher_sequence_and_cancellations(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member)
    invite(meeting, cast.carer, sent=False)  # Not invited yet: hears nothing of changes.
    assert meeting.starts_at is not None
    assert meeting.ends_at is not None

    meeting.starts_at += datetime.timedelta(hours=1)
    meeting.ends_at += datetime.timedelta(hours=1)
    meeting.save()
    invitations.meeting_changed(meeting=meeting, base_url=BASE_URL)

    (update,) = mail.outbox
    assert update.to == ["amira@example.org"]
    assert update.subject == "Changed: Testing the crisis pages"
    _content_type, ics = calendar_of(update)
    assert "METHOD:REQUEST" in ics
    assert "SEQUENCE:1" in ics
    assert meeting.calendar_sequence == 1

    mail.outbox.clear()
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    invitations.meeting_changed(meeting=meeting, cancelled=True, base_url=BASE_URL)

    (cancellation,) = mail.outbox
    assert cancellation.subject == "Cancelled: Testing the crisis pages"
    content_type, ics = calendar_of(cancellation)
    assert content_type == "CANCEL"
    assert "METHOD:CANCEL" in ics
    assert "STATUS:CANCELLED" in ics
    assert "SEQUENCE:2" in ics
    assert f"UID:{meeting.calendar_uid}@coproduce" in ics


def test_it_leaves_out_switched_off_accounts_and_lists_people_without_email(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member, cast.carer, cast.clinician, sent=False)
    cast.member.is_active = False
    cast.member.save()
    Profile.objects.update_or_create(
        user=cast.carer,
        defaults={"channels": [ContactChannel.POST], "postal_address": "2 Mill Row"},
    )

    to_contact = invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    assert to_contact == [cast.carer]
    assert [message.to for message in mail.outbox] == [["priya@example.org"]]


# ---------------------------------------------------------------------------------------------
# Reminders


def run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_reminds_people_three_days_and_one_day_before_through_the_worker(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast, days=10)
    invite(meeting, cast.member, cast.carer, cast.clinician, sent=False)
    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)
    run_worker()  # Sends the invitations, which wait in the queue like all email.
    mail.outbox.clear()
    Invitee.objects.filter(user=cast.clinician).update(reply=Reply.APOLOGIES)
    Profile.objects.update_or_create(
        user=cast.carer, defaults={"frequency": ContactFrequency.WEEKLY}
    )
    assert meeting.starts_at is not None
    reminders = DBTaskResult.objects.filter(task_path__endswith="meeting_reminders_send")
    assert sorted(task.run_after for task in reminders) == [
        meeting.starts_at - datetime.timedelta(days=3),
        meeting.starts_at - datetime.timedelta(days=1),
    ]

    run_worker()
    assert mail.outbox == []

    with time_machine.travel(meeting.starts_at - datetime.timedelta(days=3, minutes=-1)):
        run_worker()  # The reminder runs, and queues its emails...
        run_worker()  # ...which the next pass sends.
    # Amira only: Priya sent apologies; Colin wants one message a week at most, so his
    # reminder waits for it.
    assert [message.to for message in mail.outbox] == [["amira@example.org"]]
    assert mail.outbox[0].subject == "Reminder: Testing the crisis pages is in 3 days"

    mail.outbox.clear()
    with time_machine.travel(meeting.starts_at - datetime.timedelta(days=1, minutes=-1)):
        run_worker()
        run_worker()
    # The day before is essential: Colin gets that one.
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@example.org",
        "colin@example.org",
    ]
    assert mail.outbox[0].subject == "Reminder: Testing the crisis pages is tomorrow"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_drops_reminders_for_the_old_time_when_a_meeting_moves(cast: Cast) -> None:
    meeting = a_meeting(cast, days=10)
    invite(meeting, cast.member, sent=False)
    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)
    assert meeting.starts_at is not None
    assert meeting.ends_at is not None
    old_start = meeting.starts_at
    meeting.starts_at += datetime.timedelta(days=7)
    meeting.ends_at += datetime.timedelta(days=7)
    meeting.save()
    invitations.meeting_changed(meeting=meeting, base_url=BASE_URL)
    run_worker()
    mail.outbox.clear()

    with time_machine.travel(old_start - datetime.timedelta(days=1, minutes=-1)):
        run_worker()
        run_worker()
    assert mail.outbox == []  # The meeting is no longer tomorrow.

    with time_machine.travel(meeting.starts_at - datetime.timedelta(days=1, minutes=-1)):
        run_worker()
        run_worker()
    assert [message.subject for message in mail.outbox] == [
        "Reminder: Testing the crisis pages is tomorrow"
    ]


def test_it_does_nothing_for_a_reminder_set_for_another_time_or_a_cancelled_meeting(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast, days=2)
    invite(meeting, cast.member)
    assert meeting.starts_at is not None
    other_time = (meeting.starts_at + datetime.timedelta(hours=1)).isoformat()

    assert invitations.reminders_send(meeting_id=meeting.pk, starts_at_iso=other_time) == 0
    meeting.status = MeetingStatus.CANCELLED
    meeting.save()
    start = meeting.starts_at.isoformat()
    assert invitations.reminders_send(meeting_id=meeting.pk, starts_at_iso=start) == 0
    assert invitations.reminders_send(meeting_id=999_999, starts_at_iso=start) == 0
    assert mail.outbox == []


def test_it_never_reminds_anyone_twice_for_the_same_time(cast: Cast) -> None:
    meeting = a_meeting(cast, days=1)
    invite(meeting, cast.member)
    assert meeting.starts_at is not None
    start = meeting.starts_at.isoformat()

    assert invitations.reminders_send(meeting_id=meeting.pk, starts_at_iso=start) == 1
    assert invitations.reminders_send(meeting_id=meeting.pk, starts_at_iso=start) == 0
    assert len(mail.outbox) == 1


def test_it_queues_no_reminders_on_a_backend_that_cannot_wait(cast: Cast) -> None:
    meeting = a_meeting(cast, days=10)
    assert invitations.reminders_schedule(meeting=meeting) == []


# ---------------------------------------------------------------------------------------------
# Replies and thoughts sent in advance


def test_it_saves_a_reply_with_the_way_of_taking_part(cast: Cast) -> None:
    meeting = a_meeting(cast, meeting_format=MeetingFormat.HYBRID)
    (amira,) = invite(meeting, cast.member)
    url = reverse("meetings:reply", args=[meeting.pk])
    client = client_for(cast.member)

    page = client.get(url).content.decode()
    assert 'value="video"' in page
    assert 'value="in_person"' in page

    response = client.post(url, {"reply": "coming", "way": "video"})

    assert response.status_code == 302
    amira.refresh_from_db()
    assert (amira.reply, amira.way) == (Reply.COMING, AttendanceWay.VIDEO)
    assert amira.replied_at is not None
    assert AuditEvent.objects.filter(action="meeting.replied", subject_id=cast.member.pk).exists()


def test_it_offers_only_the_ways_the_meeting_allows(cast: Cast) -> None:
    meeting = a_meeting(cast, meeting_format=MeetingFormat.IN_PERSON)
    (amira,) = invite(meeting, cast.member)
    url = reverse("meetings:reply", args=[meeting.pk])
    client = client_for(cast.member)

    page = client.get(url).content.decode()
    assert 'value="video"' not in page
    assert 'value="phone"' not in page

    response = client.post(url, {"reply": "coming", "way": "video"})
    assert response.status_code == 400
    response = client.post(url, {"reply": "coming"})
    assert response.status_code == 400
    assert "Choose how you will take part" in response.content.decode()
    amira.refresh_from_db()
    assert amira.reply == Reply.NONE


def test_it_takes_apologies_to_the_written_thoughts_page(cast: Cast) -> None:
    meeting = a_meeting(cast)
    (tom,) = invite(meeting, cast.commissioner)
    client = client_for(cast.commissioner)

    response = client.post(reverse("meetings:reply", args=[meeting.pk]), {"reply": "apologies"})

    assert response["Location"] == reverse("meetings:advance_input", args=[meeting.pk])
    tom.refresh_from_db()
    assert (tom.reply, tom.way) == (Reply.APOLOGIES, "")


def test_it_lets_only_invited_people_reply(cast: Cast) -> None:
    meeting = a_meeting(cast)
    for name in ("reply", "advance_input"):
        url = reverse(f"meetings:{name}", args=[meeting.pk])
        assert client_for(cast.member).get(url).status_code == 403
        assert client_for(cast.outsider).get(url).status_code == 404


def test_it_keeps_written_thoughts_per_item_and_removes_an_emptied_one(cast: Cast) -> None:
    meeting = a_meeting(cast)
    welcome = an_item(meeting, "Welcome", 10, ItemPurpose.INFORMATION)
    an_item(meeting, "Break", 15, ItemPurpose.BREAK)
    drafts = an_item(meeting, "The draft crisis pages", 45)
    invite(meeting, cast.commissioner)
    url = reverse("meetings:advance_input", args=[meeting.pk])
    client = client_for(cast.commissioner)

    page = client.get(url).content.decode()
    assert f'name="item_{drafts.pk}"' in page
    assert "Break" not in page  # Nobody writes about a break.

    response = client.post(
        url,
        {
            f"item_{welcome.pk}": "Glad to see the agenda early.",
            f"item_{drafts.pk}": "The phone number should be at the top.",
        },
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 200
    stored = WrittenInput.objects.filter(author=cast.commissioner, kind=InputKind.ADVANCE)
    assert {(w.agenda_item_id, w.text) for w in stored} == {
        (welcome.pk, "Glad to see the agenda early."),
        (drafts.pk, "The phone number should be at the top."),
    }

    client.post(url, {f"item_{welcome.pk}": "", f"item_{drafts.pk}": "Phone number first."})

    assert [(w.agenda_item_id, w.text) for w in stored.all()] == [
        (drafts.pk, "Phone number first.")
    ]
    # The organisers see it on the invitations page and on the agenda.
    invitations_page = client_for(cast.chair).get(
        reverse("meetings:invitations", args=[meeting.pk])
    )
    assert "Phone number first." in invitations_page.content.decode()
    agenda_page = client_for(cast.chair).get(reverse("meetings:agenda", args=[meeting.pk]))
    assert "Phone number first." in agenda_page.content.decode()
    # Other members do not.
    amira_agenda = client_for(cast.member).get(reverse("meetings:agenda", args=[meeting.pk]))
    assert "Phone number first." not in amira_agenda.content.decode()


def test_it_refuses_thoughts_that_are_too_long(cast: Cast) -> None:
    meeting = a_meeting(cast)
    item = an_item(meeting, "The draft crisis pages", 45)
    invite(meeting, cast.commissioner)

    response = client_for(cast.commissioner).post(
        reverse("meetings:advance_input", args=[meeting.pk]), {f"item_{item.pk}": "x" * 5001}
    )

    assert response.status_code == 400
    assert "5,000 characters or fewer" in response.content.decode()
    assert not WrittenInput.objects.exists()


def test_it_closes_replies_and_thoughts_when_the_meeting_starts(cast: Cast) -> None:
    meeting = a_meeting(cast, days=1)
    item = an_item(meeting, "The draft crisis pages", 45)
    (tom,) = invite(meeting, cast.commissioner)
    assert meeting.starts_at is not None

    with time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=1)):
        client = client_for(cast.commissioner)
        response = client.post(reverse("meetings:reply", args=[meeting.pk]), {"reply": "apologies"})
        assert "Replies closed when the meeting started." in response.content.decode()
        response = client.post(
            reverse("meetings:advance_input", args=[meeting.pk]), {f"item_{item.pk}": "Late"}
        )
        assert "can no longer change" in response.content.decode()
        with pytest.raises(invitations.InvitationError):
            invitations.reply_save(invitee=tom, reply=Reply.APOLOGIES, way="")

    tom.refresh_from_db()
    assert tom.reply == Reply.NONE
    assert not WrittenInput.objects.exists()


def test_it_shows_the_organisers_the_replies_and_how_to_reach_people(
    cast: Cast, django_assert_max_num_queries: object
) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member, cast.carer)
    prefers_phone(cast.carer)
    url = reverse("meetings:invitations", args=[meeting.pk])
    chair = client_for(cast.chair)
    chair.get(url)

    with django_assert_max_num_queries(14) as few:  # type: ignore[operator]
        response = chair.get(url)
    invite(meeting, cast.clinician, cast.commissioner, cast.coordinator, cast.chair)
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[operator]
        chair.get(url)

    page = response.content.decode()
    assert "Phone or text: 07700 900123" in page
    assert client_for(cast.member).get(url).status_code == 403


def test_it_takes_someone_off_the_list_after_asking(cast: Cast) -> None:
    meeting = a_meeting(cast)
    (amira,) = invite(meeting, cast.member)
    url = reverse("meetings:invitee_remove", args=[meeting.pk, amira.pk])
    chair = client_for(cast.chair)

    assert "Take Amira Haddad off the list?" in chair.get(url).content.decode()
    assert chair.post(url).status_code == 302
    assert not Invitee.objects.filter(pk=amira.pk).exists()


def test_it_keeps_timezone_aware_reply_times(cast: Cast) -> None:
    meeting = a_meeting(cast)
    (amira,) = invite(meeting, cast.member)
    invitations.reply_save(invitee=amira, reply=Reply.COMING, way=AttendanceWay.IN_PERSON)
    assert amira.replied_at is not None
    assert timezone.is_aware(amira.replied_at)


def test_it_sends_paused_members_no_invitation_or_reminder(cast: Cast) -> None:
    meeting = a_meeting(cast, days=10)
    invite(meeting, cast.member, cast.carer, sent=False)
    MembershipPause.objects.create(membership=cast.membership(cast.carer))
    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)
    invited = set(meeting.invitees.filter(invited_at__isnull=False).values_list("user", flat=True))
    assert invited == {cast.member.pk}
    Invitee.objects.filter(meeting=meeting).update(invited_at=timezone.now())
    assert meeting.starts_at is not None
    reminded = invitations.reminders_send(
        meeting_id=meeting.pk,
        starts_at_iso=meeting.starts_at.isoformat(),
        base_url=BASE_URL,
        now=meeting.starts_at - datetime.timedelta(days=1),
    )
    assert reminded == 1
    added = invitations.invitees_add(
        meeting=a_meeting(cast, days=20), users=[cast.carer], actor=cast.chair
    )
    assert added == []
