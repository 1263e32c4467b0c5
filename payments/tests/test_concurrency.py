"""Two people pressing the same button at the same moment, on PostgreSQL with two connections.

SQLite takes one writer at a time for the whole database, so the race cannot happen there;
on PostgreSQL both updates really run at once and the row lock decides.
"""

from decimal import Decimal
from functools import partial

import pytest
from django.db import connection

from accounts.models import AuditEvent, User
from conftest import Cast, at_the_same_moment
from payments import services
from payments.models import Claim, ClaimLine, ClaimStatus, InvolvementEntry, PaymentRun
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


def withdraw(pk: int, actor: User) -> None:
    services.claim_withdraw(claim=Claim.objects.get(pk=pk), actor=actor)


def approve(pk: int, actor: User) -> None:
    """Approve the claim as first made (version 1), as from a page opened before."""
    services.claim_approve(claim=Claim.objects.get(pk=pk), actor=actor, expected_version=1)


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
