"""One meeting through its whole life, through the real views, as the personas would."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from conftest import Cast, client_for
from meetings.models import (
    ActionPoint,
    AfterMeetingCheck,
    AgendaItem,
    Availability,
    Contribution,
    DateOption,
    Decision,
    InputKind,
    Invitee,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    MinutesVersion,
    Paper,
    UnmetNeedReason,
    WrittenInput,
)
from meetings.services import after
from meetings.tests.access_helpers import give_need, need_type, old_library
from meetings.tests.preparation import TINY_PDF, media  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def date_fields(prefix: str, day: datetime.date) -> dict[str, str]:
    return {
        f"{prefix}_day": str(day.day),
        f"{prefix}_month": str(day.month),
        f"{prefix}_year": str(day.year),
    }


def test_it_runs_a_meeting_from_planning_to_approved_minutes(cast: Cast) -> None:
    grace = client_for(cast.coordinator)

    # 1. Grace plans a meeting with no date, offers two dates, the group answers.
    response = grace.post(
        reverse("meetings:create", args=[cast.website.pk]),
        {
            "title": "Testing the crisis pages",
            "purpose": "Try the new pages with people who use them.",
            "day_day": "",
            "day_month": "",
            "day_year": "",
            "start_time": "",
            "end_time": "",
            "format": MeetingFormat.ONLINE,
            "venue": "",
            "video_link": "https://video.example.org/crisis",
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at is None
    assert meeting.status == MeetingStatus.PLANNING
    first_day = timezone.localdate() + datetime.timedelta(days=20)
    second_day = first_day + datetime.timedelta(days=1)
    add_url = reverse("meetings:date_option_add", args=[meeting.pk])
    for day in (first_day, second_day):
        response = grace.post(
            add_url, date_fields("day", day) | {"start_time": "10:00", "end_time": "12:00"}
        )
        assert response.status_code == 302
    first, second = DateOption.objects.filter(meeting=meeting).order_by("starts_at")
    poll = reverse("meetings:date_poll", args=[meeting.pk])
    for user, answers in [
        (cast.member, (Availability.NO, Availability.YES)),
        (cast.carer, (Availability.IF_NEED_BE, Availability.YES)),
    ]:
        response = client_for(user).post(
            poll, {f"option_{first.pk}": answers[0], f"option_{second.pk}": answers[1]}
        )
        assert response.status_code == 302
    best = [r.option for r in grace.get(poll).context["results"] if r.is_best]
    assert best == [second]
    response = grace.post(reverse("meetings:date_choose", args=[meeting.pk, second.pk]))
    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=meeting.pk)
    assert (meeting.starts_at, meeting.ends_at) == (second.starts_at, second.ends_at)

    # 2. A venue without a hearing loop; Colin needs one.
    venue = old_library()
    local = timezone.localtime(meeting.starts_at)
    response = grace.post(
        reverse("meetings:edit", args=[meeting.pk]),
        {
            "title": meeting.title,
            "purpose": meeting.purpose,
            **date_fields("day", local.date()),
            "start_time": "10:00",
            "end_time": "12:00",
            "format": MeetingFormat.HYBRID,
            "venue": str(venue.pk),
            "video_link": meeting.video_link,
            "version": str(meeting.version),
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue == venue
    give_need(cast.carer, "hearing-loop")
    # The plan counts the people invited, so Grace lists them now and sends later.
    response = grace.post(
        reverse("meetings:invitee_add", args=[meeting.pk]),
        {"people": [u.pk for u in (cast.chair, cast.member, cast.carer, cast.commissioner)]},
    )
    assert response.status_code == 302
    assert Invitee.objects.filter(meeting=meeting, invited_at__isnull=True).count() == 4
    loop = need_type("hearing-loop")
    page = grace.get(reverse("meetings:access_plan", args=[meeting.pk])).content.decode()
    assert "Not met" in page
    assert loop.name in page
    response = grace.post(reverse("meetings:mark_ready", args=[meeting.pk]), {})
    assert response.status_code == 400
    assert "cannot be marked ready while these needs are not met" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNING
    response = grace.post(
        reverse("meetings:unmet_reason", args=[meeting.pk, loop.pk]),
        {
            "reason": "No room with a loop is free that day.",
            "offered_instead": "A portable loop at the table and a seat at the front.",
        },
    )
    assert response.status_code == 302
    assert UnmetNeedReason.objects.filter(meeting=meeting, need_type=loop).exists()
    response = grace.post(reverse("meetings:mark_ready", args=[meeting.pk]), {}, follow=True)
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.READY
    assert "is marked ready" in response.content.decode()

    # 3. Agenda, a paper, and invitations with a calendar entry.
    for title, purpose in [("The draft crisis pages", "discussion"), ("Next steps", "decision")]:
        response = grace.post(
            reverse("meetings:agenda_item_add", args=[meeting.pk]),
            {"title": title, "purpose": purpose, "minutes": "30"},
        )
        assert response.status_code == 302
    pages_item, _next_item = AgendaItem.objects.filter(meeting=meeting).order_by("position")
    response = grace.post(
        reverse("meetings:paper_add", args=[meeting.pk]),
        {
            "title": "Crisis pages: draft 1",
            "agenda_item": pages_item.pk,
            "file": SimpleUploadedFile("drafts.pdf", TINY_PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    assert Paper.objects.get(meeting=meeting).agenda_item == pages_item
    mail.outbox.clear()
    response = grace.post(reverse("meetings:invitations_send", args=[meeting.pk]))
    assert response.status_code == 200
    assert not Invitee.objects.filter(meeting=meeting, invited_at__isnull=True).exists()
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        calendars = [a for a in message.attachments if "text/calendar" in str(a)]
        assert calendars, message.subject
        assert "METHOD:REQUEST" in str(calendars[0])

    # 4. Amira comes by video; Tom sends apologies and his thoughts on the first item.
    amira = client_for(cast.member)
    response = amira.post(
        reverse("meetings:reply", args=[meeting.pk]), {"reply": "coming", "way": "video"}
    )
    assert response.status_code == 302
    amira_invite = Invitee.objects.get(meeting=meeting, user=cast.member)
    assert (amira_invite.reply, amira_invite.way) == ("coming", "video")
    tom = client_for(cast.commissioner)
    response = tom.post(reverse("meetings:reply", args=[meeting.pk]), {"reply": "apologies"})
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:advance_input", args=[meeting.pk])
    assert Invitee.objects.get(meeting=meeting, user=cast.commissioner).reply == "apologies"
    response = tom.post(
        reverse("meetings:advance_input", args=[meeting.pk]),
        {f"item_{pages_item.pk}": "The crisis number should be at the top of every page."},
    )
    assert response.status_code == 302
    page = grace.get(reverse("meetings:invitations", args=[meeting.pk])).content.decode()
    assert "The crisis number should be at the top of every page." in page

    # 5. After the start: Deborah takes the register and saves two versions of the minutes.
    assert meeting.starts_at is not None
    with time_machine.travel(meeting.starts_at + datetime.timedelta(minutes=5), tick=False):
        # Signed in afresh: a session from three weeks ago has expired.
        deborah = client_for(cast.chair)
        invitees = {i.user_id: i for i in Invitee.objects.filter(meeting=meeting)}
        response = deborah.post(
            reverse("meetings:attendance", args=[meeting.pk]),
            {
                f"invitee_{invitees[cast.chair.pk].pk}": "in_person",
                f"invitee_{invitees[cast.member.pk].pk}": "in_person",
                f"invitee_{invitees[cast.carer.pk].pk}": "in_person",
                f"invitee_{invitees[cast.commissioner.pk].pk}": "no",
            },
        )
        assert response.status_code == 302
        assert dict(Invitee.objects.filter(meeting=meeting).values_list("user_id", "attended")) == {
            cast.chair.pk: True,
            cast.member.pk: True,
            cast.carer.pk: True,
            cast.commissioner.pk: False,
        }
        minutes_url = reverse("meetings:minutes_edit", args=[meeting.pk])
        for based_on, note in [(0, "First draft"), (1, "Added Amira's point")]:
            response = deborah.post(
                minutes_url,
                {
                    "based_on": str(based_on),
                    f"item_{pages_item.pk}": f"The group read the drafts. {note}.",
                    "summary": "A useful first look.",
                    "change_note": note,
                },
            )
            assert response.status_code == 302, response.content.decode()[:2000]
        assert list(
            MinutesVersion.objects.filter(meeting=meeting).values_list("number", flat=True)
        ) == [2, 1]
        response = deborah.post(
            reverse("meetings:decision_add", args=[meeting.pk]),
            {"agenda_item": str(pages_item.pk), "text": "Put the crisis number at the top."},
        )
        assert response.status_code == 302
        decision = Decision.objects.get(meeting=meeting)
        assert decision.agenda_item == pages_item
        response = deborah.post(
            reverse("meetings:action_add", args=[meeting.pk]),
            {
                "agenda_item": str(pages_item.pk),
                "text": "Move the crisis number on every page.",
                "owner": str(cast.coordinator.pk),
                "due_on_day": "",
                "due_on_month": "",
                "due_on_year": "",
            },
        )
        assert response.status_code == 302
        assert ActionPoint.objects.get(meeting=meeting).owner == cast.coordinator
        item_url = reverse("meetings:contributions_item", args=[meeting.pk, pages_item.pk])
        seen = deborah.get(item_url).context["form"]["seen"].value()
        response = deborah.post(
            item_url,
            {
                "seen": seen,
                f"c_{cast.member.pk}_remote": "2",
                f"c_{cast.carer.pk}_in_room": "1",
                f"c_{cast.commissioner.pk}_written": "1",
            },
        )
        assert response.status_code == 302
        assert sorted(
            Contribution.objects.filter(meeting=meeting).values_list("user_id", "way")
        ) == sorted(
            [
                (cast.member.pk, "remote"),
                (cast.member.pk, "remote"),
                (cast.carer.pk, "in_room"),
                (cast.commissioner.pk, "written"),
            ]
        )

        # Grace closes the meeting: decisions stay provisional while members may add thoughts.
        response = client_for(cast.coordinator).post(
            reverse("meetings:close", args=[meeting.pk]), follow=True
        )
        assert response.status_code == 200
        meeting.refresh_from_db()
        assert meeting.status == MeetingStatus.CLOSED
        assert meeting.cooling_off_ends_at is not None
        assert meeting.decisions_provisional
        response = client_for(cast.carer).post(
            reverse("meetings:cooling_off", args=[meeting.pk]),
            {"agenda_item": str(pages_item.pk), "text": "The loop crackled; I missed the end."},
        )
        assert response.status_code == 302
        assert (
            WrittenInput.objects.filter(meeting=meeting, author=cast.carer)
            .exclude(kind="advance")
            .exists()
        )
        thought = WrittenInput.objects.get(
            meeting=meeting, author=cast.carer, kind=InputKind.COOLING_OFF
        )

        # Approval waits for the window to end and every thought to be answered.
        approve = reverse("meetings:minutes_approve", args=[meeting.pk])
        response = deborah.post(approve)
        assert response.status_code == 400
        refused = response.content.decode()
        assert "The window for further thoughts is open until" in refused
        assert "1 further thought has not been answered yet." in refused
        meeting.refresh_from_db()
        assert meeting.minutes_approved_at is None
        response = deborah.post(
            reverse("meetings:cooling_off_consider", args=[meeting.pk, thought.pk]),
            {"response": "Thank you: we will test the loop before the next meeting."},
        )
        assert response.status_code == 302
        thought.refresh_from_db()
        assert thought.considered_at is not None
        assert thought.considered_by == cast.chair
        assert thought.response.startswith("Thank you: we will test the loop")

    ends_at = meeting.cooling_off_ends_at
    assert ends_at is not None
    with time_machine.travel(ends_at + datetime.timedelta(minutes=1), tick=False):
        mail.outbox.clear()
        assert after.cooling_off_close(meeting_id=meeting.pk, ends_at_iso=ends_at.isoformat())
        meeting.refresh_from_db()
        assert meeting.cooling_off_closed_at is not None
        assert not meeting.decisions_provisional
        told = {m.to[0] for m in mail.outbox if "has ended" in m.subject}
        assert cast.member.email in told
        colin = client_for(cast.carer)
        response = colin.post(
            reverse("meetings:cooling_off", args=[meeting.pk]), {"text": "One more thing."}
        )
        assert response.status_code == 400
        assert "The window for further thoughts closed at" in response.content.decode()
        assert WrittenInput.objects.filter(meeting=meeting, author=cast.carer).count() == 1
        deborah = client_for(cast.chair)
        response = deborah.post(approve)
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.minutes_approved_by == cast.chair
        amira = client_for(cast.member)
        response = amira.post(
            reverse("meetings:check", args=[meeting.pk]),
            {
                "co_producing": "4",
                "ground_rules": "5",
                "work_plan": "3",
                "anyone_worried": "no",
                "anonymous": "on",
            },
        )
        assert response.status_code == 302
        check = AfterMeetingCheck.objects.get(meeting=meeting)
        assert check.co_producing == 4
        assert check.respondent is None
        response = client_for(cast.coordinator).get(
            reverse("meetings:project_checks", args=[cast.website.pk])
        )
        assert response.status_code == 200
        # One answer is too few to show averages without pointing at the person.
        assert meeting.title in response.text
        assert "Fewer than 3 answers" in response.text
