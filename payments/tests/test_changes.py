"""Changing one's mind before a claim is approved: withdrawing it, and changing or removing
what was logged, with a stale change refused and every change in the audit log."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for
from payments import services
from payments.models import Claim, ClaimLine, ClaimStatus, Expense, ExpenseKind, InvolvementEntry
from payments.tests.helpers import a_claim, an_entry, an_expense, set_rates


def day_fields(day: datetime.date) -> dict[str, str]:
    return {"date_day": str(day.day), "date_month": str(day.month), "date_year": str(day.year)}


def entry_data(entry: InvolvementEntry, **changes: object) -> dict[str, object]:
    return {
        "version": entry.version,
        "activity": entry.activity,
        "description": entry.description,
        "minutes": entry.minutes,
        "preparation_minutes": entry.preparation_minutes,
        "way": entry.way,
        **day_fields(entry.date),
        **changes,
    }


def test_it_lets_amira_withdraw_a_claim_after_confirming(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    url = reverse("payments:claim_withdraw", kwargs={"pk": claim.pk})
    amira = client_for(cast.member)
    page = amira.get(url).content.decode()
    assert f"Are you sure you want to withdraw claim {claim.reference}" in page
    response = amira.post(url)
    assert response["Location"] == reverse("payments:mine")
    assert not Claim.objects.exists()
    assert not ClaimLine.objects.exists()
    # What it claimed for is back in her list, to claim again.
    assert services.unclaimed_entries(cast.member).count() == 1
    assert services.unclaimed_expenses(cast.member).count() == 1
    event = AuditEvent.objects.get(action="payments.claim_withdrawn")
    assert (event.actor, event.subject) == (cast.member, cast.member)


def test_it_refuses_to_withdraw_an_approved_claim_or_someone_elses(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    url = reverse("payments:claim_withdraw", kwargs={"pk": claim.pk})
    assert client_for(cast.chair).post(url).status_code == 403
    assert client_for(cast.carer).post(url).status_code == 404
    services.claim_approve(claim=claim, actor=cast.chair)
    response = client_for(cast.member).post(url, follow=True)
    assert "already approved" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_it_lets_amira_correct_an_entry_and_records_it(cast: Cast) -> None:
    entry = an_entry(cast, minutes=90)
    url = reverse("payments:involvement_edit", kwargs={"pk": entry.pk})
    amira = client_for(cast.member)
    assert amira.get(url).context["form"]["minutes"].value() == 90
    response = amira.post(url, entry_data(entry, minutes="120"))
    assert response["Location"] == reverse("payments:mine")
    entry.refresh_from_db()
    assert (entry.minutes, entry.version) == (120, 2)
    event = AuditEvent.objects.get(action="payments.involvement_changed")
    assert event.data["changed"] == ["minutes"]


def test_it_refuses_a_stale_change_and_keeps_what_was_typed(cast: Cast) -> None:
    entry = an_entry(cast, minutes=90)
    url = reverse("payments:involvement_edit", kwargs={"pk": entry.pk})
    amira = client_for(cast.member)
    stale = entry_data(entry, minutes="75")
    # Meanwhile, in another tab, she changed the description.
    amira.post(url, entry_data(entry, description="Read the new crisis pages"))
    response = amira.post(url, stale)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved changes" in page
    assert response.context["form"]["minutes"].value() == "75"
    entry.refresh_from_db()
    assert (entry.minutes, entry.description) == (90, "Read the new crisis pages")
    # Saving again from the warning page replaces the newer version, knowingly.
    again = amira.post(url, response.context["form"].data)
    assert again.status_code == 302
    entry.refresh_from_db()
    assert entry.minutes == 75


def test_it_works_out_an_open_claim_again_when_an_entry_in_it_changes(cast: Cast) -> None:
    set_rates(meeting="25.00", preparation="20.00")
    claim = a_claim(cast)  # 90 minutes of reading at £20 an hour, and a £4.60 bus fare
    assert claim.total == Decimal("34.60")
    entry = InvolvementEntry.objects.get(user=cast.member)
    response = client_for(cast.member).post(
        reverse("payments:involvement_edit", kwargs={"pk": entry.pk}),
        entry_data(entry, minutes="60"),
    )
    assert response["Location"] == reverse("payments:claim_detail", kwargs={"pk": claim.pk})
    claim.refresh_from_db()
    assert (claim.fees, claim.expenses_total, claim.total) == (
        Decimal("20.00"),
        Decimal("4.60"),
        Decimal("24.60"),
    )
    assert claim.lines.get(entry=entry).amount == Decimal("20.00")


def test_it_changes_nothing_in_an_approved_claim(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    services.claim_approve(claim=claim, actor=cast.chair)
    entry = InvolvementEntry.objects.get(user=cast.member)
    expense = Expense.objects.get(user=cast.member)
    amira = client_for(cast.member)
    for url, data in [
        (reverse("payments:involvement_edit", kwargs={"pk": entry.pk}), entry_data(entry)),
        (reverse("payments:involvement_remove", kwargs={"pk": entry.pk}), {}),
        (reverse("payments:expense_edit", kwargs={"pk": expense.pk}), {"amount": "400"}),
        (reverse("payments:expense_remove", kwargs={"pk": expense.pk}), {}),
    ]:
        response = amira.post(url, data, follow=True)
        assert "already approved" in response.content.decode()
    claim.refresh_from_db()
    assert claim.lines.count() == 2
    assert Expense.objects.get().amount == Decimal("4.60")


def test_it_removes_an_expense_with_its_receipt_after_confirming(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    expense = services.expense_record(
        user=cast.member,
        project=cast.website,
        kind=ExpenseKind.TRAVEL,
        date=timezone.localdate(),
        description="Taxi",
        amount=Decimal("18.40"),
        actor=cast.member,
        receipt=SimpleUploadedFile("taxi.pdf", b"%PDF-1.4 receipt"),
        receipt_type="application/pdf",
    )
    stored = expense.receipt.name or ""
    url = reverse("payments:expense_remove", kwargs={"pk": expense.pk})
    amira = client_for(cast.member)
    page = amira.get(url).content.decode()
    assert "Are you sure you want to remove this expense?" in page
    assert "Its receipt is deleted too." in page
    assert client_for(cast.carer).post(url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = amira.post(url)
    assert response["Location"] == reverse("payments:mine")
    assert not Expense.objects.exists()
    assert not expense.receipt.storage.exists(stored)
    assert AuditEvent.objects.filter(action="payments.expense_removed").count() == 1


def test_it_takes_a_removed_item_out_of_its_claim_and_withdraws_an_empty_claim(
    cast: Cast,
) -> None:
    set_rates()
    claim = a_claim(cast)
    expense = Expense.objects.get(user=cast.member)
    entry = InvolvementEntry.objects.get(user=cast.member)
    amira = client_for(cast.member)
    page = amira.get(reverse("payments:expense_remove", kwargs={"pk": expense.pk}))
    assert "It comes out of claim" in page.content.decode()
    amira.post(reverse("payments:expense_remove", kwargs={"pk": expense.pk}))
    claim.refresh_from_db()
    assert (claim.expenses_total, claim.total) == (Decimal("0.00"), claim.fees)
    page = amira.get(reverse("payments:involvement_remove", kwargs={"pk": entry.pk}))
    assert "so the claim is withdrawn too" in page.content.decode()
    amira.post(reverse("payments:involvement_remove", kwargs={"pk": entry.pk}))
    assert not Claim.objects.exists()
    assert not InvolvementEntry.objects.exists()


def test_it_names_the_field_when_a_change_is_wrong(cast: Cast) -> None:
    expense = an_expense(cast)
    url = reverse("payments:expense_edit", kwargs={"pk": expense.pk})
    response = client_for(cast.member).post(
        url,
        {
            "version": expense.version,
            "kind": "travel",
            "description": "Bus",
            "amount": "-1",
            **day_fields(timezone.localdate() + datetime.timedelta(days=2)),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "The amount must be more than £0" in page
    assert "cannot be in the future" in page
    expense.refresh_from_db()
    assert expense.amount == Decimal("4.60")


def test_it_lets_nobody_else_change_amiras_entry(cast: Cast) -> None:
    entry = an_entry(cast)
    url = reverse("payments:involvement_edit", kwargs={"pk": entry.pk})
    for person in (cast.carer, cast.chair, cast.finance):
        assert client_for(person).get(url).status_code == 404


def approve_from(client: Any, claim: Claim, version: object, **kwargs: Any) -> Any:
    return client.post(
        reverse("payments:claim_approve", kwargs={"pk": claim.pk}), {"version": version}, **kwargs
    )


def test_it_refuses_to_approve_a_claim_changed_since_deborah_opened_it(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    deborah = client_for(cast.chair)
    page = deborah.get(reverse("payments:claim_detail", kwargs={"pk": claim.pk}))
    assert f'name="version" value="{claim.version}"' in page.content.decode()
    seen = page.context["claim"].version
    # Meanwhile Amira corrects her time: the claim is worked out again.
    entry = InvolvementEntry.objects.get(user=cast.member)
    client_for(cast.member).post(
        reverse("payments:involvement_edit", kwargs={"pk": entry.pk}),
        entry_data(entry, minutes="60"),
    )
    mail.outbox.clear()
    response = approve_from(deborah, claim, seen, follow=True)
    assert mail.outbox == []  # nobody is told it was approved
    assert response.redirect_chain[-1][0] == reverse(
        "payments:claim_detail", kwargs={"pk": claim.pk}
    )
    assert "This claim was changed after you opened it" in response.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.approved_by, claim.approved_at) == (
        ClaimStatus.SUBMITTED,
        None,
        None,
    )
    assert not AuditEvent.objects.filter(action="payments.claim_approved").exists()
    # Having seen the claim as it is now, she approves it.
    approve_from(deborah, claim, claim.version)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED
    event = AuditEvent.objects.get(action="payments.claim_approved")
    assert event.data["version"] == seen + 1


def test_it_refuses_to_approve_a_claim_withdrawn_since_deborah_opened_it(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    deborah = client_for(cast.chair)
    seen = deborah.get(reverse("payments:claim_detail", kwargs={"pk": claim.pk})).context["claim"]
    client_for(cast.member).post(reverse("payments:claim_withdraw", kwargs={"pk": claim.pk}))
    response = approve_from(deborah, seen, seen.version)
    # The claim is gone, so she goes back to the group's claims, told why.
    assert response["Location"] == reverse(
        "payments:project_claims", kwargs={"pk": cast.website.pk}
    )
    page = deborah.get(response["Location"]).content.decode()
    assert "This claim was withdrawn after you opened it" in page
    assert not Claim.objects.exists()
    assert not AuditEvent.objects.filter(action="payments.claim_approved").exists()
    # What it claimed for is back in Amira's list, unclaimed.
    assert services.unclaimed_entries(cast.member).count() == 1


def test_it_refuses_an_approval_that_does_not_say_which_version_it_saw(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    deborah = client_for(cast.chair)
    for version in ("", "nonsense", "0"):
        response = approve_from(deborah, claim, version, follow=True)
        assert "This claim was changed after you opened it" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_it_refuses_a_stale_approval_in_the_service_too(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    held = Claim.objects.get(pk=claim.pk)
    expense = Expense.objects.get(user=cast.member)
    expense.amount = Decimal("5.20")
    services.expense_update(
        expense=expense, actor=cast.member, changed=["amount"], expected_version=1
    )
    with pytest.raises(services.PaymentError, match="changed after you opened it"):
        services.claim_approve(claim=held, actor=cast.chair)
    with pytest.raises(services.PaymentError, match="changed after you opened it"):
        services.claim_approve(claim=held, actor=cast.chair, expected_version=held.version)
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.status, fresh.total) == (ClaimStatus.SUBMITTED, fresh.fees + Decimal("5.20"))
    services.claim_approve(claim=fresh, actor=cast.chair, expected_version=fresh.version)
    assert fresh.status == ClaimStatus.APPROVED


def test_it_tells_only_those_who_lead_the_group_that_a_claim_was_withdrawn(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    client_for(cast.member).post(reverse("payments:claim_withdraw", kwargs={"pk": claim.pk}))
    for person in (cast.carer, cast.outsider, cast.finance):
        assert approve_from(client_for(person), claim, 1).status_code == 404
    # A claim that never was is "Page not found" too.
    assert (
        client_for(cast.chair)
        .post(reverse("payments:claim_approve", kwargs={"pk": claim.pk + 100}), {"version": 1})
        .status_code
        == 404
    )


def test_it_refuses_to_send_back_a_claim_changed_since_deborah_opened_the_question(
    cast: Cast,
) -> None:
    set_rates()
    claim = a_claim(cast)
    deborah = client_for(cast.chair)
    url = reverse("payments:claim_query", kwargs={"pk": claim.pk})
    page = deborah.get(url)
    assert f'name="version" value="{claim.version}"' in page.content.decode()
    seen = claim.version
    entry = InvolvementEntry.objects.get(user=cast.member)
    client_for(cast.member).post(
        reverse("payments:involvement_edit", kwargs={"pk": entry.pk}),
        entry_data(entry, minutes="60"),
    )
    mail.outbox.clear()
    drawn = re.search(r'name="seen" value="([^"]*)"', page.content.decode())
    assert drawn is not None
    response = deborah.post(
        url, {"question": "Which bus did you take?", "version": seen, "seen": drawn[1]}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "This claim was changed after you opened it" in content
    assert "What is different now: what it claims for, the total." in content
    assert "Which bus did you take?" in content  # what she typed is kept
    assert mail.outbox == []
    claim.refresh_from_db()
    assert (claim.status, claim.question) == (ClaimStatus.SUBMITTED, "")
    # The page now carries the claim as it is: having checked, she sends it as it stands.
    again = re.search(r'name="version" value="(\d+)"', content)
    assert again is not None
    assert int(again[1]) == claim.version
    deborah.post(url, {"question": "Which bus did you take?", "version": again[1]})
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.QUERIED
