"""Planning meetings: the list, the meeting page, creating, changing and cancelling; finding a
date; the venues catalogue."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import Cast, client_for, make_user
from meetings.models import (
    AgendaItem,
    AttendanceWay,
    Availability,
    Contribution,
    ContributionWay,
    DateAnswer,
    DateOption,
    Invitee,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Paper,
    PaperFormat,
    PaperVersion,
    Reply,
    Venue,
)
from meetings.services import invitations, planning
from people.models import MemberType
from projects.models import Membership

pytestmark = pytest.mark.django_db


def riverside() -> Venue:
    venue, _created = Venue.objects.get_or_create(
        name="Riverside Community Centre",
        defaults={
            "address": "1 Quay Street\nRiverside",
            "capacity": 30,
            "step_free": True,
            "hearing_loop": True,
        },
    )
    return venue


def at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def a_meeting(cast: Cast, **fields: object) -> Meeting:
    values: dict[str, object] = {
        "project": cast.website,
        "title": "Testing the crisis pages",
        "purpose": "Try the new pages with people who use them.",
        "starts_at": at(10, 14),
        "ends_at": at(10, 16),
        "format": MeetingFormat.HYBRID,
        "video_link": "https://video.example.org/crisis",
        "created_by": cast.coordinator,
    }
    values.update(fields)
    if "venue" not in values and values["format"] != MeetingFormat.ONLINE:
        values["venue"] = riverside()
    return Meeting.objects.create(**values)


def invite(meeting: Meeting, user: User, reply: str = Reply.NONE) -> Invitee:
    return Invitee.objects.create(
        meeting=meeting,
        user=user,
        member_type=MemberType.LIVED_EXPERIENCE,
        reply=reply,
        way=AttendanceWay.IN_PERSON if reply == Reply.COMING else "",
        invited_at=timezone.now(),
    )


# ---------------------------------------------------------------------------------------------
# The list


def test_it_lists_upcoming_and_past_meetings(cast: Cast) -> None:
    a_meeting(cast)
    a_meeting(
        cast,
        title="Planning the new website",
        starts_at=at(-20, 10),
        ends_at=at(-20, 12),
        venue=None,
        format=MeetingFormat.ONLINE,
    )
    a_meeting(
        cast,
        title="Another group's meeting",
        project=cast.employment,
        venue=None,
        format=MeetingFormat.ONLINE,
    )
    response = client_for(cast.member).get(reverse("meetings:list", args=[cast.website.pk]))
    assert response.status_code == 200
    upcoming = [m.title for m in response.context["upcoming"]]
    past = [m.title for m in response.context["page"]]
    assert upcoming == ["Testing the crisis pages"]
    assert past == ["Planning the new website"]
    assert b"Another group" not in response.content
    assert b"Plan a meeting" not in response.content


def test_it_shows_an_empty_list_and_the_plan_button_to_leaders(cast: Cast) -> None:
    response = client_for(cast.chair).get(reverse("meetings:list", args=[cast.website.pk]))
    assert b"No meetings are planned yet." in response.content
    assert b"Plan a meeting" in response.content


def test_it_hides_the_meetings_of_other_projects(cast: Cast) -> None:
    response = client_for(cast.outsider).get(reverse("meetings:list", args=[cast.website.pk]))
    assert response.status_code == 404


def test_it_links_the_meetings_tab_from_the_project(cast: Cast) -> None:
    response = client_for(cast.member).get(reverse("projects:detail", args=[cast.website.pk]))
    assert reverse("meetings:list", args=[cast.website.pk]).encode() in response.content


# ---------------------------------------------------------------------------------------------
# The meeting page


def test_it_shows_the_meeting_page(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member, Reply.COMING)
    invite(meeting, cast.carer, Reply.APOLOGIES)
    invite(meeting, cast.clinician)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Welcome", minutes=10)
    AgendaItem.objects.create(meeting=meeting, position=2, title="The crisis pages", minutes=50)
    response = client_for(cast.member).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Riverside Community Centre" in page
    assert "1 Quay Street" in page
    assert "Hearing loop" in page
    assert "https://video.example.org/crisis" in page
    assert "You are coming" in page
    assert "14:10" in page  # the second item starts after the ten-minute welcome
    assert response.context["replies"] == {
        "invited": 3,
        "coming": 1,
        "apologies": 1,
        "waiting": 1,
        "sent": 3,
    }


def test_it_keeps_the_video_link_from_members_not_invited(cast: Cast) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.commissioner).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 200
    assert b"https://video.example.org/crisis" not in response.content
    response = client_for(cast.chair).get(reverse("meetings:detail", args=[meeting.pk]))
    assert b"https://video.example.org/crisis" in response.content


def test_it_says_when_a_meeting_has_no_date_yet(cast: Cast) -> None:
    meeting = a_meeting(cast, starts_at=None, ends_at=None)
    response = client_for(cast.member).get(reverse("meetings:detail", args=[meeting.pk]))
    assert b"Date not set yet" in response.content


def test_it_warns_leaders_when_more_are_invited_than_the_venue_holds(cast: Cast) -> None:
    venue = Venue.objects.create(name="Small room", address="Somewhere", capacity=2)
    meeting = a_meeting(cast, venue=venue)
    for user in (cast.member, cast.carer, cast.clinician):
        invite(meeting, user)
    response = client_for(cast.chair).get(reverse("meetings:detail", args=[meeting.pk]))
    assert "3 people are invited, but Small room has room for 2." in response.content.decode()


def test_it_hides_a_meeting_from_people_outside_the_project(cast: Cast) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.outsider).get(reverse("meetings:detail", args=[meeting.pk]))
    assert response.status_code == 404


def _fill(meeting: Meeting, *, invitees: int, items: int, papers: int, contributions: int) -> None:
    users = [
        make_user(f"person{meeting.pk}-{n}@example.org", f"Person {n}") for n in range(invitees)
    ]
    for user in users:
        Membership.objects.create(
            project=meeting.project, user=user, member_type=MemberType.LIVED_EXPERIENCE
        )
        invite(meeting, user, Reply.COMING)
    agenda = [
        AgendaItem.objects.create(
            meeting=meeting, position=n, title=f"Item {n}", minutes=5, presenter=users[0]
        )
        for n in range(items)
    ]
    for n in range(papers):
        paper = Paper.objects.create(
            meeting=meeting, title=f"Paper {n}", agenda_item=agenda[n % len(agenda)]
        )
        for paper_format in (PaperFormat.STANDARD, PaperFormat.EASY_READ):
            PaperVersion.objects.create(
                paper=paper, format=paper_format, file=ContentFile(b"x", name="paper.txt")
            )
    Contribution.objects.bulk_create(
        Contribution(
            meeting=meeting,
            agenda_item=agenda[n % len(agenda)],
            user=users[n % len(users)],
            member_type=MemberType.LIVED_EXPERIENCE,
            way=ContributionWay.IN_ROOM,
        )
        for n in range(contributions)
    )


def test_it_renders_the_meeting_page_in_constant_queries(
    cast: Cast, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    tiny = a_meeting(cast, title="Tiny")
    _fill(tiny, invitees=1, items=1, papers=1, contributions=1)
    big = a_meeting(cast, title="Big", venue=tiny.venue)
    _fill(big, invitees=15, items=40, papers=20, contributions=300)
    invite(tiny, cast.member)
    invite(big, cast.member)
    client = client_for(cast.member)
    client.get(reverse("meetings:detail", args=[tiny.pk]))  # warm up the session
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("meetings:detail", args=[tiny.pk])).status_code == 200
    with CaptureQueriesContext(connection) as drawing:
        response = client.get(reverse("meetings:detail", args=[big.pk]))
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("meetings:detail", args=[big.pk])).status_code == 200
    assert response.status_code == 200
    assert b"Item 39" in response.content
    assert b"Paper 19" in response.content
    assert len(many) == len(few), "\n".join(q["sql"] for q in many.captured_queries)
    # Drawn for the first time: one question to the shared cache, one statement to keep it.
    assert len(drawing) <= len(few) + 5
    assert len(many) <= 20, "\n".join(q["sql"][:150] for q in many.captured_queries)


# ---------------------------------------------------------------------------------------------
# Planning and changing a meeting


def form_data(place: Venue | None, **overrides: str) -> dict[str, str]:
    day = timezone.localdate() + datetime.timedelta(days=14)
    data = {
        "title": "Reading the crisis pages together",
        "purpose": "Go through the drafts.",
        "day_day": str(day.day),
        "day_month": str(day.month),
        "day_year": str(day.year),
        "start_time": "14:00",
        "end_time": "4pm",
        "format": MeetingFormat.IN_PERSON,
        "venue": str(place.pk) if place else "",
        "video_link": "",
    }
    data.update(overrides)
    return data


def test_it_plans_a_meeting(cast: Cast) -> None:
    from accounts.models import AuditEvent

    venue = riverside()
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]), form_data(venue)
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("meetings:detail", args=[meeting.pk])
    assert meeting.project == cast.website
    assert meeting.created_by == cast.chair
    assert timezone.localtime(meeting.starts_at).hour == 14
    assert meeting.duration_minutes == 120
    assert meeting.status == MeetingStatus.PLANNING
    assert AuditEvent.objects.filter(action="meeting.created", project=cast.website).exists()


def test_it_plans_a_meeting_without_a_date(cast: Cast) -> None:
    data = form_data(
        None,
        day_day="",
        day_month="",
        day_year="",
        start_time="",
        end_time="",
        format=MeetingFormat.ONLINE,
        video_link="https://video.example.org/spring",
    )
    response = client_for(cast.chair).post(reverse("meetings:create", args=[cast.website.pk]), data)
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.starts_at is None
    assert meeting.venue is None


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter the meeting's title"),
        ({"end_time": "13:00"}, "end_time", "The meeting must end after it starts"),
        ({"start_time": "teatime"}, "start_time", "like 14:00 or 2:30pm"),
        ({"end_time": ""}, "end_time", "Enter the time the meeting ends"),
        ({"venue": ""}, "venue", "Choose a venue, because people will meet in person"),
        (
            {"format": MeetingFormat.HYBRID},
            "video_link",
            "Enter the video call link, because people will meet online",
        ),
        ({"day_year": "2020"}, "day", "The date must be in the future"),
    ],
)
def test_it_explains_what_is_wrong_with_a_meeting(
    cast: Cast, overrides: dict[str, str], field: str, message: str
) -> None:
    venue = riverside()
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]), form_data(venue, **overrides)
    )
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not Meeting.objects.exists()
    # What was typed stays.
    assert b"Go through the drafts." in response.content


def test_it_refuses_a_venue_already_booked(cast: Cast) -> None:
    venue = riverside()
    day = timezone.localdate() + datetime.timedelta(days=14)
    a_meeting(
        cast,
        title="Carers' forum",
        project=cast.employment,
        venue=venue,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(15))),
        ends_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(17))),
    )
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]), form_data(venue)
    )
    assert response.status_code == 400
    expected = (
        f"Riverside Community Centre is already booked for “Carers' forum” from 15:00 to 17:00 "
        f"on {day.day} {day:%B}. Choose another time or venue."
    )
    assert response.context["form"].errors["venue"] == [expected]
    # Back to back is fine, and so is a cancelled booking.
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]),
        form_data(venue, start_time="12:00", end_time="15:00"),
    )
    assert response.status_code == 302


def test_it_ignores_cancelled_bookings(cast: Cast) -> None:
    venue = riverside()
    day = timezone.localdate() + datetime.timedelta(days=14)
    a_meeting(
        cast,
        venue=venue,
        status=MeetingStatus.CANCELLED,
        starts_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(14))),
        ends_at=timezone.make_aware(datetime.datetime.combine(day, datetime.time(16))),
    )
    response = client_for(cast.chair).post(
        reverse("meetings:create", args=[cast.website.pk]), form_data(venue)
    )
    assert response.status_code == 302


def test_it_lets_only_leaders_plan_meetings(cast: Cast) -> None:
    url = reverse("meetings:create", args=[cast.website.pk])
    assert client_for(cast.member).get(url).status_code == 403
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.chair).get(url).status_code == 200


def test_it_changes_a_meeting_and_tells_invitees(
    cast: Cast, mailoutbox: list[EmailMessage]
) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member)
    data = form_data(
        meeting.venue,
        title=meeting.title,
        format=MeetingFormat.HYBRID,
        video_link=meeting.video_link,
        version=str(meeting.version),
    )
    response = client_for(cast.chair).post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.version == 2
    assert meeting.calendar_sequence == 1
    assert [message.to for message in mailoutbox] == [["amira@example.org"]]
    assert "text/calendar" in str(mailoutbox[0].attachments[0])


def test_it_does_not_email_for_a_new_title(cast: Cast, mailoutbox: list[EmailMessage]) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member)
    local = timezone.localtime(meeting.starts_at)
    data = form_data(
        meeting.venue,
        title="A clearer title",
        format=MeetingFormat.HYBRID,
        video_link=meeting.video_link,
        day_day=str(local.day),
        day_month=str(local.month),
        day_year=str(local.year),
        version=str(meeting.version),
    )
    response = client_for(cast.chair).post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title == "A clearer title"
    assert mailoutbox == []


def test_it_refuses_a_stale_edit(cast: Cast) -> None:
    meeting = a_meeting(cast)
    data = form_data(
        meeting.venue,
        title="Mine",
        format=MeetingFormat.HYBRID,
        video_link=meeting.video_link,
        version=str(meeting.version),
    )
    Meeting.objects.filter(pk=meeting.pk).update(title="Theirs", version=2)
    response = client_for(cast.chair).post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 400
    assert "Someone else saved changes" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title == "Theirs"


def test_it_does_not_change_a_cancelled_meeting(cast: Cast) -> None:
    meeting = a_meeting(cast, status=MeetingStatus.CANCELLED)
    response = client_for(cast.chair).get(reverse("meetings:edit", args=[meeting.pk]))
    assert response.status_code == 302
    response = client_for(cast.chair).get(reverse("meetings:cancel", args=[meeting.pk]))
    assert response.status_code == 302


# ---------------------------------------------------------------------------------------------
# Cancelling


def test_it_cancels_a_meeting_and_sends_a_calendar_cancellation(
    cast: Cast, mailoutbox: list[EmailMessage]
) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member)
    url = reverse("meetings:cancel", args=[meeting.pk])
    response = client_for(cast.chair).post(url, {"reason": ""})
    assert response.status_code == 400
    assert "Say why the meeting is cancelled" in response.content.decode()
    response = client_for(cast.chair).post(url, {"reason": "The venue flooded."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancelled_at is not None
    assert len(mailoutbox) == 1
    assert "METHOD:CANCEL" in str(mailoutbox[0].attachments[0])
    assert "Why: The venue flooded." in mailoutbox[0].body
    page = client_for(cast.member).get(reverse("meetings:detail", args=[meeting.pk]))
    assert "The venue flooded." in page.content.decode()
    assert (
        b"Change the meeting" not in client_for(cast.chair).get(page.request["PATH_INFO"]).content
    )


def test_it_keeps_why_a_meeting_was_cancelled_on_the_meeting(
    cast: Cast, mailoutbox: list[EmailMessage]
) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member)
    planning.meeting_cancel(meeting=meeting, actor=cast.chair, reason="The venue flooded.")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancel_reason == "The venue flooded."
    # The audit log still records it too.
    event = AuditEvent.objects.get(action="meeting.cancelled")
    assert event.data == {"meeting": meeting.pk, "reason": "The venue flooded."}
    assert "Why: The venue flooded." in mailoutbox[0].body
    # The meeting page and the cancellation email read the column, not the audit log.
    Meeting.objects.filter(pk=meeting.pk).update(cancel_reason="The roof leaked.")
    meeting.refresh_from_db()
    page = client_for(cast.member).get(reverse("meetings:detail", args=[meeting.pk]))
    assert "The roof leaked." in page.content.decode()
    assert "The venue flooded." not in page.content.decode()
    invitations.meeting_changed(meeting=meeting, cancelled=True)
    assert "Why: The roof leaked." in mailoutbox[1].body


def test_it_cancels_a_meeting_only_once(cast: Cast) -> None:
    meeting = a_meeting(cast)
    planning.meeting_cancel(meeting=meeting, actor=cast.chair, reason="The venue flooded.")
    version = meeting.version
    with pytest.raises(planning.PlanningError, match="not happened yet"):
        planning.meeting_cancel(meeting=meeting, actor=cast.chair, reason="Something else.")
    meeting.refresh_from_db()
    assert meeting.cancel_reason == "The venue flooded."
    assert meeting.version == version
    assert AuditEvent.objects.filter(action="meeting.cancelled").count() == 1
    assert not meeting.change_status(
        expected=[MeetingStatus.PLANNING, MeetingStatus.READY], new=MeetingStatus.CLOSED
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED


def test_it_lets_only_leaders_cancel(cast: Cast) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.member).post(
        reverse("meetings:cancel", args=[meeting.pk]), {"reason": "No"}
    )
    assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNING


def test_it_moves_a_meeting_to_another_venue(cast: Cast) -> None:
    meeting = a_meeting(cast)
    library = Venue.objects.create(name="Old Library meeting room", address="Lane", capacity=12)
    local = timezone.localtime(meeting.starts_at)
    data = form_data(
        library,
        title=meeting.title,
        purpose=meeting.purpose,
        format=MeetingFormat.IN_PERSON,
        day_day=str(local.day),
        day_month=str(local.month),
        day_year=str(local.year),
        version=str(meeting.version),
    )
    response = client_for(cast.chair).post(reverse("meetings:edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.venue == library
    assert meeting.video_link == ""  # in person only now
    event = AuditEvent.objects.get(action="meeting.updated")
    assert event.data["changed"] == ["format", "venue", "video_link"]


def test_it_lists_meetings_in_constant_queries(cast: Cast) -> None:
    client = client_for(cast.member)
    url = reverse("meetings:list", args=[cast.website.pk])
    a_meeting(cast, title="First")
    a_meeting(cast, title="Last time", starts_at=at(-30, 10), ends_at=at(-30, 12))
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(12):
        a_meeting(cast, title=f"Past {n}", starts_at=at(-n - 1, 10), ends_at=at(-n - 1, 12))
        a_meeting(cast, title=f"Next {n}", starts_at=at(n + 20, 14), ends_at=at(n + 20, 16))
    with CaptureQueriesContext(connection) as drawing:
        client.get(url)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    # New meetings: one question to the shared cache, one statement to keep them all.
    assert len(drawing) <= len(few) + 5


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("14:00", datetime.time(14)),
        ("9.30", datetime.time(9, 30)),
        ("2pm", datetime.time(14)),
        ("2:15 PM", datetime.time(14, 15)),
        ("12am", datetime.time(0)),
        ("12pm", datetime.time(12)),
        ("14", None),
        ("25:00", None),
        ("13pm", None),
        ("noon", None),
    ],
)
def test_it_reads_times_as_people_type_them(typed: str, expected: datetime.time | None) -> None:
    from coproduce.lib.forms import parse_time

    assert parse_time(typed) == expected


# ---------------------------------------------------------------------------------------------
# Finding a date: leaders offer dates, everyone answers, leaders choose the best


def undated(cast: Cast, **fields: object) -> Meeting:
    return a_meeting(cast, title="Spring planning day", starts_at=None, ends_at=None, **fields)


def option(meeting: Meeting, days: int, hour: int = 10) -> DateOption:
    return DateOption.objects.create(
        meeting=meeting, starts_at=at(days, hour), ends_at=at(days, hour + 3)
    )


def answer(option: DateOption, user: User, value: str) -> None:
    DateAnswer.objects.create(option=option, user=user, answer=value)


def test_it_marks_the_best_option(cast: Cast) -> None:
    meeting = undated(cast)
    first, second, third = option(meeting, 10), option(meeting, 11), option(meeting, 12)
    answer(first, cast.member, Availability.YES)
    answer(first, cast.carer, Availability.NO)
    answer(second, cast.member, Availability.YES)
    answer(second, cast.carer, Availability.IF_NEED_BE)
    answer(third, cast.member, Availability.IF_NEED_BE)
    answer(third, cast.carer, Availability.IF_NEED_BE)
    response = client_for(cast.clinician).get(reverse("meetings:date_poll", args=[meeting.pk]))
    assert response.status_code == 200
    best = [result.option for result in response.context["results"] if result.is_best]
    assert best == [second]
    page = response.content.decode()
    assert "Best so far" in page
    assert "Amira Haddad" in page  # names are visible to the group


def test_it_prefers_the_earlier_of_two_equal_options(cast: Cast) -> None:
    meeting = undated(cast)
    first, second = option(meeting, 10), option(meeting, 11)
    answer(first, cast.member, Availability.YES)
    answer(second, cast.carer, Availability.YES)
    results = planning.poll_results(DateOption.objects.filter(meeting=meeting))
    assert [result.is_best for result in results] == [True, False]


def test_it_marks_no_best_option_when_nobody_can_come(cast: Cast) -> None:
    meeting = undated(cast)
    answer(option(meeting, 10), cast.member, Availability.NO)
    results = planning.poll_results(DateOption.objects.filter(meeting=meeting))
    assert not any(result.is_best for result in results)


def test_it_saves_everyones_answers_on_one_page(cast: Cast) -> None:
    meeting = undated(cast)
    first, second = option(meeting, 10), option(meeting, 11)
    client = client_for(cast.carer)
    url = reverse("meetings:date_poll", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert page.count("<fieldset") == 2
    assert "<legend" in page
    response = client.post(
        url, {f"option_{first.pk}": Availability.YES, f"option_{second.pk}": Availability.NO}
    )
    assert response.status_code == 302
    assert dict(DateAnswer.objects.filter(user=cast.carer).values_list("option", "answer")) == {
        first.pk: Availability.YES,
        second.pk: Availability.NO,
    }
    # Changing one answer keeps the other.
    client.post(url, {f"option_{first.pk}": Availability.IF_NEED_BE})
    assert dict(DateAnswer.objects.filter(user=cast.carer).values_list("option", "answer")) == {
        first.pk: Availability.IF_NEED_BE,
        second.pk: Availability.NO,
    }
    response = client.post(url, {f"option_{first.pk}": "maybe"})
    assert response.status_code == 400


def test_it_keeps_the_poll_to_the_project(cast: Cast) -> None:
    meeting = undated(cast)
    option(meeting, 10)
    url = reverse("meetings:date_poll", args=[meeting.pk])
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.outsider).post(url, {}).status_code == 404


def test_it_lets_leaders_offer_and_remove_dates(cast: Cast) -> None:
    meeting = undated(cast)
    day = timezone.localdate() + datetime.timedelta(days=20)
    data = {
        "day_day": str(day.day),
        "day_month": str(day.month),
        "day_year": str(day.year),
        "start_time": "10:00",
        "end_time": "13:00",
    }
    url = reverse("meetings:date_option_add", args=[meeting.pk])
    assert client_for(cast.member).post(url, data).status_code == 403
    client = client_for(cast.chair)
    assert client.post(url, data).status_code == 302
    added = DateOption.objects.get(meeting=meeting)
    assert timezone.localtime(added.starts_at).hour == 10
    assert AuditEvent.objects.filter(action="meeting.date_option_added").exists()
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["day"] == ["That date and time is already offered"]
    response = client.post(url, data | {"end_time": "9am"})
    assert response.context["form"].errors["end_time"] == [
        "The end time must be after the start time"
    ]
    response = client.post(url, data | {"day_year": "2020"})
    assert response.context["form"].errors["day"] == ["The date must be in the future"]
    remove = reverse("meetings:date_option_remove", args=[meeting.pk, added.pk])
    assert client_for(cast.member).post(remove).status_code == 403
    assert client.post(remove).status_code == 302
    assert not DateOption.objects.exists()


def test_it_sets_the_date_from_the_chosen_option_and_tells_invitees(
    cast: Cast, mailoutbox: list[EmailMessage]
) -> None:
    meeting = undated(cast)
    invite(meeting, cast.member)
    chosen = option(meeting, 10)
    response = client_for(cast.chair).post(
        reverse("meetings:date_choose", args=[meeting.pk, chosen.pk])
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.starts_at == chosen.starts_at
    assert meeting.ends_at == chosen.ends_at
    assert AuditEvent.objects.filter(action="meeting.date_chosen").exists()
    assert [message.to for message in mailoutbox] == [["amira@example.org"]]
    # With a date, the poll is closed.
    page = client_for(cast.member).get(reverse("meetings:date_poll", args=[meeting.pk]))
    assert "The date is chosen" in page.content.decode()
    assert "<fieldset" not in page.content.decode()
    assert (
        client_for(cast.chair)
        .post(reverse("meetings:date_option_add", args=[meeting.pk]), {})
        .status_code
        == 302
    )
    assert DateOption.objects.count() == 1


def test_it_refuses_a_date_when_the_venue_is_booked(cast: Cast) -> None:
    meeting = undated(cast)
    chosen = option(meeting, 10)
    a_meeting(
        cast,
        title="Carers' forum",
        venue=meeting.venue,
        starts_at=chosen.starts_at,
        ends_at=chosen.ends_at,
    )
    response = client_for(cast.chair).post(
        reverse("meetings:date_choose", args=[meeting.pk, chosen.pk])
    )
    assert response.status_code == 400
    assert "is already booked for “Carers&#x27; forum”" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.starts_at is None


def test_it_lets_only_leaders_choose(cast: Cast) -> None:
    meeting = undated(cast, format=MeetingFormat.ONLINE, venue=None)
    chosen = option(meeting, 10)
    url = reverse("meetings:date_choose", args=[meeting.pk, chosen.pk])
    assert client_for(cast.member).post(url).status_code == 403
    meeting.refresh_from_db()
    assert meeting.starts_at is None
    assert meeting.status == MeetingStatus.PLANNING


def test_it_renders_the_poll_in_constant_queries(cast: Cast) -> None:
    meeting = undated(cast)
    first = option(meeting, 10)
    answer(first, cast.member, Availability.YES)
    client = client_for(cast.chair)
    url = reverse("meetings:date_poll", args=[meeting.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for days in range(11, 20):
        extra = option(meeting, days)
        for user in (cast.member, cast.carer, cast.clinician, cast.commissioner):
            answer(extra, user, Availability.IF_NEED_BE)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


# ---------------------------------------------------------------------------------------------
# The venues catalogue: everyone signed in sees it; coordinators keep it


def venue_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Old Library meeting room",
        "address": "Library Lane\nRiverside",
        "directions": "First floor. No lift.",
        "capacity": "12",
        "features": ["public_transport", "assistance_dogs"],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_it_lists_venues_with_their_features(cast: Cast) -> None:
    riverside()
    Venue.objects.create(name="Closed hall", address="Gone", capacity=5, is_active=False)
    response = client_for(cast.member).get(reverse("meetings:venues"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Riverside Community Centre" in page
    assert "Hearing loop" in page
    assert "Closed hall" not in page  # retired venues are for the people who keep the list
    assert "Add a venue" not in page
    response = client_for(cast.coordinator).get(reverse("meetings:venues"))
    assert "Closed hall" in response.content.decode()
    assert "Add a venue" in response.content.decode()


def test_it_searches_venues_by_name(cast: Cast) -> None:
    riverside()
    Venue.objects.create(name="Old Library meeting room", address="Library Lane", capacity=12)
    response = client_for(cast.member).get(reverse("meetings:venues"), {"q": "library"})
    assert [venue.name for venue in response.context["page"]] == ["Old Library meeting room"]
    response = client_for(cast.member).get(reverse("meetings:venues"), {"q": "castle"})
    assert "No venues match “castle”." in response.content.decode()


def test_it_lists_venues_in_constant_queries(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    Venue.objects.create(name="First", address="A", capacity=5)
    client.get(reverse("meetings:venues"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("meetings:venues"))
    for n in range(20):
        venue = Venue.objects.create(name=f"Hall {n}", address="A", capacity=5, step_free=True)
        a_meeting(cast, title=f"At hall {n}", venue=venue)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("meetings:venues"))
    assert len(many) == len(few)


def test_it_adds_a_venue(cast: Cast) -> None:
    response = client_for(cast.coordinator).post(reverse("meetings:venue_add"), venue_data())
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert venue.public_transport
    assert venue.assistance_dogs
    assert not venue.step_free
    assert AuditEvent.objects.filter(action="venue.created").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the venue's name"),
        ({"address": ""}, "address", "Enter the venue's address"),
        ({"capacity": ""}, "capacity", "Enter how many people fit in the room"),
        ({"capacity": "lots"}, "capacity", "Enter how many people fit as a number, like 20"),
        ({"capacity": "0"}, "capacity", "At least 1 person must fit in the room"),
        (
            {"name": "riverside community centre"},
            "name",
            "There is already a venue called “riverside community centre”. Use a different name.",
        ),
    ],
)
def test_it_explains_what_is_wrong_with_a_venue(
    cast: Cast, overrides: dict[str, object], field: str, message: str
) -> None:
    riverside()
    response = client_for(cast.coordinator).post(
        reverse("meetings:venue_add"), venue_data(**overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Venue.objects.count() == 1


def test_it_lets_only_coordinators_keep_the_venues(cast: Cast) -> None:
    venue = riverside()
    for url in (
        reverse("meetings:venue_add"),
        reverse("meetings:venue_edit", args=[venue.pk]),
        reverse("meetings:venue_retire", args=[venue.pk]),
    ):
        assert client_for(cast.chair).get(url).status_code == 403
        assert client_for(cast.administrator).get(url).status_code == 200
    response = client_for(cast.chair).post(reverse("meetings:venue_retire", args=[venue.pk]))
    assert response.status_code == 403
    venue.refresh_from_db()
    assert venue.is_active


def test_it_changes_a_venue_with_optimistic_locking(cast: Cast) -> None:
    venue = riverside()
    url = reverse("meetings:venue_edit", args=[venue.pk])
    data = venue_data(name="Riverside Centre", version=str(venue.version))
    response = client_for(cast.coordinator).post(url, data)
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.name == "Riverside Centre"
    assert not venue.hearing_loop
    assert venue.version == 2
    data["name"] = "Riverside Hall"
    response = client_for(cast.coordinator).post(url, data)  # the old version again
    assert response.status_code == 400
    assert "Someone else saved changes" in response.content.decode()


def test_it_retires_a_venue_but_keeps_its_meetings(cast: Cast) -> None:
    venue = riverside()
    meeting = a_meeting(cast, venue=venue)
    client = client_for(cast.coordinator)
    page = client.get(reverse("meetings:venue_retire", args=[venue.pk]))
    assert meeting.title in page.content.decode()
    response = client.post(reverse("meetings:venue_retire", args=[venue.pk]))
    assert response.status_code == 302
    venue.refresh_from_db()
    assert not venue.is_active
    assert Meeting.objects.get(pk=meeting.pk).venue == venue
    # Not offered for a new meeting, still kept by the meeting already there.
    form = client.get(reverse("meetings:create", args=[cast.website.pk])).context["form"]
    assert venue not in form.fields["venue"].queryset
    form = client.get(reverse("meetings:edit", args=[meeting.pk])).context["form"]
    assert venue in form.fields["venue"].queryset
    client.post(reverse("meetings:venue_restore", args=[venue.pk]))
    venue.refresh_from_db()
    assert venue.is_active


def test_it_shows_the_venues_link_to_coordinators_only(cast: Cast) -> None:
    url = reverse("meetings:venues").encode()
    assert url in client_for(cast.coordinator).get(reverse("projects:list")).content
    assert url not in client_for(cast.member).get(reverse("projects:list")).content


def test_it_does_not_book_an_online_meeting_into_a_room(cast: Cast) -> None:
    meeting = a_meeting(cast, format=MeetingFormat.ONLINE, venue=None)
    assert meeting.venue is None


def test_it_pages_meetings_coming_up_with_undated_ones_last(cast: Cast, settings: Settings) -> None:
    settings.PAGE_SIZE = 3
    for n in range(4):
        a_meeting(cast, title=f"Dated {n}", starts_at=at(n + 1, 10), ends_at=at(n + 1, 12))
    a_meeting(cast, title="Finding a date", starts_at=None, ends_at=None, venue=None)
    url = reverse("meetings:list", args=[cast.website.pk])
    amira = client_for(cast.member)

    first = amira.get(url)
    second = amira.get(url, {"upcoming": 2})

    assert [m.title for m in first.context["upcoming"]] == ["Dated 0", "Dated 1", "Dated 2"]
    assert [m.title for m in second.context["upcoming"]] == ["Dated 3", "Finding a date"]
    assert 'href="?upcoming=2#coming-up"' in first.content.decode()
    assert 'aria-label="Pages of meetings coming up"' in first.content.decode()


def test_it_lists_meetings_in_the_same_number_of_queries_however_many(cast: Cast) -> None:
    url = reverse("meetings:list", args=[cast.website.pk])
    amira = client_for(cast.member)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert amira.get(url).status_code == 200
        return len(queries)

    a_meeting(cast)
    a_meeting(cast, title="Held", starts_at=at(-1, 10), ends_at=at(-1, 12))
    few = count()
    for n in range(30):
        a_meeting(cast, title=f"Later {n}", starts_at=at(n + 2, 10), ends_at=at(n + 2, 12))
        a_meeting(cast, title=f"Earlier {n}", starts_at=at(-n - 2, 10), ends_at=at(-n - 2, 12))
    assert count() == few


def test_it_puts_every_meeting_in_exactly_one_of_coming_up_and_past(cast: Cast) -> None:
    kinds = {
        "no date yet": a_meeting(cast, starts_at=None, ends_at=None),
        "next week": a_meeting(cast),
        "over, never closed": a_meeting(cast, starts_at=at(-3, 10), ends_at=at(-3, 12)),
        "held": a_meeting(
            cast,
            starts_at=at(-2, 10),
            ends_at=at(-2, 12),
            status=MeetingStatus.CLOSED,
            closed_at=at(-2, 12),
            cooling_off_ends_at=at(-1, 12),
        ),
        "cancelled, still ahead": a_meeting(cast, status=MeetingStatus.CANCELLED),
    }
    now = timezone.now()
    coming = set(Meeting.objects.upcoming(now).values_list("pk", flat=True))
    past = set(Meeting.objects.past(now).values_list("pk", flat=True))
    assert coming == {kinds["no date yet"].pk, kinds["next week"].pk}
    assert past == {meeting.pk for meeting in kinds.values()} - coming
