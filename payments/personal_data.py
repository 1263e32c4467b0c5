"""What payments keeps about a person: how they chose to be paid (with their bank or voucher
details), their involvement log, their expenses and receipts, and their claims and payments.

Erasure deletes the payment choice and its details, the receipt files and what the person
wrote in their own words (descriptions, questions and answers). It keeps what the
organisation must keep about money it paid: each claim's amounts, dates, lines and status,
who approved it and the payment run it was paid in, under "Former member". HMRC expects
records of payments to be kept for six years from the end of the tax year they were made in.
"""

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from coproduce.lib.personal_data import Section
from payments.models import (
    ActivityKind,
    Claim,
    ClaimLine,
    Expense,
    InvolvementEntry,
    PaymentChoice,
    PaymentRun,
    Rate,
)

MODELS = (PaymentChoice, InvolvementEntry, Expense, Claim)
KEPT = {
    Rate: gettext_lazy("who set a rate"),
    PaymentRun: gettext_lazy("who made a payment run and who marked it paid"),
}


def _choice_section(user: User) -> Section:
    choice = PaymentChoice.objects.filter(user=user).first()
    rows = []
    if choice is not None:
        rows.append(
            {
                "choice": choice.get_choice_display(),
                "account_name": choice.account_name,
                "sort_code": choice.sort_code,
                "account_number": choice.account_number,
                "voucher_shop": choice.voucher_shop,
                "voucher_send_to": choice.voucher_send_to,
                "updated_at": choice.updated_at,
            }
        )
    return Section(
        key="payment_choice",
        title=gettext_lazy("How you chose to be paid"),
        columns=[
            ("choice", gettext_lazy("Your choice")),
            ("account_name", gettext_lazy("Name on the account")),
            ("sort_code", gettext_lazy("Sort code")),
            ("account_number", gettext_lazy("Account number")),
            ("voucher_shop", gettext_lazy("Vouchers")),
            ("voucher_send_to", gettext_lazy("Where to send vouchers")),
            ("updated_at", gettext_lazy("Last changed")),
        ],
        rows=rows,
        record=True,
    )


def export(user: User) -> list[Section]:
    entries = InvolvementEntry.objects.filter(user=user).select_related("project", "meeting")
    expenses = Expense.objects.filter(user=user).select_related("project")
    claims = (
        Claim.objects.filter(user=user)
        .select_related("project", "run", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    return [
        _choice_section(user),
        Section(
            key="involvement",
            title=gettext_lazy("Your involvement log"),
            columns=[
                ("date", gettext_lazy("Date")),
                ("project", gettext_lazy("Group")),
                ("activity", gettext_lazy("What you did")),
                ("title", gettext_lazy("What it was")),
                ("minutes", gettext_lazy("Minutes")),
                ("preparation_minutes", gettext_lazy("Preparation minutes")),
                ("way", gettext_lazy("How you took part")),
            ],
            rows=[
                {
                    "date": entry.date,
                    "project": entry.project.name,
                    "activity": entry.get_activity_display(),
                    "title": entry.title,
                    "minutes": entry.minutes,
                    "preparation_minutes": entry.preparation_minutes,
                    "way": entry.get_way_display(),
                }
                for entry in entries
            ],
        ),
        Section(
            key="expenses",
            title=gettext_lazy("Your expenses"),
            columns=[
                ("date", gettext_lazy("Date")),
                ("project", gettext_lazy("Group")),
                ("kind", gettext_lazy("What for")),
                ("description", gettext_lazy("What you spent it on")),
                ("amount", gettext_lazy("Amount (£)")),
                ("receipt", gettext_lazy("Receipt kept")),
            ],
            rows=[
                {
                    "date": expense.date,
                    "project": expense.project.name,
                    "kind": expense.get_kind_display(),
                    "description": expense.description,
                    "amount": str(expense.amount),
                    "receipt": bool(expense.receipt),
                }
                for expense in expenses
            ],
        ),
        Section(
            key="claims",
            title=gettext_lazy("Your claims and payments"),
            columns=[
                ("reference", gettext_lazy("Claim")),
                ("submitted_at", gettext_lazy("Made")),
                ("project", gettext_lazy("Group")),
                ("status", gettext_lazy("Where it is")),
                ("fees", gettext_lazy("For your time (£)")),
                ("expenses", gettext_lazy("Expenses (£)")),
                ("total", gettext_lazy("Total (£)")),
                ("paid_at", gettext_lazy("Paid")),
                ("on_behalf_of_you_by", gettext_lazy("Made for you by")),
            ],
            rows=[
                {
                    "reference": claim.reference,
                    "submitted_at": claim.submitted_at,
                    "project": claim.project.name,
                    "status": claim.get_status_display(),
                    "fees": str(claim.fees),
                    "expenses": str(claim.expenses_total),
                    "total": str(claim.total),
                    "paid_at": claim.paid_at,
                    "payment_run": claim.run_id,
                    "on_behalf_of_you_by": (
                        claim.submitted_by.full_name
                        if claim.on_behalf and claim.submitted_by
                        else ""
                    ),
                }
                for claim in claims
            ],
        ),
    ]


def erase(user: User) -> None:
    PaymentChoice.objects.filter(user=user).delete()
    for expense in Expense.objects.filter(user=user).exclude(receipt=""):
        expense.receipt.delete(save=False)
    Expense.objects.filter(user=user).update(description="", receipt="", receipt_type="")
    InvolvementEntry.objects.filter(user=user).update(description="")
    ClaimLine.objects.filter(claim__user=user, expense__isnull=False).update(
        description=_("Expense")
    )
    # A line for an activity other than a meeting is named in the person's own words.
    for activity, label in ActivityKind.choices:
        ClaimLine.objects.filter(
            claim__user=user, entry__meeting__isnull=True, entry__activity=activity
        ).update(description=str(label))
    Claim.objects.filter(user=user).update(question="", answer="")


# Free text others write, where a person may be named: privacy looks in it before erasure.
MENTIONABLE: dict[type[Model], tuple[str, ...]] = {
    InvolvementEntry: ("description",),
    Expense: ("description",),
    Claim: ("question", "answer"),
    ClaimLine: ("description", "worked_out"),
}
