"""Erasing a member who was paid: the money stays on the organisation's books under
"Former member", and nothing else of theirs does."""

import datetime
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from payments import services as payments
from payments.models import (
    ActivityKind,
    ChoiceKind,
    Claim,
    ClaimStatus,
    ExpenseKind,
    PaymentChoice,
    PaymentRun,
    Rate,
    RateUnit,
)
from privacy import services

# What was Amira's: her name, address, bank details and what she wrote in her own words.
HERS = [
    "Amira",
    "Haddad",
    "amira@example.org",
    "12345678",
    "30-94-57",
    "A Haddad",
    "14 Mill Lane",
    "my neighbour",
    "took the 12",
]


def amira_paid_and_claiming(cast: Cast) -> tuple[Claim, Claim]:
    """A paid claim (with a taxi receipt) in a paid run, and a claim sent back and answered."""
    Rate.objects.create(
        activity=ActivityKind.READING,
        unit=RateUnit.HOUR,
        amount=Decimal("20.00"),
        effective_from=datetime.date(2020, 1, 1),
    )
    amira = cast.member
    payments.payment_choice_save(
        user=amira,
        choice=ChoiceKind.BANK,
        details={"account_name": "A Haddad", "sort_code": "30-94-57", "account_number": "12345678"},
    )
    day = timezone.localdate() - datetime.timedelta(days=2)
    entry = payments.involvement_record(
        user=amira,
        project=cast.website,
        activity=ActivityKind.READING,
        date=day,
        minutes=90,
        description="Read the papers at my neighbour's house",
        actor=amira,
    )
    taxi = payments.expense_record(
        user=amira,
        project=cast.website,
        kind=ExpenseKind.TRAVEL,
        date=day,
        description="Taxi from 14 Mill Lane",
        amount=Decimal("18.40"),
        actor=amira,
        receipt=SimpleUploadedFile("taxi.pdf", b"%PDF-1.4 Amira Haddad, 14 Mill Lane"),
        receipt_type="application/pdf",
    )
    paid = payments.claim_submit(
        user=amira,
        project=cast.website,
        entry_ids=[entry.pk],
        expense_ids=[taxi.pk],
        actor=amira,
    )
    payments.claim_approve(claim=paid, actor=cast.chair)
    run = payments.payment_run_create(
        period_start=day, period_end=timezone.localdate(), actor=cast.finance
    )
    payments.payment_details_viewed(
        viewer=cast.finance, people=[amira], purpose="To make a payment"
    )
    payments.payment_run_mark_paid(run=run, actor=cast.finance)

    bus = payments.expense_record(
        user=amira,
        project=cast.website,
        kind=ExpenseKind.TRAVEL,
        date=day,
        description="Bus",
        amount=Decimal("4.60"),
        actor=amira,
    )
    queried = payments.claim_submit(
        user=amira, project=cast.website, entry_ids=[], expense_ids=[bus.pk], actor=amira
    )
    payments.claim_query(claim=queried, actor=cast.chair, question="Which bus, Amira?")
    payments.claim_answer(claim=queried, actor=amira, answer="I took the 12 from Mill Lane.")
    paid.refresh_from_db()
    queried.refresh_from_db()
    return paid, queried


def everything_stored() -> str:
    """Every payments row and every audit entry, as text, to search for what was hers."""
    rows = [
        serializers.serialize("json", model._default_manager.all())
        for model in apps.get_app_config("payments").get_models()
    ]
    rows.append(serializers.serialize("json", AuditEvent.objects.all()))
    rows.append(serializers.serialize("json", User.objects.all()))
    return "\n".join(rows)


def test_it_keeps_amiras_payments_under_former_member_and_nothing_else_of_hers(
    cast: Cast, settings: Settings, tmp_path: Path, django_capture_on_commit_callbacks: object
) -> None:
    settings.MEDIA_ROOT = tmp_path
    paid, queried = amira_paid_and_claiming(cast)
    assert any(tmp_path.rglob("*.pdf"))
    assert all(text in everything_stored() for text in ("Amira Haddad", "12345678", "Mill Lane"))

    request = services.erasure_request_create(user=cast.member, reason="I have moved away")
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.erasure_request_complete(request=request, actor=cast.administrator)

    # The organisation's record of the money: amounts, dates, status and the run.
    paid_after = Claim.objects.get(pk=paid.pk)
    assert paid_after.user.full_name == "Former member"
    assert (paid_after.fees, paid_after.expenses_total, paid_after.total) == (
        paid.fees,
        Decimal("18.40"),
        paid.total,
    )
    assert (paid_after.status, paid_after.paid_at, paid_after.submitted_at) == (
        ClaimStatus.PAID,
        paid.paid_at,
        paid.submitted_at,
    )
    assert paid_after.run is not None
    assert paid_after.run_id == paid.run_id
    assert PaymentRun.objects.get(pk=paid_after.run.pk).total == paid.total
    assert [line.amount for line in paid_after.lines.all()] == [
        line.amount for line in paid.lines.all()
    ]
    assert paid_after.approved_by == cast.chair
    assert Claim.objects.get(pk=queried.pk).total == Decimal("4.60")

    # Nothing else of hers: no name, address, bank details, own words or receipt files.
    assert not PaymentChoice.objects.filter(user=cast.member).exists()
    stored = everything_stored()
    for text in HERS:
        assert text not in stored, text
    assert not any(path.is_file() for path in tmp_path.rglob("*"))

    # Finance's export of the run says "Former member" and holds no bank details.
    export = client_for(cast.finance).post(
        reverse("payments:run_export", kwargs={"pk": paid.run_id}), {"purpose": "check"}
    )
    csv = export.content.decode()
    assert "Former member" in csv
    for text in HERS:
        assert text not in csv, text
