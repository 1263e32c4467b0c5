"""Paying people for their involvement, and repaying what it cost them.

Money is exact: `DecimalField` in pounds with two places, `Decimal` arithmetic, never floats.
A claim line keeps the rate it was worked out with, so a rate changed later never changes a
claim already made. A person's bank or voucher details are kept apart from everything else,
because only they and finance may see them.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import AttendanceWay, Meeting
from projects.models import Project

PENNY = Decimal("0.01")
# Anything above this in one line is a typing mistake, not an expense or a fee.
MAX_AMOUNT = Decimal("1000.00")
MINUTES_IN_HALF_DAY = 4 * 60
MINUTES_IN_DAY = 8 * 60


def pounds(value: Decimal) -> Decimal:
    """Round to the penny, halves up, as people expect on a payslip."""
    return value.quantize(PENNY, rounding=ROUND_HALF_UP)


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Attending a meeting")
    PREPARATION = "preparation", _("Preparing for a meeting")
    READING = "reading", _("Reading or reviewing papers")
    INTERVIEW_PANEL = "interview_panel", _("Sitting on an interview or selection panel")
    PEER_RESEARCH = "peer_research", _("Peer research")
    OTHER = "other", _("Other involvement")


class RateUnit(models.TextChoices):
    HOUR = "hour", _("per hour")
    HALF_DAY = "half_day", _("per half day (up to 4 hours)")
    DAY = "day", _("per day (up to 8 hours)")
    ACTIVITY = "activity", _("per activity, whatever its length")


class Rate(models.Model):
    """What the organisation pays for one kind of activity, from a date on.

    A new rate is a new row with a later date: the old one still tells what was paid before.
    """

    activity = models.CharField(_("activity"), max_length=20, choices=ActivityKind.choices)
    unit = models.CharField(_("paid"), max_length=10, choices=RateUnit.choices)
    amount = models.DecimalField(_("amount in pounds"), max_digits=7, decimal_places=2)
    effective_from = models.DateField(_("applies from"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["activity", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "effective_from"], name="rate_once_per_activity_and_date"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0, amount__lte=MAX_AMOUNT), name="rate_amount_sane"
            ),
            models.CheckConstraint(
                condition=models.Q(activity__in=ActivityKind.values), name="rate_activity_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(unit__in=RateUnit.values), name="rate_unit_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()}: £{self.amount} {self.get_unit_display()}"

    def pay_for(self, minutes: int) -> Decimal:
        """What this rate pays for `minutes` of the activity, to the penny."""
        if minutes <= 0:
            return Decimal("0.00")
        if self.unit == RateUnit.HOUR:
            return pounds(self.amount * Decimal(minutes) / Decimal(60))
        if self.unit == RateUnit.HALF_DAY:
            return pounds(self.amount * _parts(minutes, MINUTES_IN_HALF_DAY))
        if self.unit == RateUnit.DAY:
            return pounds(self.amount * _parts(minutes, MINUTES_IN_DAY))
        return pounds(self.amount)


def _parts(minutes: int, size: int) -> Decimal:
    """How many half days or days `minutes` take, counting any part as a whole one."""
    return Decimal(-(-minutes // size))


class ChoiceKind(models.TextChoices):
    BANK = "bank", _("Paid into my bank account")
    VOUCHERS = "vouchers", _("Paid in vouchers")
    NONE = "none", _("No payment, thank you")


class PaymentChoice(models.Model):
    """How a person wants to be paid, if at all, and where to send it.

    The details are seen only by the person and by finance; anyone else's look is refused,
    and finance's is recorded with a reason.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="payment_choice"
    )
    choice = models.CharField(
        _("how you would like to be paid"), max_length=10, choices=ChoiceKind.choices
    )
    account_name = models.CharField(_("name on the account"), max_length=100, blank=True)
    sort_code = models.CharField(_("sort code"), max_length=8, blank=True)
    account_number = models.CharField(_("account number"), max_length=8, blank=True)
    voucher_shop = models.CharField(_("which vouchers you would like"), max_length=100, blank=True)
    voucher_send_to = models.CharField(_("where to send the vouchers"), max_length=300, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choice__in=ChoiceKind.values), name="payment_choice_valid"
            ),
            # Someone who declines payment leaves no bank details behind.
            models.CheckConstraint(
                condition=~models.Q(choice=ChoiceKind.NONE)
                | models.Q(account_name="", sort_code="", account_number=""),
                name="payment_choice_none_keeps_no_details",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_choice_display()}"

    @property
    def takes_fees(self) -> bool:
        return self.choice != ChoiceKind.NONE

    @property
    def masked_account(self) -> str:
        """The last two digits only, so a page can say which account without showing it."""
        return f"******{self.account_number[-2:]}" if self.account_number else ""


def submission_key_field() -> models.CharField[str | None, str | None]:
    """The one-time key of the page a row was added from, when the page has one, so the
    same page sent twice (a double press, or "back" and send again) adds one row, not two."""
    return models.CharField(max_length=32, null=True, blank=True, editable=False)


def added_once_per_page(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["submission_key"], condition=models.Q(submission_key__isnull=False), name=name
    )


class InvolvementEntry(models.Model):
    """Time someone gave: a meeting they came to (with its preparation), or another activity.

    A meeting's entry starts as a proposal worked out from the register; it becomes an
    entry only when the person (or someone on their behalf) confirms or corrects it.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="involvement"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="involvement")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="involvement"
    )
    activity = models.CharField(_("what you did"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"))
    minutes = models.PositiveIntegerField(_("how long, in minutes"))
    preparation_minutes = models.PositiveIntegerField(_("preparation time, in minutes"), default=0)
    way = models.CharField(
        _("how you took part"), max_length=10, choices=AttendanceWay.choices, blank=True
    )
    description = models.CharField(_("what it was"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The person may change it until its claim is approved; a stale change is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = _("involvement entries")
        constraints = [
            added_once_per_page("involvement_added_once_per_page"),
            models.UniqueConstraint(
                fields=["user", "meeting"],
                condition=models.Q(meeting__isnull=False),
                name="involvement_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=24 * 60),
                name="involvement_minutes_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(preparation_minutes__lte=24 * 60),
                name="involvement_preparation_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(activity__in=ActivityKind.values),
                name="involvement_activity_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_activity_display()} on {self.date}"

    @property
    def title(self) -> str:
        if self.meeting_id is not None and self.meeting is not None:
            return self.meeting.title
        return self.description or str(self.get_activity_display())

    @property
    def neutral_title(self) -> str:
        """The meeting, or the kind of activity: never the person's own words, so it can go
        where erasure would not reach (the audit log)."""
        if self.meeting_id is not None and self.meeting is not None:
            return self.meeting.title
        return str(self.get_activity_display())


class ExpenseKind(models.TextChoices):
    TRAVEL = "travel", _("Travel")
    CARE = "care", _("A carer or personal assistant")
    OTHER = "other", _("Other costs")


class Expense(models.Model):
    """Money someone spent to take part. Repaid whatever their payment choice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expenses"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="expenses")
    kind = models.CharField(_("what it was for"), max_length=10, choices=ExpenseKind.choices)
    date = models.DateField(_("date"))
    description = models.CharField(_("what you spent it on"), max_length=200)
    amount = models.DecimalField(_("amount in pounds"), max_digits=7, decimal_places=2)
    # Through Django's storage API only: the file system here, object storage elsewhere.
    receipt = models.FileField(_("receipt"), upload_to="receipts/%Y/%m/", blank=True)
    receipt_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The person may change it until its claim is approved; a stale change is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    submission_key = submission_key_field()

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            added_once_per_page("expense_added_once_per_page"),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, amount__lte=MAX_AMOUNT),
                name="expense_amount_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ExpenseKind.values), name="expense_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: £{self.amount} {self.get_kind_display()} on {self.date}"


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for approval")
    QUERIED = "queried", _("Sent back with a question")
    APPROVED = "approved", _("Approved, waiting to be paid")
    PAID = "paid", _("Paid")


class RunStatus(models.TextChoices):
    OPEN = "open", _("Being prepared")
    PAID = "paid", _("Paid")


class PaymentRun(models.Model):
    """A batch of approved claims that finance pays together, for a period."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    total = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="payment_run_period_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(status=RunStatus.OPEN, paid_at__isnull=True)
                | models.Q(status=RunStatus.PAID, paid_at__isnull=False),
                name="payment_run_paid_has_a_date",
            ),
        ]

    def __str__(self) -> str:
        return f"Payment run {self.period_start} to {self.period_end}"


class Claim(models.Model):
    """What someone asks to be paid and repaid for, in lines worked out when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="claims"
    )
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="claims")
    status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    # Someone else submitted it for them (a coordinator helping someone not online).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # The payment choice in force when it was made: "no payment" claims only expenses.
    choice = models.CharField(max_length=10, choices=ChoiceKind.choices)
    fees = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0.00"))
    expenses_total = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0.00"))
    total = models.DecimalField(max_digits=9, decimal_places=2, default=Decimal("0.00"))
    question = models.TextField(_("your question"), blank=True, max_length=1000)
    queried_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.TextField(_("your answer"), blank=True, max_length=1000)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    run = models.ForeignKey(
        PaymentRun, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    paid_at = models.DateTimeField(null=True, blank=True)
    # Every change to the claim or what is in it moves this on, so an approval made from an
    # older page is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The one-time key of the page it was made from, when the page has one, so the same
    # page sent twice (a double press, or "back" and send again) makes one claim, not two.
    submission_key = models.CharField(max_length=32, blank=True, default="", editable=False)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission_key"],
                condition=~models.Q(submission_key=""),
                name="claim_made_once_per_page",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ClaimStatus.values), name="claim_status_valid"
            ),
            # (Whether the total adds up is checked in Python: SQLite compares decimals as
            # floating point, where 82.88 + 0.10 is not 82.98.)
            models.CheckConstraint(
                condition=models.Q(fees__gte=0, expenses_total__gte=0),
                name="claim_amounts_not_negative",
            ),
            # Nobody approves their own claim, even one a coordinator made for them.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | ~models.Q(approved_by=models.F("user")),
                name="claim_not_approved_by_claimant",
            ),
            # Nor does the person who made it on someone's behalf: a second pair of eyes.
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True)
                | models.Q(submitted_by__isnull=True)
                | ~models.Q(approved_by=models.F("submitted_by")),
                name="claim_not_approved_by_submitter",
            ),
            # A claim is in a run only once approved, and paid only through a run.
            models.CheckConstraint(
                condition=models.Q(run__isnull=True)
                | models.Q(status__in=[ClaimStatus.APPROVED, ClaimStatus.PAID]),
                name="claim_in_run_only_when_approved",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ClaimStatus.PAID)
                | models.Q(run__isnull=False, paid_at__isnull=False, approved_at__isnull=False),
                name="claim_paid_through_a_run",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk} by {self.user}: £{self.total}"

    @property
    def on_behalf(self) -> bool:
        return self.submitted_by_id is not None and self.submitted_by_id != self.user_id

    @property
    def reference(self) -> str:
        return f"C{self.pk:05d}"


class ClaimLine(models.Model):
    """One activity or one expense in a claim, with the rate and amount it was worked out at."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    # An activity or an expense is in one claim only: the second claim for it is refused.
    entry = models.OneToOneField(
        InvolvementEntry,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claim_line",
    )
    expense = models.OneToOneField(
        Expense, on_delete=models.PROTECT, null=True, blank=True, related_name="claim_line"
    )
    date = models.DateField()
    description = models.CharField(max_length=250)
    # How it was worked out, as it stood then: "2 hours at £25.00 per hour, 1 hour
    # preparation at £20.00 per hour".
    worked_out = models.CharField(max_length=250, blank=True)
    amount = models.DecimalField(max_digits=9, decimal_places=2)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(entry__isnull=False, expense__isnull=True)
                | models.Q(entry__isnull=True, expense__isnull=False),
                name="claim_line_is_an_activity_or_an_expense",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="claim_line_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: £{self.amount}"


def today() -> datetime.date:
    return timezone.localdate()
