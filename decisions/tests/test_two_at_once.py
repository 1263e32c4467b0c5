"""Two people at once on a decision: entering someone's answer as they answer themselves, and
recording the outcome from a page drawn before the last answers came in."""

import re

from django.core import mail
from django.urls import reverse

from conftest import Cast, client_for
from decisions.models import (
    Choice,
    DecisionStatus,
    GroupDecision,
    Method,
    Outcome,
    ResponseWay,
    Stage,
)
from decisions.tests.helpers import a_decision, a_proposal, close_seen
from decisions.tests.test_methods import answer


def test_it_tells_whoever_enters_an_answer_that_the_person_answered_meanwhile(
    cast: Cast,
) -> None:
    decision = a_decision(cast, Method.CONSENT)
    url = reverse("decisions:response_record", args=[decision.pk])
    grace = client_for(cast.coordinator)
    assert "Colin Price" in grace.get(url).text  # Colin has not answered yet

    answer(cast, decision, cast.carer, Choice.CONSENT)  # Colin answers online himself
    typed = "Colin said at the drop-in that the colours are hard to read."
    response = grace.post(
        url,
        {
            "person": cast.carer.pk,
            "way": ResponseWay.IN_WRITING,
            "choice": Choice.OBJECT,
            "reason": typed,
        },
    )

    assert response.status_code == 400
    page = response.text
    assert "Colin Price has already answered (I consent), so this answer is not recorded." in page
    assert typed in page  # what Grace typed is still there
    assert re.search(rf'<option value="{cast.carer.pk}" selected>Colin Price</option>', page)
    stored = decision.responses.get()
    assert (stored.user, stored.choice, stored.recorded_by) == (
        cast.carer,
        Choice.CONSENT,
        cast.carer,
    )


def test_it_refuses_an_outcome_worked_out_before_the_last_answer_came_in(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENT)
    answer(cast, decision, cast.member, Choice.CONSENT)
    url = reverse("decisions:decision_close", args=[decision.pk])
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    seen = {}
    for name, client in (("deborah", deborah), ("grace", grace)):
        page = client.get(url).text
        assert "the outcome is: <strong>Agreed</strong>" in page
        seen[name] = {
            field: re.search(rf'name="{field}" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
            for field in ("version", "answers")
        }
    # While Deborah's page is open, Priya objects.
    answer(cast, decision, cast.clinician, Choice.OBJECT, reason="It hides the menu on a phone.")
    mail.outbox.clear()

    stale = deborah.post(url, {"note": "Agreed by the group.", **seen["deborah"]})

    assert stale.status_code == 400
    page = stale.text
    assert "Someone else saved changes to this page" in page
    assert (
        "1 more answer came in while you were on this page. From the answers given now, the "
        "outcome is: Not agreed." in page
    )
    assert "Agreed by the group." in page  # what she typed is kept, ready to check
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.OPEN

    # Saved again from the page as it is now, the outcome counts Priya's answer.
    again = {
        field: re.search(rf'name="{field}" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
        for field in ("version", "answers")
    }
    assert deborah.post(url, {"note": "Not agreed yet.", **again}).status_code == 302
    decision.refresh_from_db()
    assert (decision.outcome, decision.closed_by) == (Outcome.NOT_AGREED, cast.chair)

    # Grace, whose page was drawn before all this, is told it is already recorded.
    late = grace.post(url, {"note": "Agreed.", **seen["grace"]})
    assert late.status_code == 400
    assert "The outcome of this decision is already recorded." in late.text
    stored = GroupDecision.objects.get(pk=decision.pk)
    assert (stored.outcome, stored.outcome_note) == (Outcome.NOT_AGREED, "Not agreed yet.")
    assert mail.outbox == []


def test_it_asks_why_not_when_an_objection_comes_in_while_the_outcome_is_recorded(
    cast: Cast,
) -> None:
    proposal = a_proposal(cast, Stage.RESPONDED)
    decision = a_decision(cast, Method.CONSENT, proposal=proposal)
    answer(cast, decision, cast.member, Choice.CONSENT)
    url = reverse("decisions:decision_close", args=[decision.pk])
    deborah = client_for(cast.chair)
    page = deborah.get(url).text
    assert "By when will it be done?" in page
    seen = close_seen(decision)
    answer(cast, decision, cast.clinician, Choice.OBJECT, reason="It hides the menu on a phone.")

    stale = deborah.post(url, {"note": "", "timescale": "By the end of June", **seen})

    assert stale.status_code == 400
    form = stale.context["form"]
    assert "timescale" not in form.fields
    assert form["reasons"].value() == "It hides the menu on a phone."
    assert "the outcome is: Not agreed." in stale.text
    proposal.refresh_from_db()
    assert proposal.stage == Stage.RESPONDED
    assert GroupDecision.objects.get(pk=decision.pk).is_open
