"""Two people pressing the same button at the same moment, on PostgreSQL with two connections.

SQLite takes one writer at a time for the whole database, so the race cannot happen there;
on PostgreSQL both updates really run at once and the row lock decides.
"""

import pytest
from django.db import connection

from accounts.models import AuditEvent
from conftest import Cast, at_the_same_moment
from payments import services
from payments.models import ClaimStatus, PaymentRun
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
