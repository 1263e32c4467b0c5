"""What the permission grid needs from payments: Amira's claims, her receipt, a run."""

from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from conftest import Cast
from payments import services
from payments.models import Expense, ExpenseKind
from payments.tests.helpers import (
    a_claim,
    an_entry,
    an_expense,
    attended,
    held_meeting,
    set_rates,
)

# A valid one-pixel PNG, written once at a fixed name so grid runs do not fill the folder.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
RECEIPT = "receipts/grid-receipt.png"


def amiras_claim(cast: Cast) -> dict[str, Any]:
    set_rates()
    return {"pk": a_claim(cast).pk}


def amiras_queried_claim(cast: Cast) -> dict[str, Any]:
    set_rates()
    claim = a_claim(cast)
    services.claim_query(claim=claim, actor=cast.chair, question="Which bus did you take?")
    return {"pk": claim.pk}


def amiras_entry(cast: Cast) -> dict[str, Any]:
    return {"pk": an_entry(cast).pk}


def amiras_expense(cast: Cast) -> dict[str, Any]:
    return {"pk": an_expense(cast).pk}


def amiras_receipt(cast: Cast) -> dict[str, Any]:
    if not default_storage.exists(RECEIPT):
        default_storage.save(RECEIPT, ContentFile(PIXEL))
    expense = Expense.objects.create(
        user=cast.member,
        project=cast.website,
        kind=ExpenseKind.TRAVEL,
        date=timezone.localdate(),
        description="Bus",
        amount=Decimal("4.60"),
        receipt=RECEIPT,
        receipt_type="image/png",
    )
    return {"pk": expense.pk}


def a_meeting_amira_came_to(cast: Cast) -> dict[str, Any]:
    meeting = held_meeting(cast.website)
    attended(meeting, cast.member)
    return {"meeting_pk": meeting.pk}


def a_run(cast: Cast) -> dict[str, Any]:
    set_rates()
    claim = a_claim(cast)
    services.claim_approve(claim=claim, actor=cast.chair)
    today = timezone.localdate()
    run = services.payment_run_create(period_start=today, period_end=today, actor=cast.finance)
    return {"pk": run.pk}


def amira(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.member.pk}
