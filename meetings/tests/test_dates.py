"""Finding a date: leaders offer dates, everyone answers, leaders choose the best."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from meetings.models import (
    Availability,
    DateAnswer,
    DateOption,
    Meeting,
    MeetingFormat,
    MeetingStatus,
)
from meetings.services import planning
from meetings.tests.test_planning import a_meeting, at, invite

pytestmark = pytest.mark.django_db


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
    cast: Cast, mailoutbox: list
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
