"""How the accessibility walk reaches the payments pages, from the demo data.

Colin's claim (made for him by Grace) waits for approval, with a photo of his bus ticket;
Deborah's was sent back with a question; Amira's is paid, in the demo's one payment run.
"""

from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone

from meetings.models import Meeting
from payments import services
from payments.models import Claim, Expense, ExpenseKind, InvolvementEntry, PaymentRun
from tests.conftest import Demo


def claim_of(demo: Demo, email: str) -> dict[str, Any]:
    return {"pk": Claim.objects.get(user__email=email).pk}


def colins_claim(demo: Demo) -> dict[str, Any]:
    return claim_of(demo, "colin@example.org")


def deborahs_queried_claim(demo: Demo) -> dict[str, Any]:
    return claim_of(demo, "deborah@example.org")


def deborahs_entry(demo: Demo) -> dict[str, Any]:
    """In her claim that was sent back with a question, so she may still change it."""
    return {"pk": InvolvementEntry.objects.get(user__email="deborah@example.org").pk}


def deborahs_expense(demo: Demo) -> dict[str, Any]:
    """An expense of hers not claimed yet, made the first time a page asks for it."""
    deborah = demo.person("chair")
    expense = Expense.objects.filter(user=deborah).first() or services.expense_record(
        user=deborah,
        project=demo.website,
        kind=ExpenseKind.TRAVEL,
        date=timezone.localdate(),
        description="Parking at the community centre",
        amount=Decimal("3.50"),
        actor=deborah,
    )
    return {"pk": expense.pk}


def colins_receipt(demo: Demo) -> dict[str, Any]:
    return {"pk": Expense.objects.get(user__email="colin@example.org").pk}


def amiras_next_meeting_to_log(demo: Demo) -> dict[str, Any]:
    meeting = Meeting.objects.get(project=demo.website, title="Crisis pages: first drafts")
    return {"meeting_pk": meeting.pk}


def the_paid_run(demo: Demo) -> dict[str, Any]:
    run = PaymentRun.objects.first()
    assert run is not None, "the demo has a payment run"
    return {"pk": run.pk}


def amira(demo: Demo) -> dict[str, Any]:
    return {"pk": demo.person("member").pk}


def amiras_paid_claim_page(demo: Demo) -> str:
    return reverse("payments:claim_detail", kwargs=claim_of(demo, "amira@example.org"))


def deborahs_claim_page(demo: Demo) -> str:
    return reverse("payments:claim_detail", kwargs=deborahs_queried_claim(demo))
