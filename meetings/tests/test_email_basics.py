"""Email basics: sent in the organisation's name with a Reply-To a person reads; the phone
dial-in in invitations and the calendar file; the provisional decisions in the email that
opens the window for further thoughts; the chair told when a thought arrives and when the
minutes can be approved; easy-read emails for the people who need them."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation
from conftest import Cast, client_for
from meetings.calendar import meeting_ics
from meetings.models import Decision, Meeting, MeetingFormat, MinutesVersion
from meetings.services import after, invitations, record
from meetings.tests.access_helpers import give_need
from meetings.tests.after_helpers import a_thought, closed_meeting, held_meeting
from meetings.tests.preparation import a_meeting, invite
from meetings.tests.test_planning import form_data, riverside
from people.models import ContactFrequency, Profile
from projects.models import Membership, ProjectRole

pytestmark = pytest.mark.django_db

BASE_URL = "https://coproduce.example.org/"


def sent_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


def html_of(message: mail.EmailMessage) -> str:
    assert isinstance(message, mail.EmailMultiAlternatives)
    return str(message.alternatives[0][0])


# ---------------------------------------------------------------------------------------------
# In the organisation's name, with a Reply-To


def test_it_sends_member_emails_in_the_organisations_name_with_a_reply_to(cast: Cast) -> None:
    Organisation.objects.filter(pk=1).update(
        name="Riverside Council", contact_email="involve@riverside.example.org"
    )
    meeting = a_meeting(cast)
    invite(meeting, cast.member, sent=False)

    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (message,) = sent_to("amira@example.org")
    assert message.from_email == "Riverside Council <no-reply@example.org>"
    assert message.reply_to == ["involve@riverside.example.org"]
    assert message.message()["Reply-To"] == "involve@riverside.example.org"


def test_it_sends_no_reply_to_when_the_organisation_has_no_contact_address(cast: Cast) -> None:
    Organisation.objects.filter(pk=1).update(name="Riverside Council", contact_email="")
    meeting = a_meeting(cast)
    invite(meeting, cast.member, sent=False)

    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (message,) = sent_to("amira@example.org")
    assert message.from_email == "Riverside Council <no-reply@example.org>"
    assert message.reply_to == []


# ---------------------------------------------------------------------------------------------
# The phone dial-in


def meeting_form(**overrides: str) -> dict[str, str]:
    """The planning form filled in for a meeting online, with a number to dial in on."""
    online = {
        "format": MeetingFormat.ONLINE,
        "video_link": "https://meet.example.org/crisis",
        "phone_dial_in": "020 7946 0000",
    }
    return form_data(None, **(online | overrides))


def test_it_keeps_a_phone_dial_in_for_a_meeting_online(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]),
        meeting_form(phone_dial_in="  +44 20  7946 0000 "),
    )

    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.phone_dial_in == "+44 20 7946 0000"
    page = client_for(cast.chair).get(reverse("meetings:detail", args=[meeting.pk])).text
    assert "Call +44 20 7946 0000" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"phone_dial_in": "ring Deborah"},
            "Enter the phone dial-in number as digits, like 020 7946 0000",
        ),
        ({"phone_dial_in": "0207"}, "Enter the phone dial-in number as digits"),
        ({"phone_dial_in": "0" * 41}, "The phone dial-in number must be 40 characters or fewer"),
        (
            {"format": MeetingFormat.IN_PERSON, "video_link": ""},
            "Remove the phone dial-in number, or choose a format with a video call",
        ),
    ],
)
def test_it_refuses_a_dial_in_that_is_not_a_phone_number_or_not_offered(
    cast: Cast, overrides: dict[str, str], message: str
) -> None:
    data = meeting_form(**overrides)
    if data["format"] == MeetingFormat.IN_PERSON:
        data["venue"] = str(riverside().pk)

    response = client_for(cast.chair).post(reverse("meetings:create", args=[cast.website.pk]), data)

    assert response.status_code == 400
    errors = response.context["form"].errors["phone_dial_in"]
    assert any(message in error for error in errors)
    # The error summary links to the field, and what was typed stays.
    assert 'href="#id_phone_dial_in"' in response.text
    assert data["phone_dial_in"] in response.text
    assert not Meeting.objects.exists()


def test_it_shows_the_dial_in_in_the_invitation_and_the_calendar_file(cast: Cast) -> None:
    meeting = a_meeting(cast, meeting_format=MeetingFormat.HYBRID, phone_dial_in="020 7946 0000")
    invite(meeting, cast.carer, sent=False)

    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (message,) = sent_to("colin@example.org")
    assert "By phone: call 020 7946 0000" in str(message.body)
    assert "Call 020 7946 0000" in html_of(message)
    ics = meeting_ics(meeting=meeting).replace("\r\n ", "")
    assert "By phone: call 020 7946 0000" in ics


def test_it_leaves_the_dial_in_out_of_a_calendar_file_without_one(cast: Cast) -> None:
    meeting = a_meeting(cast, meeting_format=MeetingFormat.ONLINE)
    assert "By phone" not in meeting_ics(meeting=meeting)


# ---------------------------------------------------------------------------------------------
# The window for further thoughts lists what could still change


def test_it_lists_the_provisional_decisions_in_the_email_opening_the_window(cast: Cast) -> None:
    meeting = held_meeting(cast)
    item = meeting.agenda_items.get(title="Words we avoid")
    Decision.objects.create(
        meeting=meeting, agenda_item=item, text="Say “people who use services”."
    )
    Decision.objects.create(meeting=meeting, text="Meet again in April.")

    after.meeting_close(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (message,) = [m for m in sent_to("colin@example.org") if "further thoughts" in m.subject]
    body = str(message.body)
    assert "These decisions could still change:" in body
    assert "- Words we avoid: Say “people who use services”." in body
    assert "- Meet again in April." in body
    assert "<strong>Words we avoid:</strong> Say “people who use services”." in html_of(message)


def test_it_says_nothing_about_decisions_when_none_were_taken(cast: Cast) -> None:
    meeting = held_meeting(cast)

    after.meeting_close(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (message,) = [m for m in sent_to("colin@example.org") if "further thoughts" in m.subject]
    assert "could still change" not in str(message.body)


# ---------------------------------------------------------------------------------------------
# The chair is told


def test_it_tells_the_chair_when_a_further_thought_arrives(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    url = reverse("meetings:cooling_off", args=[meeting.pk])

    client_for(cast.carer).post(url, {"agenda_item": "", "text": "Evenings suit carers."})

    (message,) = sent_to("deborah@example.org")
    assert message.subject == "New further thoughts on “Crisis pages: first drafts”"
    assert "Colin Price has sent further thoughts" in str(message.body)
    assert "Evenings suit carers." in str(message.body)
    written = meeting.written_inputs.get()
    consider = reverse("meetings:cooling_off_consider", args=[meeting.pk, written.pk])
    assert consider in str(message.body)
    # Only the chair: the member who wrote it and the rest of the group hear nothing.
    assert [m.to for m in mail.outbox] == [["deborah@example.org"]]


def test_it_tells_the_chair_the_way_they_asked(cast: Cast) -> None:
    meeting = closed_meeting(cast)
    Profile.objects.create(user=cast.chair, frequency=ContactFrequency.WEEKLY)
    url = reverse("meetings:cooling_off", args=[meeting.pk])

    client_for(cast.carer).post(url, {"agenda_item": "", "text": "Evenings suit carers."})

    # A message a week at most: a thought arriving is not worth breaking that for.
    assert sent_to("deborah@example.org") == []


def test_it_does_not_tell_the_chair_about_their_own_thought(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    client_for(cast.chair).post(
        reverse("meetings:cooling_off", args=[meeting.pk]), {"agenda_item": "", "text": "Mine."}
    )

    assert mail.outbox == []


def window_passed(cast: Cast) -> Meeting:
    """Closed 50 hours ago with a 48-hour window: the window has closed."""
    return closed_meeting(cast, closed_at=timezone.now() - datetime.timedelta(hours=50))


def ready_emails() -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if "ready to approve" in m.subject]


def test_it_tells_the_chair_once_when_the_last_thought_is_answered(cast: Cast) -> None:
    meeting = window_passed(cast)
    MinutesVersion.objects.create(meeting=meeting, number=1, saved_by=cast.coordinator)
    first, second = a_thought(meeting, cast.member), a_thought(meeting, cast.carer)

    after.written_input_consider(written=first, actor=cast.chair, response="Thank you.")
    assert ready_emails() == []
    after.written_input_consider(written=second, actor=cast.chair, response="Good idea.")

    (message,) = ready_emails()
    assert message.to == ["deborah@example.org"]
    assert message.subject == "The minutes of “Crisis pages: first drafts” are ready to approve"
    assert reverse("meetings:minutes_approve", args=[meeting.pk]) in str(message.body)
    # Saving the minutes again later tells nobody again.
    record.minutes_save(
        meeting=meeting, actor=cast.coordinator, based_on=1, summary="", change_note="", notes={}
    )
    assert len(ready_emails()) == 1
    meeting.refresh_from_db()
    assert meeting.minutes_ready_told_at is not None


def test_it_tells_the_chair_when_the_minutes_are_written_last(cast: Cast) -> None:
    meeting = window_passed(cast)

    record.minutes_save(
        meeting=meeting, actor=cast.coordinator, based_on=0, summary="", change_note="", notes={}
    )

    assert [m.to for m in ready_emails()] == [["deborah@example.org"]]


def test_it_does_not_tell_the_chair_while_the_window_is_open(cast: Cast) -> None:
    meeting = closed_meeting(cast)

    record.minutes_save(
        meeting=meeting, actor=cast.coordinator, based_on=0, summary="", change_note="", notes={}
    )

    assert ready_emails() == []
    assert not after.minutes_ready_tell(meeting=meeting)


def test_it_tells_the_coordinator_when_the_group_has_no_chair(cast: Cast) -> None:
    meeting = window_passed(cast)
    Membership.objects.filter(user=cast.chair).update(role=ProjectRole.MEMBER)

    record.minutes_save(
        meeting=meeting, actor=cast.coordinator, based_on=0, summary="", change_note="", notes={}
    )

    assert [m.to for m in ready_emails()] == [["grace@example.org"]]


# ---------------------------------------------------------------------------------------------
# Easy read


def test_it_sends_easy_read_invitations_to_people_who_need_easy_read(cast: Cast) -> None:
    give_need(cast.member, "easy-read")
    meeting = a_meeting(cast, meeting_format=MeetingFormat.ONLINE, phone_dial_in="020 7946 0000")
    invite(meeting, cast.member, cast.carer, sent=False)

    invitations.invitations_send(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (amiras,) = sent_to("amira@example.org")
    (colins,) = sent_to("colin@example.org")
    assert "Please tell us if you can come." in str(amiras.body)
    assert "You can join by phone. Call 020 7946 0000." in str(amiras.body)
    assert "Please tell us if you can come." in html_of(amiras)
    # The subject, the reply link and the calendar file are the same for everyone.
    assert amiras.subject == colins.subject.replace("Colin", "Amira")
    assert reverse("meetings:reply", args=[meeting.pk]) in str(amiras.body)
    assert amiras.attachments
    assert "Please tell us if you can come." not in str(colins.body)
    assert "Please tell us whether you can come" in str(colins.body)


def test_it_sends_easy_read_reminders(cast: Cast) -> None:
    give_need(cast.member, "easy-read")
    meeting = a_meeting(cast, days=1, hours=2)
    invite(meeting, cast.member, cast.carer)
    assert meeting.starts_at is not None

    invitations.reminders_send(
        meeting_id=meeting.pk,
        starts_at_iso=meeting.starts_at.isoformat(),
        base_url=BASE_URL,
        now=meeting.starts_at - datetime.timedelta(days=1),
    )

    (amiras,) = sent_to("amira@example.org")
    (colins,) = sent_to("colin@example.org")
    assert "Can you not come now?" in str(amiras.body)
    assert "Can you not come now?" not in str(colins.body)


def test_it_sends_the_easy_read_email_opening_the_window(cast: Cast) -> None:
    give_need(cast.member, "easy-read")
    meeting = held_meeting(cast)
    Decision.objects.create(meeting=meeting, text="Meet again in April.")

    after.meeting_close(meeting=meeting, actor=cast.chair, base_url=BASE_URL)

    (amiras,) = [m for m in sent_to("amira@example.org") if "further thoughts" in m.subject]
    body = str(amiras.body)
    assert "You can still tell us in writing." in body
    assert "What you tell us could still change them." in body
    assert "- Meet again in April." in body
    # Short lines: one idea each.
    assert all(len(line) <= 80 for line in body.splitlines() if not line.startswith("http"))


def test_it_tells_the_chair_when_the_window_closes_with_nothing_else_in_the_way(
    cast: Cast,
) -> None:
    meeting = closed_meeting(cast)
    MinutesVersion.objects.create(meeting=meeting, number=1, saved_by=cast.coordinator)
    answered = a_thought(meeting, cast.member)
    after.written_input_consider(written=answered, actor=cast.chair, response="Thank you.")
    assert ready_emails() == []  # the window is still open
    assert meeting.cooling_off_ends_at is not None
    ends_at = meeting.cooling_off_ends_at

    with time_machine.travel(ends_at + datetime.timedelta(minutes=1)):
        assert after.cooling_off_close(meeting_id=meeting.pk, ends_at_iso=ends_at.isoformat())

    assert [m.to for m in ready_emails()] == [["deborah@example.org"]]
