"""Changes to payments: recording involvement and expenses, claims from submission to
payment, and payment runs. Each is one transaction, and each that matters is audited.

Two people acting on the same claim at the same moment cannot both succeed: every step is a
conditional update from the state the claim is expected to be in, so a claim is approved
once and paid once.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from meetings.models import Invitee, Meeting
from payments import notify
from payments.models import (
    ActivityKind,
    ChoiceKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    Expense,
    InvolvementEntry,
    PaymentChoice,
    PaymentRun,
    Rate,
    RunStatus,
    pounds,
)
from projects.models import Project


class PaymentError(Exception):
    """A change that cannot be made, with a message for the person who tried."""


# ---------------------------------------------------------------------------------------------
# Rates


class RateBook:
    """Every rate, fetched once, to find the one in force for an activity on a date."""

    def __init__(self, rates: Iterable[Rate] | None = None) -> None:
        self.by_activity: dict[str, list[Rate]] = defaultdict(list)
        for rate in Rate.objects.all() if rates is None else rates:
            self.by_activity[rate.activity].append(rate)
        for history in self.by_activity.values():
            history.sort(key=lambda rate: rate.effective_from, reverse=True)

    def in_force(self, activity: str, on: datetime.date) -> Rate | None:
        return next((r for r in self.by_activity[activity] if r.effective_from <= on), None)


def rate_add(
    *, activity: str, unit: str, amount: Decimal, effective_from: datetime.date, actor: User
) -> Rate:
    try:
        with transaction.atomic():
            rate = Rate.objects.create(
                activity=activity,
                unit=unit,
                amount=amount,
                effective_from=effective_from,
                created_by=actor,
            )
    except IntegrityError as error:
        raise PaymentError(
            _("There is already a rate for this activity from that date. Choose another date.")
        ) from error
    AuditEvent.record(
        actor=actor,
        action="payments.rate_added",
        summary=_("Set the rate for %(activity)s from %(date)s: £%(amount)s %(unit)s")
        % {
            "activity": rate.get_activity_display(),
            "date": effective_from.isoformat(),
            "amount": rate.amount,
            "unit": rate.get_unit_display(),
        },
        data={"rate": rate.pk},
    )
    return rate


# ---------------------------------------------------------------------------------------------
# Each person's choice


def payment_choice_of(user: User) -> PaymentChoice | None:
    return PaymentChoice.objects.filter(user=user).first()


@transaction.atomic
def payment_choice_save(*, user: User, choice: str, details: dict[str, str]) -> PaymentChoice:
    """Save how the person wants to be paid. Details that do not fit the choice are cleared."""
    kept = {
        ChoiceKind.BANK: ("account_name", "sort_code", "account_number"),
        ChoiceKind.VOUCHERS: ("voucher_shop", "voucher_send_to"),
        ChoiceKind.NONE: (),
    }[ChoiceKind(choice)]
    fields = ("account_name", "sort_code", "account_number", "voucher_shop", "voucher_send_to")
    values = {name: details.get(name, "") if name in kept else "" for name in fields}
    saved, _created = PaymentChoice.objects.update_or_create(
        user=user, defaults={"choice": choice, "updated_at": timezone.now(), **values}
    )
    # The log says that it changed, never the details.
    AuditEvent.record(
        actor=user,
        action="payments.choice_changed",
        summary=_("Chose how to be paid: %(choice)s") % {"choice": saved.get_choice_display()},
        subject=user,
    )
    return saved


def payment_details_viewed(*, viewer: User, people: Sequence[User], purpose: str) -> None:
    """Record that finance saw these people's bank or voucher details, and why."""
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=viewer,
            action="payments.details_viewed",
            summary=(
                _("Viewed the payment details of %(person)s: %(purpose)s")
                % {"person": person.full_name, "purpose": purpose}
            )[:300],
            subject=person,
            data={"purpose": purpose},
            created_at=now,
        )
        for person in people
        if person.pk != viewer.pk
    )


# ---------------------------------------------------------------------------------------------
# The involvement log


@dataclass(frozen=True)
class Proposal:
    """An entry the register suggests: the person came to this meeting and has not logged it."""

    meeting: Meeting
    way: str
    minutes: int
    preparation_minutes: int

    @property
    def date(self) -> datetime.date:
        assert self.meeting.starts_at is not None
        return timezone.localdate(self.meeting.starts_at)


def involvement_proposals(user: User) -> list[Proposal]:
    """Meetings the register says the person came to, with no entry in their log yet."""
    invitees = (
        Invitee.objects.filter(
            user=user,
            attended=True,
            meeting__starts_at__isnull=False,
            meeting__ends_at__lte=timezone.now(),
        )
        .exclude(meeting__involvement__user=user)
        .select_related("meeting__project")
        .order_by("-meeting__starts_at")
    )
    return [
        Proposal(
            meeting=invitee.meeting,
            way=invitee.way,
            minutes=invitee.meeting.duration_minutes or 0,
            preparation_minutes=invitee.meeting.project.preparation_minutes,
        )
        for invitee in invitees
    ]


def proposal_for(user: User, meeting_pk: int) -> Proposal | None:
    return next((p for p in involvement_proposals(user) if p.meeting.pk == meeting_pk), None)


def _check_date(date: datetime.date) -> None:
    if date > timezone.localdate():
        raise PaymentError(
            _("The date is in the future. You can claim only for what has happened.")
        )


@transaction.atomic
def involvement_record(
    *,
    user: User,
    project: Project,
    activity: str,
    date: datetime.date,
    minutes: int,
    actor: User,
    preparation_minutes: int = 0,
    way: str = "",
    description: str = "",
    meeting: Meeting | None = None,
) -> InvolvementEntry:
    """Add an entry to the person's log: a meeting from the register, or another activity."""
    _check_date(date)
    if meeting is not None and meeting.project_id != project.pk:
        raise PaymentError(_("That meeting belongs to another group."))
    try:
        with transaction.atomic():
            entry = InvolvementEntry.objects.create(
                user=user,
                project=project,
                meeting=meeting,
                activity=activity,
                date=date,
                minutes=minutes,
                preparation_minutes=preparation_minutes,
                way=way,
                description=description,
                recorded_by=actor,
            )
    except IntegrityError as error:
        raise PaymentError(_("This meeting is already in the log.")) from error
    AuditEvent.record(
        actor=actor,
        action="payments.involvement_recorded",
        summary=_("Logged involvement for %(person)s: %(what)s on %(date)s")
        % {"person": user.full_name, "what": entry.title, "date": date.isoformat()},
        project=project,
        subject=user,
        data={"entry": entry.pk},
    )
    return entry


@transaction.atomic
def expense_record(
    *,
    user: User,
    project: Project,
    kind: str,
    date: datetime.date,
    description: str,
    amount: Decimal,
    actor: User,
    receipt: UploadedFile[bytes] | None = None,
    receipt_type: str = "",
) -> Expense:
    _check_date(date)
    expense = Expense(
        user=user,
        project=project,
        kind=kind,
        date=date,
        description=description,
        amount=amount,
        recorded_by=actor,
        receipt_type=receipt_type if receipt is not None else "",
    )
    if receipt is not None:
        # Saved through the storage API, under a name that says nothing about the person.
        expense.receipt.save(f"receipt{_extension(receipt.name or '')}", receipt, save=False)
    expense.save()
    AuditEvent.record(
        actor=actor,
        action="payments.expense_recorded",
        summary=_("Recorded an expense of £%(amount)s for %(person)s")
        % {"amount": expense.amount, "person": user.full_name},
        project=project,
        subject=user,
        data={"expense": expense.pk},
    )
    return expense


def _extension(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot != -1 else ""


def unclaimed_entries(user: User) -> QuerySet[InvolvementEntry]:
    return InvolvementEntry.objects.filter(user=user, claim_line__isnull=True).select_related(
        "project", "meeting"
    )


def unclaimed_expenses(user: User) -> QuerySet[Expense]:
    return Expense.objects.filter(user=user, claim_line__isnull=True).select_related("project")


# ---------------------------------------------------------------------------------------------
# Claims


def _entry_line(entry: InvolvementEntry, book: RateBook, takes_fees: bool) -> ClaimLine:
    if not takes_fees:
        return ClaimLine(
            entry=entry,
            date=entry.date,
            description=entry.title,
            worked_out=_("No payment chosen"),
            amount=Decimal("0.00"),
        )
    parts: list[tuple[str, int]] = [(entry.activity, entry.minutes)]
    if entry.preparation_minutes:
        parts.append((ActivityKind.PREPARATION, entry.preparation_minutes))
    amount = Decimal("0.00")
    said = []
    for activity, minutes in parts:
        rate = book.in_force(activity, entry.date)
        if rate is None:
            raise PaymentError(
                _(
                    "There is no rate for “%(activity)s” on %(date)s, so this claim cannot be "
                    "worked out. Ask finance to set one."
                )
                % {"activity": ActivityKind(activity).label, "date": entry.date.isoformat()}
            )
        amount += rate.pay_for(minutes)
        said.append(
            _("%(activity)s, %(minutes)s minutes at £%(amount)s %(unit)s")
            % {
                "activity": ActivityKind(activity).label,
                "minutes": minutes,
                "amount": rate.amount,
                "unit": rate.get_unit_display(),
            }
        )
    return ClaimLine(
        entry=entry,
        date=entry.date,
        description=entry.title,
        worked_out="; ".join(said)[:250],
        amount=pounds(amount),
    )


def _lock_unclaimed(
    user: User, project: Project, entry_ids: Sequence[int], expense_ids: Sequence[int]
) -> tuple[list[InvolvementEntry], list[Expense]]:
    entries = list(
        InvolvementEntry.objects.select_for_update(of=("self",))
        .filter(pk__in=entry_ids, user=user, project=project)
        .select_related("meeting")
        .order_by("date", "pk")
    )
    expenses = list(
        Expense.objects.select_for_update()
        .filter(pk__in=expense_ids, user=user, project=project)
        .order_by("date", "pk")
    )
    if len(entries) != len(set(entry_ids)) or len(expenses) != len(set(expense_ids)):
        raise PaymentError(_("Something you chose is not yours to claim, or is in another group."))
    claimed = ClaimLine.objects.filter(entry__in=entries).exists() or (
        ClaimLine.objects.filter(expense__in=expenses).exists()
    )
    if claimed:
        raise PaymentError(
            _("Something you chose is already in another claim. Each can be claimed once.")
        )
    return entries, expenses


@transaction.atomic
def claim_submit(
    *,
    user: User,
    project: Project,
    entry_ids: Sequence[int],
    expense_ids: Sequence[int],
    actor: User,
) -> Claim:
    """Make a claim from the person's unclaimed entries and expenses in one group.

    Each activity is priced at the rate in force on its own date, and the line keeps the
    amount and how it was worked out, so a later change of rate changes nothing here.
    """
    if not entry_ids and not expense_ids:
        raise PaymentError(_("Choose at least one activity or expense to claim for."))
    entries, expenses = _lock_unclaimed(user, project, entry_ids, expense_ids)
    choice = payment_choice_of(user)
    takes_fees = choice is None or choice.takes_fees
    book = RateBook()
    lines = [_entry_line(entry, book, takes_fees) for entry in entries]
    lines += [
        ClaimLine(
            expense=expense,
            date=expense.date,
            description=f"{expense.get_kind_display()}: {expense.description}"[:250],
            amount=expense.amount,
        )
        for expense in expenses
    ]
    fees = sum((line.amount for line in lines if line.entry is not None), Decimal("0.00"))
    spent = sum((line.amount for line in lines if line.expense is not None), Decimal("0.00"))
    claim = Claim.objects.create(
        user=user,
        project=project,
        submitted_by=actor,
        choice=choice.choice if choice else ChoiceKind.BANK,
        fees=fees,
        expenses_total=spent,
        total=fees + spent,
    )
    for line in lines:
        line.claim = claim
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(lines)
    except IntegrityError as error:
        raise PaymentError(
            _("Something you chose is already in another claim. Each can be claimed once.")
        ) from error
    on_behalf = actor.pk != user.pk
    AuditEvent.record(
        actor=actor,
        action="payments.claim_submitted",
        summary=(
            _("Made claim %(ref)s of £%(total)s on behalf of %(person)s")
            if on_behalf
            else _("Made claim %(ref)s of £%(total)s")
        )
        % {"ref": claim.reference, "total": claim.total, "person": user.full_name},
        project=project,
        subject=user,
        data={"claim": claim.pk, "on_behalf": on_behalf},
    )
    return claim


def _move(claim: Claim, *, expected: str, **changes: object) -> None:
    """Change the claim's state only if it is still `expected`; otherwise someone was first."""
    updated = Claim.objects.filter(pk=claim.pk, status=expected).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        raise PaymentError(
            _("Someone else has already dealt with this claim. Here is where it is now.")
        )
    claim.refresh_from_db()


@transaction.atomic
def claim_approve(*, claim: Claim, actor: User, base_url: str = "") -> Claim:
    if claim.user_id == actor.pk:
        raise PaymentError(_("You cannot approve your own claim. Someone else must approve it."))
    _move(
        claim,
        expected=ClaimStatus.SUBMITTED,
        status=ClaimStatus.APPROVED,
        approved_by=actor,
        approved_at=timezone.now(),
    )
    AuditEvent.record(
        actor=actor,
        action="payments.claim_approved",
        summary=_("Approved claim %(ref)s of £%(total)s by %(person)s")
        % {"ref": claim.reference, "total": claim.total, "person": claim.user.full_name},
        project=claim.project,
        subject=claim.user,
        data={"claim": claim.pk},
    )
    notify.claimant_tell(claim=claim, template="claim_approved", base_url=base_url)
    return claim


@transaction.atomic
def claim_query(*, claim: Claim, actor: User, question: str, base_url: str = "") -> Claim:
    """Send the claim back to the person with a question; they answer and it comes back."""
    if claim.user_id == actor.pk:
        raise PaymentError(_("You cannot send back your own claim."))
    _move(
        claim,
        expected=ClaimStatus.SUBMITTED,
        status=ClaimStatus.QUERIED,
        question=question,
        queried_by=actor,
        answer="",
    )
    AuditEvent.record(
        actor=actor,
        action="payments.claim_queried",
        summary=_("Sent claim %(ref)s back to %(person)s with a question")
        % {"ref": claim.reference, "person": claim.user.full_name},
        project=claim.project,
        subject=claim.user,
        data={"claim": claim.pk},
    )
    notify.claimant_tell(claim=claim, template="claim_queried", base_url=base_url)
    return claim


@transaction.atomic
def claim_answer(*, claim: Claim, actor: User, answer: str) -> Claim:
    _move(claim, expected=ClaimStatus.QUERIED, status=ClaimStatus.SUBMITTED, answer=answer)
    AuditEvent.record(
        actor=actor,
        action="payments.claim_answered",
        summary=_("Answered the question on claim %(ref)s") % {"ref": claim.reference},
        project=claim.project,
        subject=claim.user,
        data={"claim": claim.pk},
    )
    return claim


def claims_with_lines(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    return claims.select_related("user", "project", "submitted_by", "approved_by").prefetch_related(
        Prefetch("lines", queryset=ClaimLine.objects.order_by("date", "pk"))
    )


# ---------------------------------------------------------------------------------------------
# Payment runs


def claims_ready_for_a_run(start: datetime.date, end: datetime.date) -> QuerySet[Claim]:
    return Claim.objects.filter(
        status=ClaimStatus.APPROVED,
        run__isnull=True,
        approved_at__date__gte=start,
        approved_at__date__lte=end,
    )


@transaction.atomic
def payment_run_create(
    *, period_start: datetime.date, period_end: datetime.date, actor: User
) -> PaymentRun:
    """Put every approved claim of the period not yet in a run into a new run."""
    if period_end < period_start:
        raise PaymentError(_("The end of the period must be on or after its start."))
    run = PaymentRun.objects.create(
        period_start=period_start, period_end=period_end, created_by=actor
    )
    # Conditional on the claim being in no run, so a claim joins one run only.
    added = claims_ready_for_a_run(period_start, period_end).update(run=run)
    if not added:
        raise PaymentError(_("There are no approved claims in that period waiting to be paid."))
    run.total = Claim.objects.filter(run=run).aggregate(total=Sum("total"))["total"] or 0
    run.save(update_fields=["total"])
    AuditEvent.record(
        actor=actor,
        action="payments.run_created",
        summary=_("Made a payment run of %(n)s claims, £%(total)s, for %(start)s to %(end)s")
        % {
            "n": added,
            "total": run.total,
            "start": period_start.isoformat(),
            "end": period_end.isoformat(),
        },
        data={"run": run.pk},
    )
    return run


@transaction.atomic
def payment_run_mark_paid(*, run: PaymentRun, actor: User, base_url: str = "") -> PaymentRun:
    """Mark the run and every claim in it paid, once, however many press the button."""
    now = timezone.now()
    updated = PaymentRun.objects.filter(pk=run.pk, status=RunStatus.OPEN).update(
        status=RunStatus.PAID, paid_at=now, paid_by=actor
    )
    if not updated:
        raise PaymentError(_("This run is already marked paid."))
    paid = Claim.objects.filter(run=run, status=ClaimStatus.APPROVED).update(
        status=ClaimStatus.PAID, paid_at=now, version=F("version") + 1
    )
    run.refresh_from_db()
    AuditEvent.record(
        actor=actor,
        action="payments.run_paid",
        summary=_("Marked a payment run of %(n)s claims, £%(total)s, paid")
        % {"n": paid, "total": run.total},
        data={"run": run.pk},
    )
    # Queued in this transaction: if marking paid fails, nobody is told they were paid.
    notify.run_paid_tell_task.enqueue(run_id=run.pk, base_url=base_url)
    return run
