"""Demo payments for `manage.py demo`: rates, everyone's choices, and claims at each step.

- Rates since last year, and a new meeting rate from 30 days ago (claims before it keep the
  old one).
- Amira is paid into her bank account: her claim for "Planning the new website" is paid, in
  a payment run; "Crisis pages: first drafts" is still a proposal from the register.
- Colin chose not to be paid, but claims his bus fare (with a photo of the ticket); Grace
  made the claim for him, as he asked by phone. It waits for approval.
- Kwame takes vouchers; his claim is approved and waits for the next payment run.
- Deborah's claim for reading papers was sent back with a question.

Fatima (finance) pays people. Running it twice changes nothing.
"""

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from meetings.models import Meeting
from payments import services
from payments.models import (
    ActivityKind,
    ChoiceKind,
    Claim,
    ExpenseKind,
    Rate,
    RateUnit,
)
from projects.models import Project

# A one-pixel PNG stands in for the photo of Colin's bus ticket.
TICKET = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

RATES = [
    (ActivityKind.MEETING, RateUnit.HOUR, "25.00", -365),
    (ActivityKind.MEETING, RateUnit.HOUR, "27.50", -30),
    (ActivityKind.PREPARATION, RateUnit.HOUR, "20.00", -365),
    (ActivityKind.READING, RateUnit.HOUR, "20.00", -365),
    (ActivityKind.INTERVIEW_PANEL, RateUnit.HALF_DAY, "75.00", -365),
    (ActivityKind.PEER_RESEARCH, RateUnit.DAY, "140.00", -365),
    (ActivityKind.OTHER, RateUnit.HOUR, "20.00", -365),
]

CHOICES = {
    "amira@example.org": (
        ChoiceKind.BANK,
        {"account_name": "A Haddad", "sort_code": "30-94-57", "account_number": "10203040"},
    ),
    "colin@example.org": (ChoiceKind.NONE, {}),
    "kwame@example.org": (
        ChoiceKind.VOUCHERS,
        {"voucher_shop": "Supermarket", "voucher_send_to": "kwame@example.org"},
    ),
    "deborah@example.org": (
        ChoiceKind.BANK,
        {"account_name": "D Marsh", "sort_code": "40-11-62", "account_number": "55667788"},
    ),
}


def load(website: Project, coordinator: User) -> None:
    finance = User.objects.get(email="fatima@example.org")
    for activity, unit, amount, days in RATES:
        Rate.objects.get_or_create(
            activity=activity,
            effective_from=timezone.localdate() + datetime.timedelta(days=days),
            defaults={"unit": unit, "amount": Decimal(amount), "created_by": finance},
        )
    if Claim.objects.exists():
        return
    people = {user.email: user for user in User.objects.filter(email__in=CHOICES)}
    for email, (choice, details) in CHOICES.items():
        services.payment_choice_save(user=people[email], choice=choice, details=details)
    planning = Meeting.objects.filter(project=website, title="Planning the new website").first()
    if planning is None:
        return
    deborah = people["deborah@example.org"]
    _amiras_paid_claim(website, planning, people["amira@example.org"], deborah, finance)
    _colins_bus_fare(website, planning, people["colin@example.org"], coordinator)
    _kwames_approved_claim(website, planning, people["kwame@example.org"], deborah)
    _deborahs_queried_claim(website, deborah, coordinator)


def _meeting_entry(meeting: Meeting, user: User, actor: User) -> int:
    assert meeting.starts_at is not None
    entry = services.involvement_record(
        user=user,
        project=meeting.project,
        activity=ActivityKind.MEETING,
        date=timezone.localdate(meeting.starts_at),
        minutes=meeting.duration_minutes or 120,
        preparation_minutes=meeting.project.preparation_minutes,
        way="in_person",
        meeting=meeting,
        actor=actor,
    )
    return entry.pk


def _amiras_paid_claim(
    website: Project, planning: Meeting, amira: User, deborah: User, finance: User
) -> None:
    claim = services.claim_submit(
        user=amira,
        project=website,
        entry_ids=[_meeting_entry(planning, amira, amira)],
        expense_ids=[],
        actor=amira,
    )
    services.claim_approve(claim=claim, actor=deborah)
    today = timezone.localdate()
    run = services.payment_run_create(
        period_start=today.replace(day=1), period_end=today, actor=finance
    )
    services.payment_run_mark_paid(run=run, actor=finance)


def _colins_bus_fare(website: Project, planning: Meeting, colin: User, grace: User) -> None:
    assert planning.starts_at is not None
    fare = services.expense_record(
        user=colin,
        project=website,
        kind=ExpenseKind.TRAVEL,
        date=timezone.localdate(planning.starts_at),
        description="Bus 12 to the community centre and back",
        amount=Decimal("4.60"),
        receipt=ContentFile(TICKET, name="ticket.png"),  # type: ignore[arg-type]
        receipt_type="image/png",
        actor=grace,
    )
    services.claim_submit(
        user=colin,
        project=website,
        entry_ids=[_meeting_entry(planning, colin, grace)],
        expense_ids=[fare.pk],
        actor=grace,
    )


def _kwames_approved_claim(website: Project, planning: Meeting, kwame: User, deborah: User) -> None:
    claim = services.claim_submit(
        user=kwame,
        project=website,
        entry_ids=[_meeting_entry(planning, kwame, kwame)],
        expense_ids=[],
        actor=kwame,
    )
    services.claim_approve(claim=claim, actor=deborah)


def _deborahs_queried_claim(website: Project, deborah: User, grace: User) -> None:
    entry = services.involvement_record(
        user=deborah,
        project=website,
        activity=ActivityKind.READING,
        date=timezone.localdate() - datetime.timedelta(days=5),
        minutes=90,
        description="Read and commented on the draft crisis pages",
        actor=deborah,
    )
    claim = services.claim_submit(
        user=deborah, project=website, entry_ids=[entry.pk], expense_ids=[], actor=deborah
    )
    services.claim_query(
        claim=claim,
        actor=grace,
        question="Which drafts did you read? We sent two versions round.",
    )
