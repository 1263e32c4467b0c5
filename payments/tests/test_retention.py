"""Payment records are kept six years from the end of the tax year they were paid in, then
deleted with their receipts by `manage.py payment_records_expire`."""

import datetime
import io
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from accounts.models import AuditEvent
from conftest import Cast
from payments import services
from payments.models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Expense,
    ExpenseKind,
    InvolvementEntry,
    PaymentRun,
)
from payments.tests.helpers import an_entry, set_rates

LONDON = ZoneInfo("Europe/London")


def at(day: datetime.date) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, 12, tzinfo=LONDON)


def paid_on(cast: Cast, day: datetime.date) -> Claim:
    """A claim with a bus fare and its receipt, made, approved and paid on `day`."""
    with time_machine.travel(at(day), tick=False):
        entry = an_entry(cast, date=day)
        expense = services.expense_record(
            user=cast.member,
            project=cast.website,
            kind=ExpenseKind.TRAVEL,
            date=day,
            description="Bus",
            amount=Decimal("4.60"),
            actor=cast.member,
            receipt=SimpleUploadedFile("bus.pdf", b"%PDF-1.4 ticket"),
            receipt_type="application/pdf",
        )
        claim = services.claim_submit(
            user=cast.member,
            project=cast.website,
            entry_ids=[entry.pk],
            expense_ids=[expense.pk],
            actor=cast.member,
        )
        services.claim_approve(claim=claim, actor=cast.chair)
        run = services.payment_run_create(period_start=day, period_end=day, actor=cast.finance)
        services.payment_run_mark_paid(run=run, actor=cast.finance)
    claim.refresh_from_db()
    return claim


def expire_on(day: datetime.date, *args: str) -> str:
    out = io.StringIO()
    with time_machine.travel(at(day), tick=False):
        call_command("payment_records_expire", *args, stdout=out)
    return out.getvalue()


def test_it_works_out_the_end_of_the_tax_year_six_years_back() -> None:
    cutoff = services.retention_cutoff
    assert cutoff(datetime.date(2026, 4, 5)) == datetime.date(2019, 4, 5)
    assert cutoff(datetime.date(2026, 4, 6)) == datetime.date(2020, 4, 5)
    assert cutoff(datetime.date(2026, 12, 31)) == datetime.date(2020, 4, 5)
    assert cutoff(datetime.date(2027, 1, 1)) == datetime.date(2020, 4, 5)


def test_it_keeps_a_payment_for_six_years_after_its_tax_year_then_deletes_it(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    set_rates()
    # Paid on the last day of the 2019-20 tax year, and on the first day of the next.
    old = paid_on(cast, datetime.date(2020, 4, 5))
    newer = paid_on(cast, datetime.date(2020, 4, 6))
    old_receipt = ClaimLine.objects.get(claim=old, expense__isnull=False).expense
    assert old_receipt is not None
    stored = old_receipt.receipt.name or ""
    assert old_receipt.receipt.storage.exists(stored)

    # On 5 April 2026 the 2019-20 tax year ended exactly six years ago: both stay.
    assert "0 claims" in expire_on(datetime.date(2026, 4, 5))
    assert Claim.objects.count() == 2

    # The day after, the older one goes, with its lines, activity, expense and receipt.
    dry = expire_on(datetime.date(2026, 4, 6), "--dry-run")
    assert "Would delete" in dry
    assert "1 claims" in dry
    assert Claim.objects.count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        said = expire_on(datetime.date(2026, 4, 6))
    assert "Deleted payment records up to 5 April 2020: 1 claims, 1 payment runs" in said
    assert list(Claim.objects.all()) == [newer]
    assert PaymentRun.objects.count() == 1
    assert ClaimLine.objects.filter(claim_id=old.pk).count() == 0
    assert InvolvementEntry.objects.count() == Expense.objects.count() == 1
    assert not old_receipt.receipt.storage.exists(stored)
    event = AuditEvent.objects.get(action="payments.records_expired")
    assert event.data["claims"] == [old.pk]

    # Running again deletes nothing more; the newer one goes a year later.
    assert "0 claims" in expire_on(datetime.date(2026, 4, 7))
    expire_on(datetime.date(2027, 4, 6))
    assert not Claim.objects.exists()
    assert not PaymentRun.objects.exists()


def test_it_keeps_claims_not_yet_paid_and_recent_unclaimed_items(cast: Cast) -> None:
    set_rates(since=datetime.date(2015, 1, 1))
    day = datetime.date(2018, 6, 1)
    with time_machine.travel(at(day), tick=False):
        waiting = services.claim_submit(
            user=cast.member,
            project=cast.website,
            entry_ids=[an_entry(cast, date=day).pk],
            expense_ids=[],
            actor=cast.member,
        )
        never_claimed = an_entry(cast, date=day)
    with time_machine.travel(at(datetime.date(2026, 1, 10)), tick=False):
        recent = an_entry(cast, date=datetime.date(2026, 1, 9))
    expire_on(datetime.date(2026, 5, 1))
    waiting.refresh_from_db()
    assert waiting.status == ClaimStatus.SUBMITTED
    assert waiting.lines.count() == 1
    assert not InvolvementEntry.objects.filter(pk=never_claimed.pk).exists()
    assert InvolvementEntry.objects.filter(pk=recent.pk).exists()
