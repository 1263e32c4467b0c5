"""The access plan in a real browser: every page passes axe and reflows at 320 px, and Grace
records why a need cannot be met with the keyboard alone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Meeting, MeetingStatus, UnmetNeedReason
from tests.browser import NARROW, check_page, focused, tab_to
from tests.conftest import Demo, OpenPage
from tests.pages import meetings_access_plan as pages_access_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [None, NARROW], ids=["wide", "narrow"])
def test_it_passes_axe_on_the_access_plan_pages(
    demo: Demo, open_page: OpenPage, viewport: dict[str, int] | None
) -> None:
    options = {"viewport": viewport} if viewport else {}
    problems: list[str] = []
    upcoming = pages_access_plan.meeting(demo)
    booking = pages_access_plan.a_requested_booking(demo)
    bsl = pages_access_plan.need(demo, "bsl-interpreter")
    quiet = pages_access_plan.need(demo, "quiet-room")

    grace = open_page("coordinator", **options)
    for name, kwargs in [
        ("meetings:access_plan", upcoming),
        ("meetings:access_plan_people", upcoming),
        ("meetings:arrangement_add", upcoming),
        ("meetings:arrangement_edit", booking),
        ("meetings:arrangement_remove", booking),
        ("meetings:unmet_reason", bsl),
        ("meetings:unmet_reason_remove", quiet),
    ]:
        grace.goto(reverse(name, kwargs=kwargs))
        check_page(grace, name, problems)

    grace.goto(reverse("meetings:unmet_reason", kwargs=bsl))
    with grace.expect_navigation():
        grace.get_by_role("button", name="Save the reason").click()
    expect(grace.locator(".govuk-error-summary")).to_be_visible()
    check_page(grace, "the reason form with errors", problems)

    grace.goto(reverse("meetings:access_plan", kwargs=upcoming))
    with grace.expect_navigation():
        grace.get_by_role("button", name="Mark the meeting ready").click()
    expect(grace.locator(".govuk-error-summary")).to_contain_text("cannot be marked ready")
    check_page(grace, "the refusal to mark the meeting ready", problems)

    grace.goto(reverse("meetings:access_plan_people", kwargs=upcoming))
    grace.get_by_label("To plan a meeting they are invited to").check()
    with grace.expect_navigation():
        grace.get_by_role("button", name="Show who needs what").click()
    expect(grace.get_by_role("cell", name="Amira Haddad").first).to_be_visible()
    check_page(grace, "who needs what", problems)

    amira = open_page("member", **options)
    amira.goto(reverse("meetings:access_plan", kwargs=upcoming))
    expect(amira.get_by_text("Access plan not complete")).to_be_visible()
    check_page(amira, "a member's view of the plan", problems)

    assert not problems, "\n\n".join(problems)


def test_it_lets_grace_record_why_a_need_cannot_be_met_using_only_the_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    meeting = Meeting.objects.get(pk=pages_access_plan.meeting(demo)["pk"])
    page = open_page("coordinator")
    page.goto(reverse("meetings:access_plan", args=[meeting.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Access plan")

    tab_to(page, "#ready ~ form button.govuk-button", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("British Sign Language (BSL) interpreter")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNING

    bsl = pages_access_plan.need(demo, "bsl-interpreter")["need_type_pk"]
    link = f"a[href$='/access/reasons/{bsl}/']"
    tab_to(page, link, limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("cannot be met")
    tab_to(page, "#id_reason")
    page.keyboard.type("No interpreter is free in the area that afternoon.")
    page.keyboard.press("Tab")
    assert focused(page, "#id_offered_instead")
    page.keyboard.type("Live captions on a screen, and the notes in BSL video afterwards.")
    tab_to(page, "button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_text("Live captions on a screen")).to_be_visible()
    reason = UnmetNeedReason.objects.get(meeting=meeting, need_type__code="bsl-interpreter")
    assert reason.recorded_by == demo.person("coordinator")


def test_it_takes_grace_from_the_error_summary_to_the_unmet_needs_row_by_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    meeting = Meeting.objects.get(pk=pages_access_plan.meeting(demo)["pk"])
    page = open_page("coordinator")
    page.goto(reverse("meetings:access_plan", args=[meeting.pk]))
    tab_to(page, "#ready ~ form button.govuk-button", limit=120)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The summary's line for the BSL interpreter links to that need's row of the table.
    summary = page.locator(".govuk-error-summary")
    link = summary.get_by_role("link", name="British Sign Language (BSL) interpreter, needed by")
    target = link.get_attribute("href")
    assert target is not None
    assert re.fullmatch(r"#need-row-\d+", target), target
    tab_to(page, f".govuk-error-summary a[href='{target}']", limit=120)
    page.keyboard.press("Enter")

    # Focus is on the row itself, so the next Tab reaches what can be done about it.
    page.wait_for_function("(id) => document.activeElement?.id === id", arg=target[1:])
    row = page.locator(target)
    expect(row).to_contain_text("British Sign Language (BSL) interpreter")
    expect(row).to_be_in_viewport()
    page.keyboard.press("Tab")
    assert page.evaluate("(id) => document.activeElement?.closest('tr')?.id === id", target[1:]), (
        "the next Tab left the row"
    )
    assert focused(page, "a[href*='/access/reasons/']")
