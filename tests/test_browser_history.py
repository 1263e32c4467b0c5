"""The group's history in a real browser with JavaScript off: it is plain HTML, so filtering
by kind and date is a form that sends the page again."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_filters_the_history_by_kind_and_date_with_javascript_off(
    demo: Demo, open_page: OpenPage
) -> None:
    amira = open_page("member", java_script_enabled=False)
    amira.goto(reverse("projects:detail", kwargs={"pk": demo.website.pk}))
    with amira.expect_navigation():
        amira.get_by_role(
            "link", name="See the history of the group: what has happened so far"
        ).click()
    expect(amira.get_by_role("heading", level=1)).to_have_text("History of the group")
    assert amira.locator(".app-timeline__item").count() > 0

    amira.get_by_text("Filter by kind and date").click()
    amira.get_by_label("Meetings held").check()
    with amira.expect_navigation():
        amira.get_by_role("button", name="Show the history").click()
    items = amira.locator(".app-timeline__item")
    assert items.count() > 0
    for text in items.all_inner_texts():
        assert "was held" in text
    expect(amira.get_by_label("Meetings held")).to_be_checked()

    # A date that is not real is named in the error summary, and what was typed stays.
    amira.locator("#id_from_day").fill("31")
    amira.locator("#id_from_month").fill("2")
    amira.locator("#id_from_year").fill("2026")
    with amira.expect_navigation():
        amira.get_by_role("button", name="Show the history").click()
    expect(amira.locator(".govuk-error-summary")).to_contain_text("From must be a real date")
    expect(amira.locator("#id_from_day")).to_have_value("31")

    with amira.expect_navigation():
        amira.get_by_role("link", name="Show everything").click()
    expect(amira.locator(".govuk-error-summary")).to_have_count(0)
