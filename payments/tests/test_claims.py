"""Claims from submission to payment: the steps, who may take them, and what is refused."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import Cast, client_for
from payments import services
from payments.models import Claim, ClaimStatus
from payments.tests.helpers import (
    a_claim,
    an_entry,
    an_expense,
    colins_claim_made_by_grace,
    set_rates,
)


@pytest.fixture
def rates(db: None) -> None:
    set_rates()


def test_it_takes_a_claim_from_submitted_to_approved(cast: Cast, rates: None) -> None:
    claim = a_claim(cast)
    assert claim.status == ClaimStatus.SUBMITTED
    services.claim_query(claim=claim, actor=cast.chair, question="Which bus did you take?")
    assert claim.status == ClaimStatus.QUERIED
    services.claim_answer(claim=claim, actor=cast.member, answer="The number 12, both ways.")
    assert claim.status == ClaimStatus.SUBMITTED
    services.claim_approve(claim=claim, actor=cast.chair)
    assert claim.status == ClaimStatus.APPROVED
    assert claim.approved_by == cast.chair


def test_it_refuses_to_let_anyone_approve_their_own_claim(cast: Cast, rates: None) -> None:
    claim = a_claim(cast, cast.chair)
    with pytest.raises(services.PaymentError, match="your own claim"):
        services.claim_approve(claim=claim, actor=cast.chair)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_it_approves_a_claim_once(cast: Cast, rates: None) -> None:
    claim = a_claim(cast)
    services.claim_approve(claim=claim, actor=cast.chair)
    with pytest.raises(services.PaymentError, match="already dealt with"):
        services.claim_approve(claim=claim, actor=cast.coordinator)
    claim.refresh_from_db()
    assert claim.approved_by == cast.chair


def test_it_refuses_a_second_claim_for_the_same_activity(cast: Cast, rates: None) -> None:
    entry = an_entry(cast)
    expense = an_expense(cast)
    services.claim_submit(
        user=cast.member,
        project=cast.website,
        entry_ids=[entry.pk],
        expense_ids=[expense.pk],
        actor=cast.member,
    )
    with pytest.raises(services.PaymentError, match="already in another claim"):
        services.claim_submit(
            user=cast.member,
            project=cast.website,
            entry_ids=[entry.pk],
            expense_ids=[],
            actor=cast.member,
        )


def test_it_refuses_to_claim_someone_elses_activity(cast: Cast, rates: None) -> None:
    colins = an_entry(cast, cast.carer)
    with pytest.raises(services.PaymentError, match="not yours"):
        services.claim_submit(
            user=cast.member,
            project=cast.website,
            entry_ids=[colins.pk],
            expense_ids=[],
            actor=cast.member,
        )


def test_it_records_a_claim_made_on_someones_behalf(cast: Cast, rates: None) -> None:
    claim = colins_claim_made_by_grace(cast)
    assert claim.on_behalf
    assert claim.submitted_by == cast.coordinator


def test_it_puts_approved_claims_in_one_run_and_pays_it_once(cast: Cast, rates: None) -> None:
    first, second = a_claim(cast), a_claim(cast, cast.carer)
    services.claim_approve(claim=first, actor=cast.chair)
    services.claim_approve(claim=second, actor=cast.chair)
    assert first.approved_at is not None
    day = first.approved_at.date()
    run = services.payment_run_create(period_start=day, period_end=day, actor=cast.administrator)
    assert set(run.claims.all()) == {first, second}
    assert run.total == first.total + second.total
    # Every approved claim of the period is in the first run: a second finds none.
    with pytest.raises(services.PaymentError, match="no approved claims"):
        services.payment_run_create(period_start=day, period_end=day, actor=cast.administrator)
    services.payment_run_mark_paid(run=run, actor=cast.administrator)
    with pytest.raises(services.PaymentError, match="already marked paid"):
        services.payment_run_mark_paid(run=run, actor=cast.administrator)
    first.refresh_from_db()
    assert first.status == ClaimStatus.PAID
    assert first.paid_at == run.paid_at


def test_it_lets_nobody_approve_a_claim_they_made_on_someones_behalf(
    cast: Cast, rates: None
) -> None:
    claim = colins_claim_made_by_grace(cast)
    grace = client_for(cast.coordinator)
    page = grace.get(reverse("payments:claim_detail", kwargs={"pk": claim.pk})).content.decode()
    assert "someone else who leads the group must approve it" in page
    assert "Approve the claim" not in page
    response = grace.post(
        reverse("payments:claim_approve", kwargs={"pk": claim.pk}),
        {"version": claim.version},
        follow=True,
    )
    assert "You made this claim on their behalf" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    # The database refuses it too, whatever the code above it does.
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(
            status=ClaimStatus.APPROVED, approved_by=cast.coordinator, approved_at=timezone.now()
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.filter(pk=claim.pk).update(
            status=ClaimStatus.APPROVED, approved_by=cast.carer, approved_at=timezone.now()
        )
    services.claim_approve(claim=claim, actor=cast.chair)
    assert claim.approved_by == cast.chair


def test_it_lets_nobody_send_back_a_claim_they_made_on_someones_behalf(
    cast: Cast, rates: None
) -> None:
    claim = colins_claim_made_by_grace(cast)
    with pytest.raises(services.PaymentError, match="on their behalf"):
        services.claim_query(claim=claim, actor=cast.coordinator, question="Which bus?")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
