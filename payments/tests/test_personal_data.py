"""A person's copy of their payments, and what erasure keeps of them."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import personal_data as account_data
from conftest import Cast
from payments import personal_data, services
from payments.models import ChoiceKind, ExpenseKind, PaymentChoice
from payments.tests.helpers import a_claim, amira_is_paid_by_bank, set_rates


def test_it_gives_amira_her_choice_claims_expenses_and_involvement(cast: Cast) -> None:
    set_rates()
    amira_is_paid_by_bank(cast)
    claim = a_claim(cast)
    sections = {section.key: section for section in personal_data.export(cast.member)}
    assert sections["payment_choice"].rows[0]["account_number"] == "12345678"
    assert sections["claims"].rows[0]["total"] == str(claim.total)
    assert sections["expenses"].rows[0]["amount"] == "4.60"
    assert sections["involvement"].rows[0]["title"] == "Read the draft crisis pages"
    assert personal_data.export(cast.carer)[0].rows == []


def test_it_erases_details_and_words_but_keeps_the_money_under_former_member(
    cast: Cast,
) -> None:
    set_rates()
    services.payment_choice_save(
        user=cast.member, choice=ChoiceKind.BANK, details={"account_number": "12345678"}
    )
    expense = services.expense_record(
        user=cast.member,
        project=cast.website,
        kind=ExpenseKind.TRAVEL,
        date=timezone.localdate(),
        description="Taxi from 12 Mill Lane",
        amount=Decimal("18.40"),
        actor=cast.member,
        receipt=SimpleUploadedFile("taxi.pdf", b"%PDF-1.4 receipt"),
        receipt_type="application/pdf",
    )
    stored = expense.receipt.name or ""
    claim = services.claim_submit(
        user=cast.member,
        project=cast.website,
        entry_ids=[],
        expense_ids=[expense.pk],
        actor=cast.member,
    )
    personal_data.erase(cast.member)
    account_data.erase(cast.member)

    assert not PaymentChoice.objects.filter(user=cast.member).exists()
    expense.refresh_from_db()
    assert expense.description == ""
    assert not expense.receipt
    assert not expense.receipt.storage.exists(stored)
    claim.refresh_from_db()
    assert claim.total == Decimal("18.40")
    assert claim.user.full_name == "Former member"
    assert "Mill Lane" not in claim.lines.get().description
