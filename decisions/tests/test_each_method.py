"""Each decision method, at a meeting (answers entered by the minute-taker) and between
meetings (each member answers online), through the pages people use: opened with its
method, answered once per person, and its outcome recorded."""

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import Cast, client_for
from decisions.models import Choice, DecisionStatus, GroupDecision, Method, Outcome, ResponseWay
from decisions.tests.helpers import close_seen, held_meeting

ANSWERS: dict[str, tuple[list[Choice], Outcome]] = {
    Method.CONSENSUS: ([Choice.AGREE, Choice.STAND_ASIDE, Choice.BLOCK], Outcome.NOT_AGREED),
    Method.CONSENT: ([Choice.CONSENT, Choice.CONSENT, Choice.CONSENT], Outcome.AGREED),
    Method.MAJORITY: ([Choice.FOR, Choice.FOR, Choice.AGAINST], Outcome.AGREED),
}


@pytest.mark.parametrize("at_meeting", [True, False], ids=["at a meeting", "between meetings"])
@pytest.mark.parametrize("method", list(ANSWERS))
def test_it_takes_a_decision_by_each_method(cast: Cast, method: str, at_meeting: bool) -> None:
    deborah = client_for(cast.chair)
    where: dict[str, str] = {"where": "between"}
    if at_meeting:
        _meeting, item = held_meeting(cast)
        where = {"where": f"item-{item.pk}"}
    else:
        year = str(timezone.localdate().year + 1)
        where |= {"closes_on_day": "1", "closes_on_month": "1", "closes_on_year": year}
    opened = deborah.post(
        reverse("decisions:decision_add", args=[cast.website.pk]),
        {"question": "Do we test with paper versions too?", "method": method, **where},
    )
    assert opened.status_code == 302
    decision = GroupDecision.objects.get()
    assert (decision.method, decision.at_meeting) == (method, at_meeting)

    choices, outcome = ANSWERS[method]
    people = [cast.member, cast.carer, cast.clinician]
    for person, choice in zip(people, choices, strict=True):
        reason = "Small print leaves people out." if choice == Choice.BLOCK else ""
        if at_meeting:
            response = deborah.post(
                reverse("decisions:response_record", args=[decision.pk]),
                {
                    "person": person.pk,
                    "way": ResponseWay.IN_ROOM,
                    "choice": choice,
                    "reason": reason,
                },
            )
        else:
            response = client_for(person).post(
                reverse("decisions:decision_respond", args=[decision.pk]),
                {"choice": choice, "reason": reason},
            )
        assert response.status_code == 302, response.content
    assert decision.responses.count() == 3

    page = client_for(cast.member).get(reverse("decisions:decision_detail", args=[decision.pk]))
    assert page.status_code == 200
    closed = deborah.post(
        reverse("decisions:decision_close", args=[decision.pk]),
        {"note": "", **close_seen(decision)},
    )
    assert closed.status_code == 302
    decision.refresh_from_db()
    assert (decision.status, decision.outcome) == (DecisionStatus.CLOSED, outcome)
    log = client_for(cast.member).get(reverse("decisions:decision_log", args=[cast.website.pk]))
    words = str(Outcome(outcome).label) + (", provisional" if at_meeting else "")
    assert words in log.text


def test_it_refuses_a_second_answer_entered_for_the_same_person(cast: Cast) -> None:
    _meeting, item = held_meeting(cast)
    deborah = client_for(cast.chair)
    deborah.post(
        reverse("decisions:decision_add", args=[cast.website.pk]),
        {"question": "Q?", "method": Method.CONSENT, "where": f"item-{item.pk}"},
    )
    decision = GroupDecision.objects.get()
    url = reverse("decisions:response_record", args=[decision.pk])
    said = {"person": cast.carer.pk, "way": ResponseWay.IN_ROOM, "choice": Choice.CONSENT}
    assert deborah.post(url, said).status_code == 302
    again = deborah.post(url, said | {"choice": Choice.OBJECT, "reason": "Changed my mind."})
    assert again.status_code == 400
    assert decision.responses.get().choice == Choice.CONSENT


def test_it_refuses_to_change_a_closed_decision_from_its_form(cast: Cast) -> None:
    year = str(timezone.localdate().year + 1)
    between = {"where": "between", "closes_on_day": "1", "closes_on_month": "1"}
    between["closes_on_year"] = year
    deborah = client_for(cast.chair)
    deborah.post(
        reverse("decisions:decision_add", args=[cast.website.pk]),
        {"question": "Q?", "method": Method.MAJORITY, **between},
    )
    decision = GroupDecision.objects.get()
    client_for(cast.member).post(
        reverse("decisions:decision_respond", args=[decision.pk]), {"choice": Choice.FOR}
    )
    deborah.post(
        reverse("decisions:decision_close", args=[decision.pk]),
        {"note": "", **close_seen(decision)},
    )
    changed = deborah.post(
        reverse("decisions:decision_edit", args=[decision.pk]),
        {
            "question": "Something else?",
            "method": Method.CONSENT,
            **between,
            "closes_on_year": year,
        },
        follow=True,
    )
    assert "This decision is closed, so it cannot be changed." in changed.text
    decision.refresh_from_db()
    assert (decision.question, decision.method) == ("Q?", Method.MAJORITY)
