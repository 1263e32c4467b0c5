"""Planning meetings in a real browser: every planning page passes axe and reflows at 320 px,
forms showing their errors too, and Amira answers the date poll with the keyboard alone."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from meetings.models import Availability, DateAnswer
from tests.browser import NARROW, check_page, focused, tab_to
from tests.conftest import Demo, OpenPage
from tests.pages import meetings_planning as pages_planning

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit_empty(page: Page) -> None:
    form = page.locator("main form[method=post]").first
    fields = form.locator("input[type=text], input[type=url], input:not([type]), textarea")
    for index in range(fields.count()):
        fields.nth(index).fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_it_passes_axe_on_the_planning_pages(
    demo: Demo, open_page: OpenPage, viewport: dict[str, int] | None
) -> None:
    options = {"viewport": viewport} if viewport else {}
    problems: list[str] = []
    upcoming = pages_planning.upcoming_meeting(demo)
    spring = pages_planning.spring_planning_day(demo)
    a_date = pages_planning.a_spring_date(demo)
    library = pages_planning.the_old_library(demo)
    project = pages_planning.website_project(demo)

    grace = open_page("coordinator", **options)
    for name, kwargs in [
        ("meetings:list", project),
        ("meetings:detail", upcoming),
        ("meetings:detail", spring),
        ("meetings:create", project),
        ("meetings:edit", upcoming),
        ("meetings:cancel", upcoming),
        ("meetings:venues", {}),
        ("meetings:venue_add", {}),
        ("meetings:venue_edit", library),
        ("meetings:venue_retire", library),
        ("meetings:date_poll", spring),
        ("meetings:date_option_add", spring),
        ("meetings:date_option_remove", a_date),
        ("meetings:date_choose", a_date),
    ]:
        response = grace.goto(reverse(name, kwargs=kwargs))
        assert response is not None
        assert response.status == 200, name
        check_page(grace, name, problems)

    for name, kwargs in [
        ("meetings:create", project),
        ("meetings:edit", upcoming),
        ("meetings:cancel", upcoming),
        ("meetings:venue_add", {}),
        ("meetings:date_option_add", spring),
    ]:
        grace.goto(reverse(name, kwargs=kwargs))
        submit_empty(grace)
        check_page(grace, f"{name} submitted empty", problems)

    amira = open_page("member", **options)
    for name, kwargs in [
        ("meetings:list", project),
        ("meetings:detail", upcoming),
        ("meetings:date_poll", spring),
        ("meetings:venues", {}),
    ]:
        amira.goto(reverse(name, kwargs=kwargs))
        check_page(amira, f"{name} as a member", problems)
    assert not problems, "\n\n".join(problems)


def test_it_lets_a_member_answer_the_date_poll_by_keyboard(demo: Demo, open_page: OpenPage) -> None:
    spring = pages_planning.spring_planning_day(demo)
    tom = open_page("commissioner")  # Tom has not answered yet
    tom.goto(reverse("meetings:date_poll", kwargs=spring))
    legends = tom.locator("main form legend")
    expect(legends).to_have_count(3)
    # The first option: yes. Arrow keys move between the answers within one date.
    tab_to(tom, "main form input[type=radio]")
    tom.keyboard.press("Space")
    assert focused(tom, "main form input[type=radio][value=yes]")
    # The second option: if need be, the second answer.
    tom.keyboard.press("Tab")
    tom.keyboard.press("ArrowRight")
    assert focused(tom, "main form input[type=radio][value=if_need_be]")
    # The third: no.
    tom.keyboard.press("Tab")
    tom.keyboard.press("ArrowRight")
    tom.keyboard.press("ArrowRight")
    assert focused(tom, "main form input[type=radio][value=no]")
    tab_to(tom, "main form button[type=submit]")
    with tom.expect_navigation():
        tom.keyboard.press("Enter")
    expect(tom.locator(".govuk-notification-banner, .govuk-inset-text").first).to_be_visible()
    answers = list(
        DateAnswer.objects.filter(user__email="tom@example.org")
        .order_by("option__starts_at")
        .values_list("answer", flat=True)
    )
    assert answers == [Availability.YES, Availability.IF_NEED_BE, Availability.NO]
    expect(tom.locator("main")).to_contain_text("Tom Gallagher")
