"""What payments tests share: rates, a meeting Amira came to, and her entries and expenses."""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from conftest import Cast
from meetings.models import AttendanceWay, Invitee, Meeting, MeetingFormat, MeetingStatus
from payments import services
from payments.models import (
    ActivityKind,
    ChoiceKind,
    Claim,
    Expense,
    ExpenseKind,
    InvolvementEntry,
    Rate,
    RateUnit,
)
from projects.models import Project

LONG_AGO = datetime.date(2020, 1, 1)
AMIRAS_ACCOUNT = "12345678"


def set_rates(
    meeting: str = "25.00", preparation: str = "20.00", since: datetime.date = LONG_AGO
) -> None:
    """Hourly rates for meetings, preparation and reading papers (at the preparation rate)."""
    for activity, amount in [
        (ActivityKind.MEETING, meeting),
        (ActivityKind.PREPARATION, preparation),
        (ActivityKind.READING, preparation),
    ]:
        Rate.objects.create(
            activity=activity, unit=RateUnit.HOUR, amount=Decimal(amount), effective_from=since
        )


def held_meeting(
    project: Project,
    *,
    days_ago: int = 3,
    minutes: int = 120,
    title: str = "Testing the crisis pages",
) -> Meeting:
    starts = timezone.now().replace(
        hour=10, minute=0, second=0, microsecond=0
    ) - datetime.timedelta(days=days_ago)
    return Meeting.objects.create(
        project=project,
        title=title,
        format=MeetingFormat.IN_PERSON,
        status=MeetingStatus.CLOSED,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=minutes),
        closed_at=starts + datetime.timedelta(minutes=minutes),
        cooling_off_ends_at=starts + datetime.timedelta(days=2),
    )


def attended(meeting: Meeting, user: User, way: str = AttendanceWay.IN_PERSON) -> Invitee:
    return Invitee.objects.create(
        meeting=meeting,
        user=user,
        member_type="lived_experience",
        reply="coming",
        way=way,
        attended=True,
    )


def an_entry(
    cast: Cast, user: User | None = None, *, date: datetime.date | None = None, minutes: int = 90
) -> InvolvementEntry:
    person = user or cast.member
    return services.involvement_record(
        user=person,
        project=cast.website,
        activity=ActivityKind.READING,
        date=date or timezone.localdate() - datetime.timedelta(days=2),
        minutes=minutes,
        description="Read the draft crisis pages",
        actor=person,
    )


def an_expense(cast: Cast, user: User | None = None, amount: str = "4.60") -> Expense:
    person = user or cast.member
    return services.expense_record(
        user=person,
        project=cast.website,
        kind=ExpenseKind.TRAVEL,
        date=timezone.localdate() - datetime.timedelta(days=2),
        description="Bus to the town hall and back",
        amount=Decimal(amount),
        actor=person,
    )


def a_claim(cast: Cast, user: User | None = None) -> Claim:
    person = user or cast.member
    entry = an_entry(cast, person)
    expense = an_expense(cast, person)
    return services.claim_submit(
        user=person,
        project=cast.website,
        entry_ids=[entry.pk],
        expense_ids=[expense.pk],
        actor=person,
    )


def colins_claim_made_by_grace(cast: Cast) -> Claim:
    """A claim made on someone's behalf: Grace, who coordinates, claims Colin's reading."""
    return services.claim_submit(
        user=cast.carer,
        project=cast.website,
        entry_ids=[an_entry(cast, cast.carer).pk],
        expense_ids=[],
        actor=cast.coordinator,
    )


def amira_is_paid_by_bank(cast: Cast) -> None:
    services.payment_choice_save(
        user=cast.member,
        choice=ChoiceKind.BANK,
        details={
            "account_name": "A Haddad",
            "sort_code": "30-94-57",
            "account_number": AMIRAS_ACCOUNT,
        },
    )
