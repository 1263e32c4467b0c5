import csv
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import Cast, client_for
from decisions.models import (
    Action,
    Choice,
    DecisionStatus,
    Entry,
    GroupDecision,
    Method,
    Outcome,
    PublicPage,
    Response,
    Stage,
)
from decisions.tests.helpers import a_decision, a_proposal, held_meeting
from meetings.models import ActionPoint, Decision
from people.models import MemberType


def many_decisions(cast: Cast, n: int) -> None:
    now = timezone.now()
    decisions = GroupDecision.objects.bulk_create(
        GroupDecision(
            project=cast.website,
            question=f"Question {i}",
            theme="crisis pages" if i % 2 else "easy read",
            method=[Method.CONSENSUS, Method.CONSENT, Method.MAJORITY][i % 3],
            closes_at=now,
            status=DecisionStatus.CLOSED,
            outcome=Outcome.AGREED,
            closed_at=now,
        )
        for i in range(n)
    )
    Response.objects.bulk_create(
        Response(
            decision=d,
            user=cast.member,
            member_type=MemberType.LIVED_EXPERIENCE,
            choice=Choice.AGREE,
        )
        for d in decisions
    )
    Entry.objects.bulk_create(
        Entry(project=cast.website, you_said=f"Said {i}", we_did="Did", decision=d)
        for i, d in enumerate(decisions)
    )


def queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["decisions:decision_log", "decisions:public_page"])
def test_it_makes_the_same_number_of_queries_with_10_and_1000_decisions(
    cast: Cast, name: str
) -> None:
    PublicPage.objects.create(project=cast.website, is_published=True)
    url = reverse(name, args=[cast.website.pk])
    client = client_for(cast.member if name == "decisions:decision_log" else None)
    many_decisions(cast, 10)
    few = queries(client, url)
    many_decisions(cast, 990)
    assert GroupDecision.objects.count() == 1000
    assert queries(client, url) == few


def test_it_filters_the_log_by_method_theme_status_and_words(cast: Cast) -> None:
    many_decisions(cast, 6)
    a_decision(cast, Method.MAJORITY, theme="budget")
    url = reverse("decisions:decision_log", args=[cast.website.pk])
    client = client_for(cast.member)
    page = client.get(url, {"method": Method.MAJORITY, "status": "open"})
    assert "Do we put the crisis line" in page.text
    assert "Question 2" not in page.text
    page = client.get(url, {"theme": "easy read"})
    assert "Question 0" in page.text
    assert "Question 1<" not in page.text
    page = client.get(url, {"q": "Question 5"})
    assert "Question 5" in page.text
    assert "Question 4" not in page.text


def test_it_exports_the_log_as_csv(cast: Cast) -> None:
    many_decisions(cast, 3)
    GroupDecision.objects.filter(question="Question 1").update(question="=HYPERLINK(1)")
    response = client_for(cast.member).get(
        reverse("decisions:decision_log_csv", args=[cast.website.pk])
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Opened", "Question", "Theme", "Method"]
    assert len(rows) == 4
    assert "'=HYPERLINK(1)" in [row[1] for row in rows]


def test_it_filters_by_several_themes_and_shows_them_chosen(cast: Cast) -> None:
    many_decisions(cast, 4)
    a_decision(cast, Method.MAJORITY, theme="budget")
    url = reverse("decisions:decision_log", args=[cast.website.pk])
    page = client_for(cast.member).get(url, {"theme": ["easy read", "budget"]})
    assert page.status_code == 200
    assert "Question 0<" in page.text
    assert "Do we put the crisis line" in page.text
    assert "Question 1<" not in page.text
    form = page.context["form"]
    assert form["theme"].value() == ["easy read", "budget"]
    chosen = re.findall(
        r'<input type="checkbox" name="theme" value="([^"]+)"[^>]* checked', page.text
    )
    assert sorted(chosen) == ["budget", "easy read"]
    # The spreadsheet link keeps the same filter.
    assert "theme=easy+read&amp;theme=budget" in page.text


def recorded_decisions(cast: Cast, n: int) -> Decision:
    """`n` decisions written as free text into a meeting's record, the first with an action."""
    meeting, item = held_meeting(cast)
    Decision.objects.bulk_create(
        Decision(meeting=meeting, agenda_item=item, text=f"Written decision {i}")
        for i in range(1, n)
    )
    first = Decision.objects.create(
        meeting=meeting, agenda_item=item, text="We will test the pages with screen reader users"
    )
    ActionPoint.objects.create(meeting=meeting, agenda_item=item, text="Find testers")
    return first


def test_it_lists_decisions_written_into_meeting_records(cast: Cast) -> None:
    written = recorded_decisions(cast, 1)
    a_decision(cast, Method.CONSENT)
    url = reverse("decisions:decision_log", args=[cast.website.pk])
    client = client_for(cast.member)
    page = client.get(url)
    assert "Decisions written in meeting records" in page.text
    assert "We will test the pages with screen reader users" in page.text
    record = reverse("meetings:record", args=[written.meeting_id])
    assert f'{record}#item-{written.agenda_item_id}"' in page.text
    assert "1 action<" in page.text
    assert "Written in the meeting&#x27;s record, provisional" in page.text
    assert "screen reader" in client.get(url, {"q": "screen reader"}).text
    assert "screen reader" not in client.get(url, {"q": "crisis line"}).text
    # They were not decided by a method, so a method, theme or status filter leaves them out.
    assert "screen reader" not in client.get(url, {"method": Method.CONSENT}).text
    assert "screen reader" not in client.get(url, {"status": "agreed"}).text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("decisions:decision_log_csv", args=[cast.website.pk])
                ).content.decode()
            )
        )
    )
    (row,) = [row for row in rows if row[1] == "We will test the pages with screen reader users"]
    assert row[3] == "Written in the meeting's record"
    assert row[9] == "1"
    assert row[10].endswith(f"{record}#item-{written.agenda_item_id}")


def test_it_lists_written_decisions_in_the_same_number_of_queries_however_many(
    cast: Cast,
) -> None:
    url = reverse("decisions:decision_log", args=[cast.website.pk])
    client = client_for(cast.member)
    recorded_decisions(cast, 10)
    few = queries(client, url)
    recorded_decisions(cast, 990)
    assert Decision.objects.count() == 1000
    assert queries(client, url) == few


def test_it_links_each_decision_to_its_meeting_proposal_and_actions(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.RESPONDED)
    decision = a_decision(cast, Method.CONSENT, at_meeting=True, proposal=proposal)
    Action.objects.create(project=cast.website, decision=decision, text="Tell the web team")
    assert decision.meeting is not None
    ActionPoint.objects.create(
        meeting=decision.meeting, agenda_item=decision.agenda_item, text="Draft the banner"
    )
    page = (
        client_for(cast.member).get(reverse("decisions:decision_log", args=[cast.website.pk])).text
    )
    assert reverse("decisions:decision_detail", args=[decision.pk]) in page
    assert reverse("meetings:detail", args=[decision.meeting_id]) in page
    assert reverse("decisions:proposal_detail", args=[proposal.pk]) in page
    actions = reverse("decisions:actions", args=[cast.website.pk]) + f"?decision={decision.pk}"
    assert f'href="{actions}">2 actions' in page
    listed = client_for(cast.member).get(actions).text
    assert "Tell the web team" in listed
    assert "Draft the banner" in listed


def test_it_counts_written_decisions_of_every_meeting_of_the_project(cast: Cast) -> None:
    # Three meetings' records, with one, two and three decisions written in them.
    for meeting_number in (1, 2, 3):
        meeting, item = held_meeting(cast)
        for n in range(meeting_number):
            Decision.objects.create(
                meeting=meeting, agenda_item=item, text=f"Meeting {meeting_number} decision {n}"
            )
    a_decision(cast, Method.CONSENT)
    page = client_for(cast.member).get(reverse("decisions:decision_log", args=[cast.website.pk]))
    for meeting_number in (1, 2, 3):
        for n in range(meeting_number):
            assert f"Meeting {meeting_number} decision {n}" in page.text
