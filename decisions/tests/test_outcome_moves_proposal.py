"""Recording the outcome of a decision on a proposal moves the proposal on with it: agreed
with its timescale, or not agreed with its reasons, in the same step."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from conftest import Cast, client_for
from decisions.models import Choice, DecisionStatus, GroupDecision, Method, Proposal, Stage
from decisions.services import Refused, methods
from decisions.tests.helpers import a_decision, a_proposal, close_seen
from decisions.tests.test_methods import answer


def test_it_marks_the_proposal_agreed_with_its_timescale(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.RESPONDED)
    decision = a_decision(cast, Method.CONSENT, proposal=proposal)
    answer(cast, decision, cast.member, Choice.CONSENT)
    url = reverse("decisions:decision_close", args=[decision.pk])
    deborah = client_for(cast.chair)
    page = deborah.get(url)
    assert "recording the outcome moves it on" in page.text
    assert "By when will it be done?" in page.text
    refused = deborah.post(url, {"note": "", "timescale": "", **close_seen(decision)})
    assert refused.status_code == 400
    assert "Say by when it will be done" in refused.text
    decision.refresh_from_db()
    proposal.refresh_from_db()
    assert (decision.status, proposal.stage) == (DecisionStatus.OPEN, Stage.RESPONDED)
    response = deborah.post(
        url, {"note": "", "timescale": "By the end of June", **close_seen(decision)}, follow=True
    )
    assert "is now: Agreed" in response.text
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.timescale) == (Stage.AGREED, "By the end of June")
    last = proposal.versions.order_by("-number").first()
    assert last is not None
    assert (last.stage, last.moved_by, last.note) == (
        Stage.AGREED,
        cast.chair,
        "By the end of June",
    )


def test_it_marks_the_proposal_not_agreed_with_the_reasons_given(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.REVISED)
    decision = a_decision(cast, Method.CONSENSUS, proposal=proposal)
    answer(cast, decision, cast.member, Choice.AGREE)
    answer(cast, decision, cast.clinician, Choice.BLOCK, reason="It pushes the menu off a phone.")
    url = reverse("decisions:decision_close", args=[decision.pk])
    deborah = client_for(cast.chair)
    # The reasons start from what the person who blocked it said.
    form = deborah.get(url).context["form"]
    assert form["reasons"].value() == "It pushes the menu off a phone."
    assert "timescale" not in form.fields
    assert deborah.post(url, {"note": "", "reasons": "", **close_seen(decision)}).status_code == 400
    assert GroupDecision.objects.get(pk=decision.pk).is_open
    response = deborah.post(
        url,
        {
            "note": "",
            "reasons": "It pushes the menu off the screen on a phone.",
            **close_seen(decision),
        },
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage == Stage.NOT_AGREED
    assert proposal.reasons == "It pushes the menu off the screen on a phone."


def test_it_leaves_a_proposal_that_cannot_take_the_step_where_it_is(cast: Cast) -> None:
    # Still open for comment: the decision-makers respond to it before it is agreed.
    proposal = a_proposal(cast, Stage.OPEN)
    decision = a_decision(cast, Method.MAJORITY, proposal=proposal)
    answer(cast, decision, cast.member, Choice.FOR)
    url = reverse("decisions:decision_close", args=[decision.pk])
    deborah = client_for(cast.chair)
    assert "so it stays where it is" in deborah.get(url).text
    assert deborah.post(url, {"note": "", **close_seen(decision)}).status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CLOSED
    assert Proposal.objects.get(pk=proposal.pk).stage == Stage.OPEN


def test_it_moves_the_proposal_as_it_stands_when_the_outcome_is_recorded(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.RESPONDED)
    decision = a_decision(cast, Method.CONSENT, proposal=proposal)
    answer(cast, decision, cast.member, Choice.CONSENT)
    url = reverse("decisions:decision_close", args=[decision.pk])
    # Revised by someone else after the page was opened: revised can still be agreed.
    Proposal.objects.filter(pk=proposal.pk).update(stage=Stage.REVISED, version=99)
    assert (
        client_for(cast.chair)
        .post(url, {"timescale": "In May", **close_seen(decision)})
        .status_code
        == 302
    )
    proposal.refresh_from_db()
    assert (proposal.stage, proposal.version) == (Stage.AGREED, 100)


def test_it_records_nothing_when_the_proposal_cannot_take_its_step(cast: Cast) -> None:
    """The outcome and the proposal's step go together or not at all."""
    proposal = a_proposal(cast, Stage.RESPONDED)
    decision = a_decision(cast, Method.MAJORITY, proposal=proposal)
    answer(cast, decision, cast.member, Choice.AGAINST)
    # A vote against gives no reasons, and none were written.
    with pytest.raises(Refused, match="Say why it was not agreed"):
        methods.decision_close(decision=decision, actor=cast.chair, reasons="  ")
    decision.refresh_from_db()
    proposal.refresh_from_db()
    assert (decision.status, proposal.stage) == (DecisionStatus.OPEN, Stage.RESPONDED)
    assert not AuditEvent.objects.filter(action="decision.closed").exists()
