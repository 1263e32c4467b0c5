"""The after-meeting check: a few questions for each person who came, answered once, with
or without a name, and the trend of the answers over time."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for
from meetings.models import AfterMeetingCheck, CheckReceipt
from meetings.services import after
from meetings.tests.after_helpers import answers, closed_meeting, held_meeting

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
# The trend


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
