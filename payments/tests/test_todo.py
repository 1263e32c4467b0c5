"""What the home page lists from payments: time to confirm, claims sent back, claims to
approve, and approved claims for finance to pay."""

from accounts.models import User
from conftest import Cast
from payments import services, todo
from payments.tests.helpers import (
    a_claim,
    attended,
    colins_claim_made_by_grace,
    held_meeting,
    set_rates,
)


def texts(user: User) -> list[str]:
    return [str(item.text) for item in todo.todos_for(user)]


def test_it_asks_amira_to_confirm_her_time_at_a_meeting_she_came_to(cast: Cast) -> None:
    attended(held_meeting(cast.website), cast.member)
    assert texts(cast.member) == ["Confirm your time at Testing the crisis pages"]
    assert texts(cast.carer) == []


def test_it_takes_a_claim_from_leaders_to_the_member_and_then_to_finance(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    assert texts(cast.chair) == ["Approve or send back a claim"]
    assert texts(cast.coordinator) == ["Approve or send back a claim"]
    assert texts(cast.member) == []
    assert texts(cast.finance) == []

    services.claim_query(claim=claim, actor=cast.chair, question="Which bus?")
    assert texts(cast.member) == ["Answer the question about your claim"]
    assert texts(cast.chair) == []

    claim.refresh_from_db()
    services.claim_answer(claim=claim, actor=cast.member, answer="The number 12.")
    claim.refresh_from_db()
    services.claim_approve(claim=claim, actor=cast.chair)
    [item] = todo.todos_for(cast.finance)
    assert item.project is None
    assert str(item.text) == "1 approved claim is waiting for a payment run"


def test_it_never_asks_a_leader_to_approve_their_own_claim(cast: Cast) -> None:
    set_rates()
    a_claim(cast, cast.chair)
    assert texts(cast.chair) == []
    assert texts(cast.coordinator) == ["Approve or send back a claim"]


def test_it_never_asks_a_leader_to_approve_a_claim_they_made_for_someone(cast: Cast) -> None:
    set_rates()
    colins_claim_made_by_grace(cast)
    assert texts(cast.coordinator) == []
    assert texts(cast.chair) == ["Approve or send back a claim"]
