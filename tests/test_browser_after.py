"""After the meeting, in a real browser: every page passes axe at full width and on a
320 pixel screen, and a member sends further thoughts and answers the check by keyboard."""

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from meetings.models import AfterMeetingCheck, InputKind, Meeting, WrittenInput
from tests.browser import axe_violations, describe_violations, focused, tab_to
from tests.conftest import Demo, OpenPage
from tests.pages import meetings_after as pages_after

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = {"width": 320, "height": 640}


def pages(demo: Demo) -> list[tuple[str, str]]:
    def url(name: str, kwargs: dict[str, Any]) -> str:
        return reverse(name, kwargs=kwargs)

    return [
        ("member", url("meetings:cooling_off", pages_after.cooling_off(demo))),
        ("chair", url("meetings:cooling_off", pages_after.cooling_off(demo))),
        ("chair", url("meetings:cooling_off_consider", pages_after.thought_to_answer(demo))),
        ("chair", pages_after.thought_answered(demo)),
        ("chair", url("meetings:minutes_approve", pages_after.cooling_off(demo))),
        ("chair", pages_after.minutes_past_the_window(demo)),
        ("chair", url("meetings:close", pages_after.not_started(demo))),
        ("member", url("meetings:check", pages_after.cooling_off(demo))),
        ("member", pages_after.check_already_answered(demo)),
        ("member", url("meetings:project_checks", pages_after.the_website_group(demo))),
        ("chair", pages_after.window_closed(demo)),
        ("chair", url("meetings:check_answers", pages_after.planning_the_website(demo))),
        ("chair", url("meetings:check_answers", pages_after.cooling_off(demo))),
    ]


def problems_on(page: Page, where: str) -> list[str]:
    found = []
    if violations := axe_violations(page):
        found.append(f"{where}:\n{describe_violations(violations)}")
    viewport = page.viewport_size
    if viewport and viewport["width"] <= NARROW["width"]:
        wide, width = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if wide > width:
            found.append(f"{where}: {wide} px wide in a {width} px window")
    return found


def test_it_passes_axe_on_every_page_after_the_meeting(demo: Demo, open_page: OpenPage) -> None:
    problems: list[str] = []
    for viewport in (None, NARROW):
        windows = {
            persona: open_page(persona, **({"viewport": viewport} if viewport else {}))
            for persona in ("member", "chair")
        }
        for persona, path in pages(demo):
            page = windows[persona]
            response = page.goto(path)
            assert response is not None
            assert response.status == 200, f"{path} as {persona}: {response.status}"
            problems += problems_on(page, f"{path} as {persona} at {viewport or 'full width'}")
        # Forms showing their errors.
        check = windows["member"]
        check.goto(reverse("meetings:check", kwargs=pages_after.cooling_off(demo)))
        check.get_by_role("button", name="Send my answers").click()
        expect(check.get_by_text("There is a problem")).to_be_visible()
        problems += problems_on(check, f"the check with errors at {viewport or 'full width'}")
        answer = windows["chair"]
        answer.goto(
            reverse("meetings:cooling_off_consider", kwargs=pages_after.thought_to_answer(demo))
        )
        answer.get_by_role("button", name="Save and send the reply").click()
        expect(answer.get_by_text("There is a problem")).to_be_visible()
        problems += problems_on(answer, f"a reply with errors at {viewport or 'full width'}")
    assert not problems, "\n".join(problems)


def test_it_lets_a_member_send_thoughts_and_answer_the_check_by_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    page = open_page("member")
    page.goto(reverse("meetings:cooling_off", kwargs=pages_after.cooling_off(demo)))

    tab_to(page, "#id_agenda_item")
    page.keyboard.press("ArrowDown")
    tab_to(page, "#id_text")
    page.keyboard.type("The crisis number should be bigger on phones.")
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your thoughts are sent")).to_be_visible()
    assert WrittenInput.objects.filter(
        author=demo.person("member"),
        kind=InputKind.COOLING_OFF,
        text="The crisis number should be bigger on phones.",
    ).exists()

    page.goto(reverse("meetings:check", kwargs=pages_after.cooling_off(demo)))
    for name, choice in (("co_producing", 4), ("ground_rules", 5), ("work_plan", 3)):
        tab_to(page, f"input[name={name}]")
        # Arrow keys move through a radio group; the first press from nothing picks the first.
        page.keyboard.press("Space")
        for _step in range(choice - 1):
            page.keyboard.press("ArrowDown")
    tab_to(page, "input[name=anyone_worried]")
    page.keyboard.press("Space")  # Yes, the first choice
    page.keyboard.press("ArrowDown")  # moves to No, and chooses it
    tab_to(page, "#id_went_well")
    page.keyboard.type("Everyone was listened to.")
    tab_to(page, "#id_anonymous")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit]")
    assert focused(page, "button[type=submit]")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Your answers are sent")).to_be_visible()
    check = AfterMeetingCheck.objects.get(went_well="Everyone was listened to.")
    assert (check.co_producing, check.ground_rules, check.work_plan) == (4, 5, 3)
    assert check.respondent is None
    assert check.worried == ""


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["full width", "320 px"])
def test_it_keeps_thoughts_sent_too_late_on_screen_accessibly(
    demo: Demo, open_page: OpenPage, viewport: dict[str, int] | None
) -> None:
    """The window closes while Amira is writing: what she wrote stays, with how to reach the
    chair, and the page passes axe."""
    kwargs = pages_after.cooling_off(demo)
    amira = open_page("member", with_axe=True, **({"viewport": viewport} if viewport else {}))
    amira.goto(reverse("meetings:cooling_off", kwargs=kwargs))
    amira.get_by_label("Your further thoughts").fill("Evening meetings would help carers.")
    Meeting.objects.filter(pk=kwargs["pk"]).update(
        cooling_off_ends_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    with amira.expect_navigation():
        amira.get_by_role("button", name="Send my thoughts").click()

    expect(amira.locator(".govuk-error-summary")).to_contain_text(
        "The window for further thoughts closed"
    )
    expect(amira.get_by_label("Your thoughts were not sent")).to_have_value(
        "Evening meetings would help carers."
    )
    expect(amira.get_by_text("You can still send them to the chair")).to_be_visible()
    problems = problems_on(amira, f"thoughts sent too late at {viewport or 'full width'}")
    assert not problems, "\n\n".join(problems)
