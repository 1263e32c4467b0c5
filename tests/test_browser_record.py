"""Keeping a meeting's record with the keyboard alone: the register, then who contributed."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import Contribution, Invitee
from meetings.services import record
from tests.browser import focused, tab_to
from tests.conftest import Demo, OpenPage
from tests.pages import meetings_record as pages_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_lets_the_chair_take_the_register_and_record_a_contribution_by_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    meeting = pages_record.meeting(demo)
    colin = Invitee.objects.get(meeting_id=meeting["pk"], user__email="colin@example.org")
    assert "Colin Price" in [m.user.full_name for m in record.project_voice(demo.website).quiet]
    page = open_page("chair")

    # The register: one group of radios per person, with their name as its legend.
    page.goto(reverse("meetings:attendance", kwargs=meeting))
    expect(page.get_by_role("group", name="Colin Price")).to_be_visible()
    tab_to(page, f"#id_invitee_{colin.pk}_0")
    # From "Came, in the room" down to "Did not come, took part in writing".
    for _press in range(3):
        page.keyboard.press("ArrowDown")
    assert focused(page, f"#id_invitee_{colin.pk}_3")
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Who came is saved.")
    colin.refresh_from_db()
    assert (colin.attended, colin.attended_way) == (False, "written")

    # He sent his thoughts in writing instead: the minute-taker records them.
    page.goto(reverse("meetings:contributions_item", kwargs=pages_record.item(demo)))
    expect(page.get_by_role("group", name="Colin Price")).to_be_visible()
    # He did not come, so writing is the only way he can have contributed.
    expect(page.locator(f"#id_c_{colin.user_id}_in_room")).to_have_count(0)
    tab_to(page, f"#id_c_{colin.user_id}_written")
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("is saved")
    assert Contribution.objects.filter(user_id=colin.user_id, way="written").count() == 1

    # The group has now heard from Colin at his last meeting.
    page.goto(reverse("meetings:project_equal_voice", kwargs=pages_record.project(demo)))
    expect(
        page.get_by_role("heading", name="Members we have not heard from lately")
    ).to_be_visible()
    not_heard = page.content().split('id="not-heard"')[1].split('<h2 class="govuk-heading-m">')[0]
    assert "Colin Price" not in not_heard
    assert "Colin Price" not in [m.user.full_name for m in record.project_voice(demo.website).quiet]
