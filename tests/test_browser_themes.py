"""The project's shape in a real browser: ranking themes by keyboard with the move buttons
and, with JavaScript off, through the numbered choices; the work plan's timeline without
JavaScript."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from projects.models import Milestone, Theme, ThemeRank
from tests.browser import tab_to, tab_to_button
from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = "Easy to use on a phone"


def amiras_order(demo: Demo) -> list[str]:
    ranks = ThemeRank.objects.filter(
        project=demo.website, user=demo.person("member")
    ).select_related("theme")
    return [rank.theme.name for rank in ranks.order_by("position")]


def save(page: Page) -> None:
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_it_lets_amira_move_a_theme_to_the_top_by_keyboard(demo: Demo, open_page: OpenPage) -> None:
    amira = open_page("member")
    amira.goto(reverse("projects:theme_rank", kwargs={"pk": demo.website.pk}))
    assert amiras_order(demo)[2] == PHONE

    tab_to_button(amira, f"Move up {PHONE}")
    amira.keyboard.press("Enter")
    expect(amira.locator("[data-ranking-status]")).to_have_text(f"{PHONE} is now number 2 of 4.")
    # The focus stays on the button, so pressing again moves the same theme on.
    amira.keyboard.press("Enter")
    expect(amira.locator("[data-ranking-status]")).to_have_text(f"{PHONE} is now number 1 of 4.")
    amira.keyboard.press("Enter")
    expect(amira.locator("[data-ranking-status]")).to_have_text(f"{PHONE} is already at the top.")
    save(amira)

    expect(amira.get_by_text("Your ranking is saved.")).to_be_visible()
    assert amiras_order(demo) == [
        PHONE,
        "Finding help in a crisis",
        "Plain words everywhere",
        "Stories from people who use services",
    ]


def test_it_ranks_with_numbers_when_javascript_is_off(demo: Demo, open_page: OpenPage) -> None:
    amira = open_page("member", java_script_enabled=False)
    amira.goto(reverse("projects:theme_rank", kwargs={"pk": demo.website.pk}))
    themes = list(Theme.objects.filter(project=demo.website).order_by("pk"))

    # The same number twice is refused, naming the theme, and nothing changes.
    before = amiras_order(demo)
    for theme in themes:
        amira.select_option(f"#id_theme_{theme.pk}", "1")
    save(amira)
    expect(amira.locator(".govuk-error-summary")).to_be_visible()
    assert amiras_order(demo) == before

    for place, theme in enumerate(reversed(themes), start=1):
        amira.select_option(f"#id_theme_{theme.pk}", str(place))
    save(amira)

    expect(amira.get_by_text("Your ranking is saved.")).to_be_visible()
    assert amiras_order(demo) == [theme.name for theme in reversed(themes)]


def test_it_shows_the_work_plan_timeline_month_by_month_with_javascript_off(
    demo: Demo, open_page: OpenPage
) -> None:
    amira = open_page("member", java_script_enabled=False)
    amira.goto(reverse("projects:plan", kwargs={"pk": demo.website.pk}))
    amira.get_by_role("link", name="Timeline").click()

    expect(amira.get_by_role("heading", level=1)).to_have_text("Timeline of the work plan")
    months = amira.locator("ol.app-timeline > li")
    first = Milestone.objects.filter(project=demo.website).order_by("due_on").first()
    assert first is not None
    expect(months.first.get_by_role("heading", level=2)).to_have_text(
        first.due_on.strftime("%B %Y")
    )
    expect(amira.get_by_role("heading", level=3, name=first.title)).to_be_visible()
