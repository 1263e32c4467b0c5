"""Access requirements in a real browser: Amira records hers with the keyboard alone, and
Grace, the coordinator, sees them only after saying why, which leaves a trace in the audit log.
"""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import AuditEvent, User
from people.models import AccessNeed, AccessNeedType, Profile
from tests.browser import axe_violations, describe_violations, focused, tab_to
from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BSL = "British Sign Language (BSL) interpreter"
BREAKS = "Regular breaks"
BREAKS_QUESTION = "How often do you need a break, in minutes?"
SUPPORT = "To book support, such as an interpreter or a support worker"


@pytest.fixture
def catalogue(demo: Demo) -> None:
    """The starting catalogue of access requirements, as its data migration loads it.

    Transactional tests empty every table when they finish, so a browser test that runs
    after another one would otherwise find no access requirements to choose from.
    """
    migration = importlib.import_module("people.migrations.0002_starting_catalogue")
    migration.add_starting_catalogue(apps, None)


def set_access_needs(person: User, needs: list[tuple[str, str]]) -> None:
    """Replace whatever the demo gave `person` with exactly these (catalogue code, detail)."""
    AccessNeed.objects.filter(user=person).delete()
    Profile.objects.filter(user=person).update(access_recorded_at=None)
    for code, detail in needs:
        AccessNeed.objects.create(
            user=person, need_type=AccessNeedType.objects.get(code=code), detail=detail
        )


def press_enter_and_wait(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


@pytest.mark.usefixtures("catalogue")
def test_it_lets_amira_record_her_access_requirements_by_keyboard_only(
    demo: Demo, open_page: OpenPage
) -> None:
    set_access_needs(demo.person("member"), [])  # she has not told us anything yet
    page = open_page("member")
    page.goto(reverse("people:me"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your profile")
    expect(page.get_by_text("You have not told us yet.")).to_be_visible()

    # The skip link first, then on to the "Change" link of the access requirements card.
    page.keyboard.press("Tab")
    assert focused(page, ".govuk-skip-link")
    page.keyboard.press("Enter")
    assert focused(page, "#main-content")
    access_link = f'a[href="{reverse("people:access")}"]'
    tab_to(page, access_link, limit=80)
    expect(page.locator(access_link)).to_have_accessible_name("Change your access requirements")
    press_enter_and_wait(page)
    expect(page).to_have_url(demo.base_url + reverse("people:access"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your access requirements")

    # Tick BSL and breaks with the space bar; the breaks question appears under its box.
    bsl = page.get_by_role("checkbox", name=BSL)
    breaks = page.get_by_role("checkbox", name=BREAKS)
    detail = page.get_by_label(BREAKS_QUESTION)
    expect(detail).to_be_hidden()
    tab_to(page, "#id_need_bsl-interpreter", limit=80)
    page.keyboard.press("Space")
    expect(bsl).to_be_checked()
    tab_to(page, "#id_need_regular-breaks", limit=80)
    page.keyboard.press("Space")
    expect(breaks).to_be_checked()
    expect(breaks).to_have_attribute("aria-expanded", "true")
    expect(detail).to_be_visible()

    # Save without answering it.
    save = "main form button.govuk-button[type=submit]"
    tab_to(page, save, limit=80)
    expect(page.locator(save)).to_have_text("Save")
    press_enter_and_wait(page)
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text(f"Answer “{BREAKS_QUESTION}”")
    expect(bsl).to_be_checked()
    expect(breaks).to_be_checked()
    expect(detail).to_be_visible()
    expect(detail).to_have_value("")
    expect(detail).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_detail_regular-breaks-error\b")
    )
    assert not AccessNeed.objects.filter(user=demo.person("member")).exists()

    # The link in the summary takes the keyboard to the question; Enter there saves.
    tab_to(page, ".govuk-error-summary__list a", limit=80)
    page.keyboard.press("Enter")
    assert focused(page, "#id_detail_regular-breaks")
    page.keyboard.type("45")
    press_enter_and_wait(page)

    expect(page).to_have_url(demo.base_url + reverse("people:me"))
    expect(page.get_by_role("alert")).to_contain_text("Your access requirements are saved")
    card = page.locator(".govuk-summary-card").filter(
        has=page.get_by_role("heading", name="Your access requirements")
    )
    expect(card.locator(".govuk-summary-card__content li")).to_have_text([BSL, f"{BREAKS}: 45"])

    stored = {
        need.need_type.code: need.detail
        for need in AccessNeed.objects.filter(user=demo.person("member")).select_related(
            "need_type"
        )
    }
    assert stored == {"bsl-interpreter": "", "regular-breaks": "45"}


@pytest.mark.usefixtures("catalogue")
def test_it_records_who_looked_at_amiras_access_requirements(
    demo: Demo, open_page: OpenPage
) -> None:
    amira = demo.person("member")
    grace = demo.person("coordinator")
    set_access_needs(amira, [("bsl-interpreter", ""), ("regular-breaks", "45")])

    page = open_page("coordinator", with_axe=True)
    page.goto(reverse("projects:members", args=[demo.website.pk]))
    page.get_by_role("link", name="Access requirements of Amira Haddad").click()

    expect(page).to_have_url(
        demo.base_url
        + reverse("projects:member_access", args=[demo.website.pk, demo.membership("member").pk])
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Access requirements of Amira Haddad")
    # Nothing is shown, and nothing recorded, until Grace says why she needs to look.
    expect(page.get_by_text(BSL)).to_have_count(0)
    assert not AuditEvent.objects.filter(action="access.viewed").exists()
    violations = axe_violations(page)
    assert not violations, "On the page asking why:\n" + describe_violations(violations)

    page.get_by_role("radio", name=SUPPORT).check()
    page.get_by_role("button", name="Show the access requirements").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Access requirements of Amira Haddad")
    expect(page.locator("main").get_by_role("listitem")).to_have_text([BSL, f"{BREAKS}: 45"])
    violations = axe_violations(page)
    assert not violations, "On the access requirements:\n" + describe_violations(violations)

    event = AuditEvent.objects.get(action="access.viewed")
    assert event.actor == grace
    assert event.subject == amira
    assert event.data == {"purpose": SUPPORT}
