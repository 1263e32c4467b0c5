"""Being paid, with the keyboard alone: from the register to a statement.

Amira came to yesterday's meeting, so her payments page proposes it for her log. She adds
it, adds her bus fare with a photo of the ticket and claims; Deborah approves; Fatima (in
finance) puts it in a payment run and marks the run paid; Amira's statement shows it paid.
"""

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from payments import services
from payments.models import ActivityKind, Claim, ClaimStatus, Expense, InvolvementEntry
from tests.browser import axe_violations, describe_violations, tab_to
from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_into(page: Page, selector: str, text: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


def choose(page: Page, selector: str) -> None:
    tab_to(page, selector)
    page.keyboard.press("Space")


def test_it_takes_amira_from_the_register_to_a_paid_claim_on_her_statement(
    demo: Demo, open_page: OpenPage, tmp_path: Path
) -> None:
    amira = demo.person("member")
    page = open_page("member")

    # The register proposes yesterday's meeting: she adds it to her log as it is.
    page.goto(reverse("payments:mine"))
    expect(page.get_by_text("Crisis pages: first drafts").first).to_be_visible()
    tab_to(page, "form[action*='/confirm/'] button[type=submit]")
    press_enter_and_wait(page)
    expect(page.get_by_role("alert")).to_contain_text("is in your involvement log")
    entry = InvolvementEntry.objects.get(user=amira, meeting__title="Crisis pages: first drafts")
    assert entry.preparation_minutes == demo.website.preparation_minutes

    # Her bus fare, with a photo of the ticket.
    ticket = tmp_path / "ticket.png"
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "yellow").save(buffer, "PNG")
    ticket.write_bytes(buffer.getvalue())
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    page.goto(reverse("payments:expense_add"))
    choose(page, "#id_project_0")
    choose(page, "#id_kind_0")
    type_into(page, "#id_description", "Bus 12 to the community centre and back")
    type_into(page, "#id_date_day", str(yesterday.day))
    type_into(page, "#id_date_month", str(yesterday.month))
    type_into(page, "#id_date_year", str(yesterday.year))
    type_into(page, "#id_amount", "4.60")
    tab_to(page, "#id_receipt")
    page.locator("#id_receipt").set_input_files(str(ticket))  # the file chooser is the system's
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    expect(page.get_by_role("alert")).to_contain_text("The expense is saved")
    assert Expense.objects.get(user=amira, amount="4.60").receipt_type == "image/png"

    # The claim: everything not yet claimed is ticked already.
    page.goto(reverse("payments:claim_new"))
    tab_to(page, "main button[type=submit]")
    press_enter_and_wait(page)
    claim = Claim.objects.get(user=amira, status=ClaimStatus.SUBMITTED)
    expect(page.get_by_role("heading", name=f"Claim {claim.reference}")).to_be_visible()
    assert str(claim.expenses_total) == "4.60"

    # Deborah, who chairs the group, approves it.
    chair = open_page("chair")
    chair.goto(reverse("payments:claim_detail", kwargs={"pk": claim.pk}))
    tab_to(chair, "form[action$='/approve/'] button")
    press_enter_and_wait(chair)
    expect(chair.get_by_role("alert")).to_contain_text("The claim is approved")

    # Fatima makes a run for this month (the form starts filled in) and marks it paid.
    finance = open_page("finance")
    finance.goto(reverse("payments:run_new"))
    tab_to(finance, "main button[type=submit]")
    press_enter_and_wait(finance)
    expect(finance.get_by_text(claim.reference)).to_be_visible()
    tab_to(finance, "main a[href$='/paid/']")
    press_enter_and_wait(finance)
    tab_to(finance, "main button[type=submit]")
    press_enter_and_wait(finance)
    expect(finance.get_by_role("alert")).to_contain_text("marked paid")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID

    # Her statement for this tax year shows it paid.
    page.goto(reverse("payments:statement"))
    expect(page.get_by_role("row", name=claim.reference)).to_contain_text(f"£{claim.total}")
    expect(page.get_by_role("row", name=claim.reference)).to_contain_text(
        claim.paid_at.strftime("%-d %b %Y") if claim.paid_at else "Paid"
    )


def test_it_pages_a_long_claim_and_tells_an_approver_when_a_claim_changed(
    demo: Demo, open_page: OpenPage
) -> None:
    """Amira has more to claim than one page holds: she pages on by keyboard and claims the
    second page. Deborah opens Colin's claim; Colin corrects his time before she presses
    Approve, so she is told the claim changed and nothing is approved. Axe checks each."""
    amira = demo.person("member")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    InvolvementEntry.objects.bulk_create(
        InvolvementEntry(
            user=amira,
            project=demo.website,
            activity=ActivityKind.READING,
            date=yesterday,
            minutes=30,
            description=f"Read page {n} of the crisis plan",
        )
        for n in range(30)
    )
    page = open_page("member", with_axe=True)
    page.goto(reverse("payments:claim_new"))
    waiting = services.unclaimed_entries(amira).count()
    expect(page.locator("#not-claimed-count")).to_contain_text(
        f"Activities not claimed yet: {waiting}."
    )
    assert page.locator("main input[type=checkbox]").count() <= 50
    assert not (found := axe_violations(page)), describe_violations(found)
    tab_to(page, "nav[aria-label='Pages of activities not claimed yet'] a[rel=next]", limit=150)
    press_enter_and_wait(page)
    assert "time=2" in page.url
    ticked = page.locator("main input[type=checkbox][value^='e-']:checked").count()
    assert ticked > 0
    assert not (found := axe_violations(page)), describe_violations(found)
    tab_to(page, "main button[type=submit]", limit=150)
    press_enter_and_wait(page)
    expect(page.get_by_role("alert")).to_contain_text("Your claim is sent")
    assert services.unclaimed_entries(amira).count() == waiting - ticked

    colins = Claim.objects.get(user__email="colin@example.org")
    chair = open_page("chair", with_axe=True)
    chair.goto(reverse("payments:claim_detail", kwargs={"pk": colins.pk}))
    entry = InvolvementEntry.objects.get(claim_line__claim=colins)
    entry.minutes += 15
    services.involvement_update(
        entry=entry, actor=colins.user, changed=["minutes"], expected_version=entry.version
    )
    tab_to(chair, "form[action$='/approve/'] button")
    press_enter_and_wait(chair)
    expect(chair.get_by_role("region", name="Important")).to_contain_text(
        "This claim was changed after you opened it"
    )
    assert not (found := axe_violations(chair)), describe_violations(found)
    colins.refresh_from_db()
    assert colins.status == ClaimStatus.SUBMITTED
