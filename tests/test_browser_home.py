"""The home page says what needs doing next: followed by keyboard alone, from signing in to
the item being done and gone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from coproduce.management.commands.demo import DEMO_PASSWORD
from meetings.models import Invitee, Reply
from tests.browser import NARROW, check_page, focused, tab_to
from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MEETING = "Testing the crisis pages with users"
TO_DO = re.compile(rf"Say whether you are coming to {MEETING} on \d+ \w+")


def tab_to_link(page: Page, name: str | re.Pattern[str], limit: int = 120) -> None:
    """Press Tab until a link with this text has the focus."""
    link = page.get_by_role("link", name=name).first
    for _press in range(limit):
        if link.evaluate("(element) => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"the link “{name}” was not reached by Tab")


def follow(page: Page) -> None:
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_it_lets_tom_sign_in_and_reply_from_his_to_do_list_by_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    tom = Invitee.objects.get(meeting__title=MEETING, user__email="tom@example.org")
    assert tom.reply == Reply.NONE
    page = open_page()
    page.goto("/account/sign-in/")
    tab_to(page, "input[type=email]")
    page.keyboard.type("tom@example.org")
    tab_to(page, "input[type=password]")
    page.keyboard.type(DEMO_PASSWORD)
    follow(page)

    # Signed in, the home page lists what needs him, each a link to where it is done.
    expect(page.get_by_role("heading", level=1)).to_have_text("What to do next")
    expect(page.get_by_role("link", name=TO_DO)).to_be_visible()
    tab_to_link(page, TO_DO)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(MEETING)
    tab_to_link(page, "Reply to the invitation")
    follow(page)

    # "Coming", then how: Space chooses the radio that Tab lands on in each group.
    tab_to(page, "input[name=reply]")
    page.keyboard.press("Space")
    assert focused(page, "#id_reply_0")
    tab_to(page, "input[name=way]")
    page.keyboard.press("Space")
    chosen = page.evaluate("() => document.activeElement.value")
    tab_to(page, "main button[type=submit]")
    follow(page)
    expect(page.get_by_role("alert")).to_contain_text("Your reply is saved.")
    tom.refresh_from_db()
    assert (tom.reply, tom.way) == (Reply.COMING, chosen)

    # Back home, the item is done and gone.
    tab_to(page, "a.govuk-generic-header__homepage-link", backwards=True)
    follow(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("What to do next")
    expect(page.get_by_role("link", name=TO_DO)).to_have_count(0)


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_it_passes_axe_on_the_home_page_empty_full_and_for_one_group(
    demo: Demo, open_page: OpenPage, viewport: dict[str, int] | None
) -> None:
    options = {"viewport": viewport} if viewport else {}
    problems: list[str] = []
    # Someone in no group has nothing to do: the plain empty state.
    outsider = open_page("outsider", **options)
    outsider.goto(reverse("home"))
    expect(outsider.get_by_text("Nothing needs you right now.")).to_be_visible()
    check_page(outsider, "the empty list", problems)
    # The chair of the website group has a list, and a page for each group on it.
    chair = open_page("chair", **options)
    chair.goto(reverse("home"))
    expect(chair.get_by_text("Nothing needs you right now.")).to_have_count(0)
    check_page(chair, "the chair's list", problems)
    chair.goto(reverse("home") + f"?group={demo.website.pk}")
    check_page(chair, "the chair's list for the website group", problems)
    assert not problems, "\n\n".join(problems)
