"""The project's history page: every app's events, newest first, by month, for the group."""

import datetime
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for, date_fields
from decisions.models import DecisionStatus, GroupDecision, Method, Outcome
from meetings.models import Decision, MeetingStatus
from meetings.tests.preparation import a_meeting
from projects.models import (
    GroundRulesVersion,
    Membership,
    MembershipPause,
    Milestone,
    MilestoneStatus,
    Project,
    ProjectRole,
)
from projects.services import membership_change
from recruitment.models import Call
from recruitment.tests.grid import a_call


def moment(month: int, day: int, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


def url(cast: Cast, project: Project | None = None) -> str:
    return reverse("project_history", kwargs={"pk": (project or cast.website).pk})


def a_milestone_met(cast: Cast, day: datetime.date, title: str = "Crisis pages tested") -> None:
    Milestone.objects.create(
        project=cast.website, title=title, due_on=day, status=MilestoneStatus.MET, met_on=day
    )


def rules_adopted(cast: Cast, number: int, at: datetime.datetime, note: str) -> None:
    GroundRulesVersion.objects.create(
        project=cast.website,
        number=number,
        text="Listen to each other",
        change_note=note,
        discussed="at_meeting",
        adopted_at=at,
    )


def a_year_of_history(cast: Cast) -> None:
    """One of each kind of event in the website group, a month apart through 2026."""
    Membership.objects.filter(project=cast.website).update(joined_at=moment(1, 5))
    amira = cast.membership(cast.member)
    MembershipPause.objects.create(
        membership=amira, started_at=moment(2, 10), ended_at=moment(3, 1)
    )
    tom = cast.membership(cast.commissioner)
    tom.left_at = moment(4, 2)
    tom.save(update_fields=["left_at"])
    membership_change(
        membership=cast.membership(cast.carer),
        actor=cast.chair,
        role=ProjectRole.CO_CHAIR,
        member_type=cast.membership(cast.carer).member_type,
    )
    AuditEvent.objects.filter(action="membership.changed").update(created_at=moment(4, 10))
    rules_adopted(cast, 1, moment(5, 1), "Our first rules")
    a_milestone_met(cast, datetime.date(2026, 6, 15))
    call = a_call(cast)
    Call.objects.filter(pk=call.pk).update(created_at=moment(6, 20))
    meeting = a_meeting(
        cast,
        title="Testing the crisis pages",
        status=MeetingStatus.CLOSED,
        closed_at=moment(7, 7, hour=13),
        cooling_off_ends_at=moment(7, 9),
    )
    meeting.starts_at = moment(7, 7)
    meeting.save(update_fields=["starts_at"])
    Decision.objects.create(meeting=meeting, text="Test the pages with a screen reader")
    GroupDecision.objects.create(
        project=cast.website,
        question="Do we put the crisis line at the top?",
        method=Method.CONSENT,
        closes_at=moment(8, 1),
        status=DecisionStatus.CLOSED,
        outcome=Outcome.AGREED,
        closed_at=moment(8, 20),
    )


def lines(response: Any) -> list[str]:
    """The history's lines as a reader hears them, without the markup."""
    html = response.content.decode()
    items = re.findall(r'<li class="app-timeline__item">(.*?)</li>', html, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def months(response: Any) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h2 class="govuk-heading-m">([^<]+)</h2>', html)


def test_it_shows_every_kind_of_event_newest_first_by_month(cast: Cast) -> None:
    a_year_of_history(cast)
    response = client_for(cast.member).get(url(cast))
    assert response.status_code == 200
    assert months(response) == [
        "August 2026",
        "July 2026",
        "June 2026",
        "May 2026",
        "April 2026",
        "March 2026",
        "February 2026",
        "January 2026",
    ]
    shown = lines(response)
    assert shown[:9] == [
        "20 August 2026 Agreed: Do we put the crisis line at the top?",
        "7 July 2026 The meeting “Testing the crisis pages” was held",
        "7 July 2026 Decided at “Testing the crisis pages”: Test the pages with a screen reader",
        "20 June 2026 A call for new members opened: “Join our group”",
        "15 June 2026 The milestone “Crisis pages tested” was met",
        "1 May 2026 Version 1 of the ground rules was adopted. What changed: Our first rules",
        "10 April 2026 Changed Colin Price from Member to Co-chair, Carer",
        "2 April 2026 Tom Gallagher left the group",
        "1 March 2026 Amira Haddad came back from a pause",
    ]
    assert shown[9] == "10 February 2026 Amira Haddad paused their membership"
    assert len([line for line in shown if line.endswith("joined the group")]) == 6
    assert "16 events, showing 1 to 16" in response.content.decode()


def test_it_links_each_event_to_where_it_can_be_read_in_full(cast: Cast) -> None:
    a_year_of_history(cast)
    html = client_for(cast.member).get(url(cast)).content.decode()
    decision = GroupDecision.objects.get()
    meeting = Decision.objects.get().meeting
    assert reverse("decisions:decision_detail", args=[decision.pk]) in html
    assert reverse("meetings:detail", args=[meeting.pk]) in html
    assert reverse("projects:ground_rules_versions", args=[cast.website.pk]) in html
    assert reverse("projects:work_plan", args=[cast.website.pk]) in html


def test_it_is_linked_from_the_project_overview(cast: Cast) -> None:
    response = client_for(cast.member).get(reverse("projects:detail", args=[cast.website.pk]))
    assert f'href="{url(cast)}"' in response.content.decode()


@pytest.mark.parametrize(
    ("kinds", "expected"),
    [
        (["meetings"], ["The meeting “Testing the crisis pages” was held"]),
        (
            ["decisions"],
            [
                "Agreed: Do we put the crisis line at the top?",
                "Decided at “Testing the crisis pages”: Test the pages with a screen reader",
            ],
        ),
        (
            ["rules", "milestones"],
            [
                "The milestone “Crisis pages tested” was met",
                "Version 1 of the ground rules was adopted. What changed: Our first rules",
            ],
        ),
    ],
)
def test_it_shows_only_the_kinds_asked_for(
    cast: Cast, kinds: list[str], expected: list[str]
) -> None:
    a_year_of_history(cast)
    response = client_for(cast.member).get(url(cast), {"kind": kinds})
    assert [line.split(" 2026 ", 1)[1] for line in lines(response)] == expected
    # The boxes stay ticked, so the reader sees what they asked for.
    for kind in kinds:
        assert re.search(rf'value="{kind}"[^>]*checked', response.content.decode())


def test_it_shows_only_the_people_events_when_asked(cast: Cast) -> None:
    a_year_of_history(cast)
    shown = lines(client_for(cast.member).get(url(cast), {"kind": "members"}))
    assert len(shown) == 10
    assert all("2026" in line for line in shown)
    assert not [line for line in shown if "meeting" in line or "rules" in line]


def test_it_shows_only_the_days_asked_for_both_ends_included(cast: Cast) -> None:
    a_year_of_history(cast)
    query = date_fields("from", datetime.date(2026, 4, 2)) | date_fields(
        "to", datetime.date(2026, 6, 15)
    )
    response = client_for(cast.member).get(url(cast), query)
    assert [line.split(" 2026 ", 1)[0] for line in lines(response)] == [
        "15 June",
        "1 May",
        "10 April",
        "2 April",
    ]
    # What was typed stays in the boxes.
    assert re.search(r'name="to_day"[^>]*value="15"', response.content.decode())


def test_it_names_the_date_field_that_is_wrong(cast: Cast) -> None:
    a_year_of_history(cast)
    query = {"from_day": "31", "from_month": "2", "from_year": "2026"}
    response = client_for(cast.member).get(url(cast), query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "From must be a real date" in html
    assert 'value="31"' in html


def test_it_refuses_a_to_date_before_the_from_date(cast: Cast) -> None:
    query = date_fields("from", datetime.date(2026, 6, 1)) | date_fields(
        "to", datetime.date(2026, 5, 1)
    )
    response = client_for(cast.member).get(url(cast), query)
    assert response.status_code == 400
    assert "“To” must be the same day as “From” or after it" in response.content.decode()


def test_it_says_when_nothing_matches(cast: Cast) -> None:
    a_year_of_history(cast)
    query = date_fields("from", datetime.date(2025, 1, 1)) | date_fields(
        "to", datetime.date(2025, 12, 31)
    )
    response = client_for(cast.member).get(url(cast), query)
    assert response.status_code == 200
    assert "Nothing in the history matches" in response.content.decode()
    assert lines(response) == []


def test_it_says_when_nothing_has_happened_yet(cast: Cast) -> None:
    quiet = Project.objects.create(name="A new group", purpose="Just starting.")
    response = client_for(cast.coordinator).get(url(cast, quiet))
    assert response.status_code == 200
    assert "Nothing has happened in the group yet" in response.content.decode()


def test_it_pages_through_every_source_with_nothing_missed_or_shown_twice(cast: Cast) -> None:
    Membership.objects.filter(project=cast.website).update(joined_at=moment(1, 5))
    for day in range(1, 31):
        a_milestone_met(cast, datetime.date(2026, 3, day), title=f"Milestone {day}")
    rules_adopted(cast, 1, moment(3, 15, hour=15), "First")
    client = client_for(cast.member)
    first = lines(client.get(url(cast)))
    second = lines(client.get(url(cast), {"page": 2}))
    assert len(first) == 25
    assert len(second) == 37 - 25
    assert not set(first) & set(second)
    # The rules adopted in the afternoon of 15 March come before that day's milestone,
    # wherever the page breaks.
    both = first + second
    rules = next(i for i, line in enumerate(both) if "ground rules" in line)
    assert both[rules + 1] == "15 March 2026 The milestone “Milestone 15” was met"
    assert both[-7] == "1 March 2026 The milestone “Milestone 1” was met"
    assert all(line.startswith("5 January 2026 ") for line in both[-6:])


def test_it_keeps_the_filter_on_the_links_to_other_pages(cast: Cast) -> None:
    for day in range(1, 31):
        a_milestone_met(cast, datetime.date(2026, 3, day), title=f"Milestone {day}")
    response = client_for(cast.member).get(url(cast), {"kind": "milestones"})
    assert "?kind=milestones&amp;page=2" in response.content.decode()
    second = client_for(cast.member).get(url(cast), {"kind": "milestones", "page": "2"})
    assert len(lines(second)) == 5


def test_it_reads_the_same_number_of_queries_for_5_events_as_for_200(cast: Cast) -> None:
    client = client_for(cast.member)
    for day in range(1, 6):
        a_milestone_met(cast, datetime.date(2026, 3, day), title=f"Milestone {day}")
    with CaptureQueriesContext(connection) as few:
        client.get(url(cast))
    a_year_of_history(cast)
    for number in range(2, 200):
        rules_adopted(cast, number, moment(9, 1), f"Change {number}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(url(cast))
    assert response.status_code == 200
    assert len(many) == len(few)
    assert len(many) <= 10


@pytest.mark.parametrize("persona", ["outsider", "finance"])
def test_it_tells_people_outside_the_group_nothing(cast: Cast, persona: str) -> None:
    a_year_of_history(cast)
    client = client_for(getattr(cast, persona))
    assert client.get(url(cast)).status_code == 404
    assert client.get(reverse("project_history", kwargs={"pk": 999_999})).status_code == 404


def test_it_shuts_out_someone_who_has_left_the_group(cast: Cast) -> None:
    a_year_of_history(cast)
    assert client_for(cast.commissioner).get(url(cast)).status_code == 404


def test_it_asks_people_who_are_not_signed_in_to_sign_in(cast: Cast) -> None:
    response = client_for(None).get(url(cast))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]
