"""Two people pressing the same button at the same moment, on PostgreSQL with two connections.

SQLite takes one writer at a time for the whole database, so the race cannot happen there;
on PostgreSQL both updates really run at once and the row lock decides.
"""

import time
from decimal import Decimal
from functools import partial

import pytest
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import AuditEvent, User
from conftest import Cast, at_the_same_moment
from payments import services
from payments.models import (
    ActivityKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    Expense,
    ExpenseKind,
    InvolvementEntry,
    PaymentRun,
)
from payments.tests.helpers import a_claim, set_rates

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite lets only one connection write at a time",
    ),
]


def fresh(run: PaymentRun) -> PaymentRun:
    return PaymentRun.objects.get(pk=run.pk)


def test_it_approves_a_claim_once_when_two_approve_together(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    outcomes = at_the_same_moment(
        services.PaymentError,
        lambda: services.claim_approve(claim=claim, actor=cast.chair),
        lambda: services.claim_approve(claim=claim, actor=cast.coordinator),
    )
    assert outcomes == ["done", "refused"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_it_pays_a_run_once_when_two_mark_it_paid_together(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    services.claim_approve(claim=claim, actor=cast.chair)
    assert claim.approved_at is not None
    day = claim.approved_at.date()
    run = services.payment_run_create(period_start=day, period_end=day, actor=cast.administrator)
    outcomes = at_the_same_moment(
        services.PaymentError,
        lambda: services.payment_run_mark_paid(
            run=PaymentRun.objects.get(pk=run.pk), actor=cast.administrator
        ),
        lambda: services.payment_run_mark_paid(
            run=PaymentRun.objects.get(pk=run.pk), actor=cast.administrator
        ),
    )
    assert outcomes == ["done", "refused"]
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID

    assert AuditEvent.objects.filter(action="payments.run_paid").count() == 1


def test_it_puts_a_claim_in_one_run_when_two_runs_are_made_together(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    services.claim_approve(claim=claim, actor=cast.chair)
    assert claim.approved_at is not None
    day = claim.approved_at.date()
    outcomes = at_the_same_moment(
        services.PaymentError,
        lambda: services.payment_run_create(
            period_start=day, period_end=day, actor=cast.administrator
        ),
        lambda: services.payment_run_create(
            period_start=day, period_end=day, actor=cast.administrator
        ),
    )
    assert outcomes == ["done", "refused"]
    assert PaymentRun.objects.count() == 1


ROUNDS = 5


def still_there(pk: int) -> Claim:
    """The claim, as a page finds it; one withdrawn already is refused, as the page does."""
    claim = Claim.objects.filter(pk=pk).first()
    if claim is None:
        raise services.PaymentError("This claim was withdrawn.")
    return claim


def withdraw(pk: int, actor: User) -> None:
    services.claim_withdraw(claim=still_there(pk), actor=actor)


def approve(pk: int, actor: User) -> None:
    """Approve the claim as first made (version 1), as from a page opened before."""
    services.claim_approve(claim=still_there(pk), actor=actor, expected_version=1)


def test_it_lets_a_withdrawal_or_an_approval_succeed_never_both(cast: Cast) -> None:
    """Amira withdraws her claim as Deborah approves it, several times over so both orders
    can happen: one is refused, and the claim is either gone (nothing approved) or approved
    (nothing withdrawn)."""
    set_rates()
    for _ in range(ROUNDS):
        claim = a_claim(cast)
        outcomes = at_the_same_moment(
            services.PaymentError,
            partial(withdraw, claim.pk, cast.member),
            partial(approve, claim.pk, cast.chair),
        )
        assert outcomes == ["done", "refused"]
        stored = Claim.objects.filter(pk=claim.pk).first()
        approved = AuditEvent.objects.filter(
            action="payments.claim_approved", data__claim=claim.pk
        ).exists()
        withdrawn = AuditEvent.objects.filter(
            action="payments.claim_withdrawn", data__claim=claim.pk
        ).exists()
        if stored is None:
            assert (withdrawn, approved) == (True, False)
            assert not ClaimLine.objects.filter(claim_id=claim.pk).exists()
        else:
            assert (withdrawn, approved) == (False, True)
            assert stored.status == ClaimStatus.APPROVED
            assert stored.lines.count() == 2
        # Start the next round with nothing left to claim.
        ClaimLine.objects.all().delete()
        Claim.objects.all().delete()


def test_it_refuses_an_approval_made_as_the_claim_changes(cast: Cast) -> None:
    """Amira corrects her time as Deborah approves the claim she opened before: either the
    approval is refused and the change is in, or the change is refused and the claim was
    approved as Deborah saw it."""
    set_rates()
    claim = a_claim(cast)
    entry = InvolvementEntry.objects.get(user=cast.member)

    def correct() -> None:
        fresh = InvolvementEntry.objects.get(pk=entry.pk)
        fresh.minutes = 60
        services.involvement_update(
            entry=fresh, actor=cast.member, changed=["minutes"], expected_version=fresh.version
        )

    outcomes = at_the_same_moment(
        services.PaymentError, correct, partial(approve, claim.pk, cast.chair)
    )
    assert outcomes == ["done", "refused"]
    stored = Claim.objects.get(pk=claim.pk)
    entry.refresh_from_db()
    if stored.status == ClaimStatus.APPROVED:
        assert (entry.minutes, stored.total) == (90, claim.total)
    else:
        assert stored.status == ClaimStatus.SUBMITTED
        assert entry.minutes == 60
        assert stored.total == claim.total - Decimal("10.00")


def test_it_makes_one_claim_when_grace_sends_the_page_for_colin_twice_at_once(
    cast: Cast,
) -> None:
    """A double press on "Make the claim": both requests run together, one makes the claim
    and the other is refused, leaving nothing of its own in Colin's log."""
    set_rates()

    @transaction.atomic  # as the page does: the entry and its claim, all or nothing
    def made_for_colin() -> None:
        services.claim_refuse_made_already("a" * 32)
        entry = services.involvement_record(
            user=cast.carer,
            project=cast.website,
            activity=ActivityKind.READING,
            date=timezone.localdate(),
            minutes=60,
            actor=cast.coordinator,
        )
        services.claim_submit(
            user=cast.carer,
            project=cast.website,
            entry_ids=[entry.pk],
            expense_ids=[],
            actor=cast.coordinator,
            submission_key="a" * 32,
        )

    outcomes = at_the_same_moment(services.AlreadyMade, made_for_colin, made_for_colin)
    assert outcomes == ["done", "refused"]
    assert Claim.objects.count() == 1
    assert InvolvementEntry.objects.filter(user=cast.carer).count() == 1


def test_it_adds_one_expense_when_amira_sends_the_same_page_twice_at_once(cast: Cast) -> None:
    """A double press on "Save the expense": both requests run together, one adds it and the
    other is told it is already in her list."""

    def sent() -> None:
        services.expense_record(
            user=cast.member,
            project=cast.website,
            kind=ExpenseKind.TRAVEL,
            date=timezone.localdate(),
            description="Bus to the town hall and back",
            amount=Decimal("4.60"),
            actor=cast.member,
            submission_key="b" * 32,
        )

    def first() -> None:
        with transaction.atomic():
            sent()
            # Not yet saved for others to see when the second looks, so the second gets as
            # far as adding it, and waits there for this one.
            time.sleep(0.5)

    refusals: list[str] = []

    def second() -> None:
        time.sleep(0.1)
        try:
            sent()
        except services.AlreadyMade as error:
            refusals.append(str(error))
            raise

    outcomes = at_the_same_moment(services.AlreadyMade, first, second)
    assert outcomes == ["done", "refused"]
    assert Expense.objects.filter(user=cast.member).count() == 1
    assert refusals[0].startswith(
        "You have already added this expense: it is in your list as “Bus to the town hall"
    )


def test_it_takes_one_answer_when_amira_answers_from_two_tabs_at_once(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    services.claim_query(claim=claim, actor=cast.chair, question="Which bus did you take?")
    seen = Claim.objects.get(pk=claim.pk).version

    def answer(words: str) -> None:
        services.claim_answer(
            claim=Claim.objects.get(pk=claim.pk),
            actor=cast.member,
            answer=words,
            expected_version=seen,
        )

    outcomes = at_the_same_moment(
        services.PaymentError, partial(answer, "The 12."), partial(answer, "The 12, both ways.")
    )
    assert outcomes == ["done", "refused"]
    stored = Claim.objects.get(pk=claim.pk)
    assert stored.status == ClaimStatus.SUBMITTED
    assert stored.answer in ("The 12.", "The 12, both ways.")
    assert stored.version == seen + 1
