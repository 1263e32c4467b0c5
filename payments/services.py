"""Changes to payments: recording involvement and expenses, claims from submission to
payment, and payment runs. Each is one transaction, and each that matters is audited.

Two people acting on the same claim at the same moment cannot both succeed: every step is a
conditional update from the state the claim is expected to be in, so a claim is approved
once and paid once.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Prefetch, Q, QuerySet, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import save_if_unchanged
from meetings.models import Invitee, Meeting
from payments import notify, receipt_files
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
# Pages sent twice


class AlreadyMade(PaymentError):
    """The page was sent before, and that send made what this one would have made."""


def refuse_made_already[M: Model](
    made: QuerySet[M], submission_key: str, said: Callable[[M], str]
) -> None:
    """AlreadyMade, saying `said` of it, if `made` (the sender's own rows) has one made from
    the page with this key."""
    first = made.filter(submission_key=submission_key).first() if submission_key else None
    if first is not None:
        raise AlreadyMade(said(first))


def make_once_per_page[M: Model](
    made: QuerySet[M], submission_key: str, said: Callable[[M], str], make: Callable[[], M]
) -> M:
    """`make()` the row, once for the page with this key, however often the page is sent.

    Its table holds each key once (a constraint), so when both sends run at the same moment
    the second one's insert fails and it is refused as if it came later.
    """
    refuse_made_already(made, submission_key, said)
    try:
        with transaction.atomic():
            return make()
    except IntegrityError:
        refuse_made_already(made, submission_key, said)
        if (
            submission_key
            and made.model._default_manager.filter(submission_key=submission_key).exists()
        ):
            # Someone else's row has this key: say no more about it than that.
            raise AlreadyMade(
                _("This page was sent before. Open the page again to add something new.")
            ) from None
        raise


def _day(date: datetime.date) -> str:
    return str(formats.date_format(date, "j F Y"))


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
            # How the register says they took part; else how they said they would.
            way=invitee.attended_way or invitee.way,
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
    submission_key: str = "",
) -> InvolvementEntry:
    """Add an entry to the person's log: a meeting from the register, or another activity.

    `submission_key` is the page's one-time key, when it has one: the page sent twice adds
    one entry (`AlreadyMade`)."""
    _check_date(date)
    if meeting is not None and meeting.project_id != project.pk:
        raise PaymentError(_("That meeting belongs to another group."))
    try:
        entry = make_once_per_page(
            InvolvementEntry.objects.filter(user=user).select_related("meeting"),
            submission_key,
            _entry_made_already,
            lambda: InvolvementEntry.objects.create(
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
                submission_key=submission_key or None,
            ),
        )
    except IntegrityError as error:
        raise PaymentError(_("This meeting is already in the log.")) from error
    AuditEvent.record(
        actor=actor,
        action="payments.involvement_recorded",
        summary=_("Logged involvement for %(person)s: %(what)s on %(date)s")
        % {"person": user.full_name, "what": entry.neutral_title, "date": date.isoformat()},
        project=project,
        subject=user,
        data={"entry": entry.pk},
    )
    return entry


def _entry_made_already(entry: InvolvementEntry) -> str:
    return _(
        "You have already logged this: it is in your involvement log as “%(what)s” on "
        "%(date)s. This page was sent twice, so nothing more was added. If something in it "
        "is wrong, change it in your log."
    ) % {"what": entry.title, "date": _day(entry.date)}


def _expense_made_already(expense: Expense) -> str:
    return _(
        "You have already added this expense: it is in your list as “%(what)s”, "
        "£%(amount)s on %(date)s. This page was sent twice, so nothing more was added. If "
        "something in it is wrong, change it in your list."
    ) % {"what": expense.description, "amount": expense.amount, "date": _day(expense.date)}


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
    submission_key: str = "",
) -> Expense:
    """Add an expense to the person's list. `submission_key` is the page's one-time key, when
    it has one: the page sent twice adds one expense (`AlreadyMade`)."""
    _check_date(date)
    mine = Expense.objects.filter(user=user)
    refuse_made_already(mine, submission_key, _expense_made_already)
    expense = Expense(
        user=user,
        project=project,
        kind=kind,
        date=date,
        description=description,
        amount=amount,
        recorded_by=actor,
        receipt_type=receipt_type if receipt is not None else "",
        submission_key=submission_key or None,
    )
    if receipt is not None:
        # Saved through the storage API, under a random name that says nothing about the
        # person, ending as its content (checked by the form) says, never as its name says.
        ending = receipt_files.extension_for(receipt_type)
        expense.receipt.save(f"{uuid.uuid4().hex}{ending}", receipt, save=False)

    def make() -> Expense:
        expense.save()
        return expense

    try:
        make_once_per_page(mine, submission_key, _expense_made_already, make)
    except (PaymentError, IntegrityError):
        # Not saved (say, the same page sent at the same moment saved first): nor its file.
        if expense.receipt:
            expense.receipt.delete(save=False)
        raise
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


def _expense_line_description(expense: Expense) -> str:
    return f"{expense.get_kind_display()}: {expense.description}"[:250]


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
    submission_key: str = "",
) -> Claim:
    """Make a claim from the person's unclaimed entries and expenses in one group.

    Each activity is priced at the rate in force on its own date, and the line keeps the
    amount and how it was worked out, so a later change of rate changes nothing here.
    `submission_key` is the page's one-time key, when it has one: a claim is made once
    from one page, however often it is sent (`AlreadyMade`).
    """
    if not entry_ids and not expense_ids:
        raise PaymentError(_("Choose at least one activity or expense to claim for."))
    claim_refuse_made_already(submission_key)
    entries, expenses = _lock_unclaimed(user, project, entry_ids, expense_ids)
    choice = payment_choice_of(user)
    takes_fees = choice is None or choice.takes_fees
    book = RateBook()
    lines = [_entry_line(entry, book, takes_fees) for entry in entries]
    lines += [
        ClaimLine(
            expense=expense,
            date=expense.date,
            description=_expense_line_description(expense),
            amount=expense.amount,
        )
        for expense in expenses
    ]
    fees = sum((line.amount for line in lines if line.entry is not None), Decimal("0.00"))
    spent = sum((line.amount for line in lines if line.expense is not None), Decimal("0.00"))
    claim = make_once_per_page(
        Claim.objects.select_related("user"),
        submission_key,
        _claim_made_already,
        lambda: Claim.objects.create(
            user=user,
            project=project,
            submitted_by=actor,
            choice=choice.choice if choice else ChoiceKind.BANK,
            fees=fees,
            expenses_total=spent,
            total=fees + spent,
            submission_key=submission_key,
        ),
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


def _claim_made_already(claim: Claim) -> str:
    return _(
        "This claim is already made, as claim %(ref)s for %(person)s: the page was "
        "sent twice. Nothing more was added."
    ) % {"ref": claim.reference, "person": claim.user.full_name}


def claim_refuse_made_already(submission_key: str) -> None:
    """AlreadyMade if a claim was made from the page with this key."""
    refuse_made_already(Claim.objects.select_related("user"), submission_key, _claim_made_already)


class ClaimGone(PaymentError):
    """The claim was withdrawn (or emptied) after the person acting on it opened it."""


class ClaimChanged(PaymentError):
    """The claim is where it was, but changed after the person acting on it opened it."""


# What a page shows of a claim, each part with the words that name it when it changes.
CLAIM_PARTS = {
    "status": gettext_lazy("where the claim is"),
    "lines": gettext_lazy("what it claims for"),
    "total": gettext_lazy("the total"),
    "question": gettext_lazy("the question"),
    "answer": gettext_lazy("the answer"),
}


def _claim_parts(claim: Claim) -> dict[str, str]:
    lines = list(
        ClaimLine.objects.filter(claim=claim)
        .order_by("pk")
        .values_list("pk", "date", "description", "amount")
    )
    values = {
        "status": claim.status,
        "lines": repr(lines),
        "total": str(claim.total),
        "question": claim.question,
        "answer": claim.answer,
    }
    return {name: hashlib.sha256(value.encode()).hexdigest()[:8] for name, value in values.items()}


def claim_seen(claim: Claim) -> str:
    """A short note of the claim as a page shows it, for the page to carry and send back."""
    return " ".join(f"{name}:{digest}" for name, digest in _claim_parts(claim).items())


def claim_changes(claim: Claim, seen: str) -> list[str]:
    """What is different in the claim now from the page that carried `seen`, in words."""
    before = dict(part.split(":", 1) for part in seen.split() if ":" in part)
    return [
        str(CLAIM_PARTS[name])
        for name, digest in _claim_parts(claim).items()
        if before.get(name) != digest
    ]


def _move(
    claim: Claim, *, expected: str, expected_version: int | None = None, **changes: object
) -> None:
    """Change the claim's state only if it is still `expected` and still the version the
    person saw (by default the one in hand); otherwise someone was first, or it changed."""
    seen = claim.version if expected_version is None else expected_version
    updated = Claim.objects.filter(pk=claim.pk, status=expected, version=seen).update(
        version=F("version") + 1, **changes
    )
    if not updated:
        raise _why_not_moved(claim, expected=expected)
    claim.refresh_from_db()


def _why_not_moved(claim: Claim, *, expected: str) -> PaymentError:
    now = Claim.objects.filter(pk=claim.pk).values_list("status", flat=True).first()
    if now is None:
        return ClaimGone(
            _("This claim was withdrawn after you opened it, so there is nothing to do.")
        )
    if now != expected:
        return PaymentError(
            _("Someone else has already dealt with this claim. Here is where it is now.")
        )
    return ClaimChanged(
        _(
            "This claim was changed after you opened it, so nothing was done. Check what is "
            "in it now, then try again."
        )
    )


@transaction.atomic
def claim_approve(
    *, claim: Claim, actor: User, expected_version: int | None = None, base_url: str = ""
) -> Claim:
    """Approve the claim as the approver saw it: `expected_version` is the version on their
    page, so a claim changed or withdrawn since is refused, and nothing changes."""
    if claim.user_id == actor.pk:
        raise PaymentError(_("You cannot approve your own claim. Someone else must approve it."))
    if claim.submitted_by_id == actor.pk:
        raise PaymentError(
            _("You made this claim on their behalf, so someone else must approve it.")
        )
    _move(
        claim,
        expected=ClaimStatus.SUBMITTED,
        expected_version=expected_version,
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
        data={"claim": claim.pk, "version": claim.version - 1},
    )
    notify.claimant_tell(claim=claim, template="claim_approved", base_url=base_url)
    return claim


@transaction.atomic
def claim_query(
    *,
    claim: Claim,
    actor: User,
    question: str,
    expected_version: int | None = None,
    base_url: str = "",
) -> Claim:
    """Send the claim back to the person with a question; they answer and it comes back.
    Like approval, it acts on the version the approver saw."""
    if claim.user_id == actor.pk:
        raise PaymentError(_("You cannot send back your own claim."))
    if claim.submitted_by_id == actor.pk:
        raise PaymentError(_("You made this claim on their behalf, so someone else must check it."))
    _move(
        claim,
        expected=ClaimStatus.SUBMITTED,
        expected_version=expected_version,
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
def claim_answer(
    *, claim: Claim, actor: User, answer: str, expected_version: int | None = None
) -> Claim:
    """Answer the question the person read: `expected_version` is the version on their page,
    so an answer to a question since asked again, or to a claim changed since, is refused."""
    _move(
        claim,
        expected=ClaimStatus.QUERIED,
        expected_version=expected_version,
        status=ClaimStatus.SUBMITTED,
        answer=answer,
    )
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
# Changing one's mind before a claim is approved

OPEN_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.QUERIED)


def claim_open_of(item: InvolvementEntry | Expense) -> Claim | None:
    """The claim the item is in, or None; raises if that claim is approved or paid."""
    line = ClaimLine.objects.filter(
        **{"entry" if isinstance(item, InvolvementEntry) else "expense": item}
    ).first()
    if line is None:
        return None
    # Locked, so an approver pressing "Approve" now waits for this change, or wins first.
    claim = Claim.objects.select_for_update().filter(pk=line.claim_id).first()
    if claim is None or claim.status not in OPEN_STATUSES:
        raise PaymentError(
            _("This is in a claim that is already approved, so it can no longer be changed.")
        )
    return claim


def _claim_rework(claim: Claim, actor: User) -> bool:
    """Add the claim up again from its lines; a claim left with none is withdrawn.

    Returns whether the claim still stands.
    """
    lines = list(ClaimLine.objects.filter(claim=claim))
    if not lines:
        AuditEvent.record(
            actor=actor,
            action="payments.claim_withdrawn",
            summary=_("Withdrew claim %(ref)s: nothing was left in it") % {"ref": claim.reference},
            project=claim.project,
            subject=claim.user,
            data={"claim": claim.pk},
        )
        claim.delete()
        return False
    fees = sum((line.amount for line in lines if line.entry_id is not None), Decimal("0.00"))
    spent = sum((line.amount for line in lines if line.expense_id is not None), Decimal("0.00"))
    Claim.objects.filter(pk=claim.pk).update(
        fees=fees, expenses_total=spent, total=fees + spent, version=F("version") + 1
    )
    return True


def editable(item: InvolvementEntry | Expense) -> bool:
    """Whether its owner may still change or remove it: in no claim, or an open one."""
    line = getattr(item, "claim_line", None)
    return line is None or line.claim.status in OPEN_STATUSES


@transaction.atomic
def claim_withdraw(*, claim: Claim, actor: User) -> None:
    """Take back a claim not yet approved: what it claimed for is unclaimed again."""
    locked = Claim.objects.select_for_update().filter(pk=claim.pk, status__in=OPEN_STATUSES).first()
    if locked is None:
        raise PaymentError(_("This claim is already approved, so it can no longer be withdrawn."))
    AuditEvent.record(
        actor=actor,
        action="payments.claim_withdrawn",
        summary=_("Withdrew claim %(ref)s of £%(total)s")
        % {"ref": locked.reference, "total": locked.total},
        project=claim.project,
        subject=claim.user,
        data={"claim": claim.pk},
    )
    ClaimLine.objects.filter(claim=locked).delete()
    locked.delete()


@transaction.atomic
def involvement_update(
    *, entry: InvolvementEntry, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields (StaleEdit if someone saved first), and rework its claim."""
    if not changed:
        return
    claim = claim_open_of(entry)
    _check_date(entry.date)
    save_if_unchanged(entry, expected_version=expected_version, fields=changed)
    if claim is not None:
        line = _entry_line(entry, RateBook(), claim.choice != ChoiceKind.NONE)
        ClaimLine.objects.filter(entry=entry).update(
            date=line.date,
            description=line.description,
            worked_out=line.worked_out,
            amount=line.amount,
        )
        _claim_rework(claim, actor)
    AuditEvent.record(
        actor=actor,
        action="payments.involvement_changed",
        summary=_("Changed the involvement of %(person)s on %(date)s: %(what)s")
        % {
            "person": entry.user.full_name,
            "date": entry.date.isoformat(),
            "what": entry.neutral_title,
        },
        project=entry.project,
        subject=entry.user,
        data={"entry": entry.pk, "changed": changed, "claim": claim.pk if claim else None},
    )


def _own_item_remove(item: InvolvementEntry | Expense, *, actor: User, summary: str) -> None:
    """Delete the entry or expense, take it out of its open claim and add the claim up again."""
    noun = "entry" if isinstance(item, InvolvementEntry) else "expense"
    claim = claim_open_of(item)
    AuditEvent.record(
        actor=actor,
        action=f"payments.{'involvement' if noun == 'entry' else noun}_removed",
        summary=summary,
        project=item.project,
        subject=item.user,
        data={noun: item.pk, "claim": claim.pk if claim else None},
    )
    ClaimLine.objects.filter(**{noun: item}).delete()
    item.delete()
    if claim is not None:
        _claim_rework(claim, actor)


@transaction.atomic
def involvement_remove(*, entry: InvolvementEntry, actor: User) -> None:
    _own_item_remove(
        entry,
        actor=actor,
        summary=_("Removed the involvement of %(person)s on %(date)s: %(what)s")
        % {
            "person": entry.user.full_name,
            "date": entry.date.isoformat(),
            "what": entry.neutral_title,
        },
    )


@transaction.atomic
def expense_update(
    *, expense: Expense, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields (StaleEdit if someone saved first), and rework its claim."""
    if not changed:
        return
    claim = claim_open_of(expense)
    _check_date(expense.date)
    save_if_unchanged(expense, expected_version=expected_version, fields=changed)
    if claim is not None:
        ClaimLine.objects.filter(expense=expense).update(
            date=expense.date,
            description=_expense_line_description(expense),
            amount=expense.amount,
        )
        _claim_rework(claim, actor)
    AuditEvent.record(
        actor=actor,
        action="payments.expense_changed",
        summary=_("Changed an expense of %(person)s, now £%(amount)s")
        % {"person": expense.user.full_name, "amount": expense.amount},
        project=expense.project,
        subject=expense.user,
        data={"expense": expense.pk, "changed": changed, "claim": claim.pk if claim else None},
    )


def receipt_delete_after_commit(storage: Storage, name: str) -> None:
    """Delete a stored file once the change that dropped it is saved, never before."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def expense_remove(*, expense: Expense, actor: User) -> None:
    receipt_delete_after_commit(expense.receipt.storage, expense.receipt.name or "")
    _own_item_remove(
        expense,
        actor=actor,
        summary=_("Removed an expense of £%(amount)s of %(person)s")
        % {"amount": expense.amount, "person": expense.user.full_name},
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


# ---------------------------------------------------------------------------------------------
# How long payment records are kept

# HMRC expects records of payments to be kept for six years from the end of the tax year
# they were made in (the README says so too). A tax year ends on 5 April.
RETENTION_YEARS = 6
TAX_YEAR_LAST_DAY = (4, 5)


def retention_cutoff(today: datetime.date) -> datetime.date:
    """The last day whose payment records may now be deleted: the end of the latest tax
    year that ended more than six years ago."""
    month, day = TAX_YEAR_LAST_DAY
    ended_this_year = today > datetime.date(today.year, month, day)
    return datetime.date(today.year - RETENTION_YEARS - (0 if ended_this_year else 1), month, day)


@dataclass(frozen=True)
class Expired:
    cutoff: datetime.date
    claims: int
    entries: int
    expenses: int
    runs: int


@transaction.atomic
def payment_records_expire(*, today: datetime.date | None = None, dry_run: bool = False) -> Expired:
    """Delete paid claims (with their lines, activities, expenses and receipt files) and paid
    runs once the tax year they were paid in ended more than six years ago, and activities
    and expenses never claimed from as long ago.

    Claims not yet paid stay, whatever their age: they are still owed or still being
    looked at. Running it again deletes nothing more.
    """
    cutoff = retention_cutoff(today or timezone.localdate())
    claims = Claim.objects.filter(status=ClaimStatus.PAID, paid_at__date__lte=cutoff)
    lines = ClaimLine.objects.filter(claim__in=claims)
    entries = InvolvementEntry.objects.filter(
        Q(pk__in=lines.exclude(entry=None).values("entry_id"))
        | Q(claim_line__isnull=True, date__lte=cutoff)
    )
    expenses = Expense.objects.filter(
        Q(pk__in=lines.exclude(expense=None).values("expense_id"))
        | Q(claim_line__isnull=True, date__lte=cutoff)
    )
    runs = PaymentRun.objects.filter(status=RunStatus.PAID, paid_at__date__lte=cutoff).exclude(
        claims__in=Claim.objects.exclude(pk__in=claims.values("pk"))
    )
    entry_ids = list(entries.values_list("pk", flat=True))
    expense_ids = list(expenses.values_list("pk", flat=True))
    claim_ids = list(claims.values_list("pk", flat=True))
    run_ids = list(runs.values_list("pk", flat=True))
    expired = Expired(
        cutoff=cutoff,
        claims=len(claim_ids),
        entries=len(entry_ids),
        expenses=len(expense_ids),
        runs=len(run_ids),
    )
    if dry_run or not (claim_ids or entry_ids or expense_ids or run_ids):
        return expired
    storage = Expense._meta.get_field("receipt").storage
    for name in (
        Expense.objects.filter(pk__in=expense_ids)
        .exclude(receipt="")
        .values_list("receipt", flat=True)
    ):
        receipt_delete_after_commit(storage, name)
    ClaimLine.objects.filter(claim_id__in=claim_ids).delete()
    Claim.objects.filter(pk__in=claim_ids).delete()
    InvolvementEntry.objects.filter(pk__in=entry_ids).delete()
    Expense.objects.filter(pk__in=expense_ids).delete()
    PaymentRun.objects.filter(pk__in=run_ids).delete()
    AuditEvent.record(
        actor=None,
        action="payments.records_expired",
        summary=_(
            "Deleted payment records from before %(cutoff)s, kept six years from the end of "
            "their tax year: %(claims)s claims, %(runs)s payment runs, %(entries)s activities "
            "and %(expenses)s expenses"
        )
        % {
            "cutoff": cutoff.isoformat(),
            "claims": expired.claims,
            "runs": expired.runs,
            "entries": expired.entries,
            "expenses": expired.expenses,
        },
        data={"cutoff": cutoff.isoformat(), "claims": claim_ids, "runs": run_ids},
    )
    return expired
