"""Money is exact: rates in force on each activity's date, pence rounded halves up, and a
claim that keeps its amounts when a rate changes later."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from conftest import Cast
from payments import services
from payments.models import ActivityKind, ChoiceKind, Rate, RateUnit
from payments.tests.helpers import an_entry, an_expense, set_rates


def rate(unit: str, amount: str) -> Rate:
    return Rate(activity=ActivityKind.MEETING, unit=unit, amount=Decimal(amount))


@pytest.mark.parametrize(
    ("unit", "amount", "minutes", "expected"),
    [
        (RateUnit.HOUR, "25.00", 60, "25.00"),
        (RateUnit.HOUR, "25.00", 95, "39.58"),  # 39.5833...
        (RateUnit.HOUR, "13.50", 10, "2.25"),
        (RateUnit.HOUR, "10.01", 30, "5.01"),  # 5.005 rounds half up
        (RateUnit.HALF_DAY, "75.00", 150, "75.00"),
        (RateUnit.HALF_DAY, "75.00", 241, "150.00"),
        (RateUnit.DAY, "140.00", 480, "140.00"),
        (RateUnit.DAY, "140.00", 481, "280.00"),
        (RateUnit.ACTIVITY, "30.00", 600, "30.00"),
        (RateUnit.HOUR, "25.00", 0, "0.00"),
    ],
)
def test_it_works_out_pay_to_the_penny(unit: str, amount: str, minutes: int, expected: str) -> None:
    paid = rate(unit, amount).pay_for(minutes)
    assert paid == Decimal(expected)
    assert isinstance(paid, Decimal)
    assert str(paid) == expected


@time_machine.travel(datetime.datetime(2026, 6, 15, 12, tzinfo=datetime.UTC), tick=False)
def test_it_prices_each_activity_at_the_rate_in_force_on_its_date_and_never_changes_it(
    cast: Cast,
) -> None:
    amira = cast.member
    Rate.objects.create(
        activity=ActivityKind.READING,
        unit=RateUnit.HOUR,
        amount=Decimal("25.00"),
        effective_from=datetime.date(2026, 1, 1),
    )
    Rate.objects.create(
        activity=ActivityKind.READING,
        unit=RateUnit.HOUR,
        amount=Decimal("27.35"),
        effective_from=datetime.date(2026, 6, 1),
    )
    before = an_entry(cast, date=datetime.date(2026, 5, 31), minutes=95)  # 39.5833 -> 39.58
    after = an_entry(cast, date=datetime.date(2026, 6, 1), minutes=95)  # 43.3041 -> 43.30
    expense = an_expense(cast, amount="0.10")
    claim = services.claim_submit(
        user=amira,
        project=cast.website,
        entry_ids=[before.pk, after.pk],
        expense_ids=[expense.pk],
        actor=amira,
    )
    assert [line.amount for line in claim.lines.all()] == [
        Decimal("39.58"),
        Decimal("43.30"),
        Decimal("0.10"),
    ]
    assert claim.fees == Decimal("82.88")
    assert claim.total == Decimal("82.98")
    assert "£27.35 per hour" in claim.lines.get(entry=after).worked_out

    # A rate changed later, even one back-dated, changes nothing already claimed.
    Rate.objects.filter(activity=ActivityKind.READING).update(amount=Decimal("99.99"))
    claim.refresh_from_db()
    assert claim.total == Decimal("82.98")
    assert sum(line.amount for line in claim.lines.all()) == Decimal("82.98")


def test_it_repays_expenses_to_someone_who_declined_payment(cast: Cast) -> None:
    set_rates()
    services.payment_choice_save(user=cast.member, choice=ChoiceKind.NONE, details={})
    entry = an_entry(cast)
    expense = an_expense(cast, amount="4.60")
    claim = services.claim_submit(
        user=cast.member,
        project=cast.website,
        entry_ids=[entry.pk],
        expense_ids=[expense.pk],
        actor=cast.member,
    )
    assert claim.choice == ChoiceKind.NONE
    assert claim.fees == Decimal("0.00")
    assert claim.expenses_total == Decimal("4.60")
    assert claim.total == Decimal("4.60")


def test_it_refuses_a_claim_when_no_rate_was_in_force(cast: Cast) -> None:
    entry = an_entry(cast)
    with pytest.raises(services.PaymentError, match="no rate"):
        services.claim_submit(
            user=cast.member,
            project=cast.website,
            entry_ids=[entry.pk],
            expense_ids=[],
            actor=cast.member,
        )


def test_it_keeps_negative_and_absurd_amounts_out_of_the_database(cast: Cast) -> None:
    for amount in ("-1.00", "0.00", "1000.01"):
        with pytest.raises(IntegrityError), transaction.atomic():
            an_expense(cast, amount=amount)


def test_it_refuses_future_dates(cast: Cast) -> None:
    with pytest.raises(services.PaymentError, match="future"):
        an_entry(cast, date=timezone.localdate() + datetime.timedelta(days=1))
