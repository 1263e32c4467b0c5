"""Counting who speaks, live, by keyboard alone: with JavaScript the row updates in place and
a screen reader hears the new count; without it the page comes back to the same row."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meetings.models import AgendaItem, Contribution
from tests.browser import axe_violations, describe_violations, focused, htmx_settled, tab_to
from tests.conftest import Demo, OpenPage
from tests.pages import meetings_record as pages_record
from tests.test_accessibility import NARROW

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def counted(demo: Demo, email: str) -> int:
    item = AgendaItem.objects.get(pk=pages_record.item(demo)["item_pk"])
    return Contribution.objects.filter(agenda_item=item, user__email=email).count()


def person_id(demo: Demo, persona: str) -> int:
    return demo.person(persona).pk


def no_violations(page: Page) -> None:
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


def test_it_counts_who_speaks_in_place_by_keyboard_with_javascript(
    demo: Demo, open_page: OpenPage
) -> None:
    amira, colin = person_id(demo, "member"), person_id(demo, "carer")
    before = counted(demo, "amira@example.org")
    page = open_page("chair")
    page.goto(reverse("meetings:contributions_live", kwargs=pages_record.item(demo)))
    # Nothing on the page may be reloaded: this mark would be lost if it were.
    page.evaluate("() => { window.stillTheSamePage = true; }")
    status = page.locator("#count-status")
    expect(status).to_have_attribute("role", "status")

    tab_to(page, f"#add-{amira}")
    page.keyboard.press("Enter")
    expect(status).to_have_text(f"Amira Haddad: {before + 1} contributions on this item.")
    htmx_settled(page)
    # The row was swapped, yet the focus is back on the same button: press again.
    assert focused(page, f"#add-{amira}")
    page.keyboard.press("Enter")
    expect(status).to_have_text(f"Amira Haddad: {before + 2} contributions on this item.")
    expect(page.locator(f"#person-{amira}")).to_contain_text(f"{before + 2} contributions")
    htmx_settled(page)

    # One too many: take it back.
    page.keyboard.press("Tab")
    assert focused(page, f"#take-back-{amira}")
    page.keyboard.press("Enter")
    expect(status).to_have_text(f"Amira Haddad: {before + 1} contributions on this item.")
    assert focused(page, f"#take-back-{amira}")
    assert counted(demo, "amira@example.org") == before + 1

    # Colin has said nothing yet, so there is nothing to take back: the row says so.
    htmx_settled(page)
    tab_to(page, f"#take-back-{colin}")
    page.keyboard.press("Enter")
    row = page.locator(f"#person-{colin}")
    expect(row.locator(".govuk-error-message")).to_contain_text("Nothing was taken away")
    expect(status).to_contain_text("Nothing was taken away")
    assert page.evaluate("() => window.stillTheSamePage === true")
    assert counted(demo, "colin@example.org") == 0
    no_violations(page)


def test_it_counts_who_speaks_by_keyboard_with_javascript_off(
    demo: Demo, open_page: OpenPage
) -> None:
    amira, colin = person_id(demo, "member"), person_id(demo, "carer")
    before = counted(demo, "amira@example.org")
    page = open_page("chair", java_script_enabled=False)
    live = reverse("meetings:contributions_live", kwargs=pages_record.item(demo))
    page.goto(live)

    tab_to(page, f"#add-{amira}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # Back on the same page, at Amira's row, with the new count said at the top.
    assert page.url.endswith(f"{live}#person-{amira}")
    expect(page.get_by_role("alert")).to_contain_text(
        f"Amira Haddad: {before + 1} contributions on this item."
    )
    expect(page.locator(f"#person-{amira}")).to_contain_text(f"{before + 1} contributions")
    # The next Tab goes from her row, not from the top of the page.
    page.keyboard.press("Tab")
    assert focused(page, f"#add-{amira}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert counted(demo, "amira@example.org") == before + 2

    tab_to(page, f"#take-back-{amira}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert counted(demo, "amira@example.org") == before + 1

    # Nothing to take back from Colin: the page says what went wrong and changes nothing.
    tab_to(page, f"#take-back-{colin}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Nothing was taken away: no contributions from Colin Price are counted on this item."
    )
    assert counted(demo, "colin@example.org") == 0


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_it_passes_axe_counting_and_refusing_when_htmx_does_not_load(
    demo: Demo, open_page: OpenPage, viewport: dict[str, int] | None
) -> None:
    """The pages a browser without HTMX gets (axe itself needs JavaScript to run)."""
    colin = person_id(demo, "carer")
    page = open_page("chair", viewport=viewport)
    page.route(re.compile(r"htmx\.min\.js"), lambda route: route.abort())
    page.goto(reverse("meetings:contributions_live", kwargs=pages_record.item(demo)))
    no_violations(page)
    with page.expect_navigation():
        page.locator(f"#take-back-{colin}").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Nothing was taken away")
    no_violations(page)
    if viewport:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"the page is {width} px wide"
