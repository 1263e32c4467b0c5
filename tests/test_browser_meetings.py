"""Replying to a meeting invitation by keyboard alone: Tom cannot come, so he sends his
apologies and writes his thoughts on an agenda item for the meeting to hear."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from meetings.models import AgendaItem, InputKind, Invitee, Meeting, Reply, WrittenInput
from tests.browser import axe_violations, describe_violations, focused, tab_to
from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

THOUGHTS = "Please test the phone numbers on a small screen first."


def test_it_lets_tom_send_apologies_and_written_thoughts_using_only_the_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    meeting = Meeting.objects.get(title="Testing the crisis pages with users")
    item = AgendaItem.objects.get(meeting=meeting, title="Which pages to test first")
    page = open_page("commissioner")
    page.goto(reverse("meetings:reply", args=[meeting.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your reply")

    page.keyboard.press("Tab")
    assert focused(page, ".govuk-skip-link")
    page.keyboard.press("Enter")
    assert focused(page, "#main-content")

    # Into the first answer, then the arrow key moves to, and chooses, the next one.
    tab_to(page, "#id_reply_0")
    page.keyboard.press("ArrowDown")
    assert focused(page, "#id_reply_1")
    expect(page.locator("#id_reply_1")).to_be_checked()
    tab_to(page, "button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Your thoughts on the agenda")
    expect(page.get_by_role("alert")).to_contain_text("Thank you for letting us know")

    tab_to(page, f"#id_item_{item.pk}")
    page.keyboard.type(THOUGHTS)
    tab_to(page, "button.govuk-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page.get_by_role("alert")).to_contain_text("Your thoughts are saved.")
    expect(page.locator(f"#id_item_{item.pk}")).to_have_value(THOUGHTS)
    tom = Invitee.objects.get(meeting=meeting, user__email="tom@example.org")
    assert tom.reply == Reply.APOLOGIES
    written = WrittenInput.objects.get(meeting=meeting, author=tom.user)
    assert (written.kind, written.agenda_item_id, written.text) == (
        InputKind.ADVANCE,
        item.pk,
        THOUGHTS,
    )


def test_it_explains_problems_accessibly_when_preparing_a_meeting(
    demo: Demo, open_page: OpenPage
) -> None:
    """The error states of the preparation forms, and the page after invitations go, pass axe
    and say what to do."""
    meeting = Meeting.objects.get(title="Testing the crisis pages with users")
    page = open_page("chair", with_axe=True)
    problems: list[str] = []

    def check(what: str) -> None:
        if violations := axe_violations(page):
            problems.append(f"{what}:\n{describe_violations(violations)}")

    # An item that would make the agenda longer than the meeting.
    page.goto(reverse("meetings:agenda_item_add", args=[meeting.pk]))
    page.get_by_label("Title").fill("A long discussion")
    page.get_by_label("For discussion").check()
    page.get_by_label("How long, in minutes").fill("120")
    with page.expect_navigation():
        page.get_by_role("button", name="Add the item").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The agenda would last 4 hours 30 minutes but the meeting is 3 hours."
    )
    expect(page.get_by_label("Title")).to_have_value("A long discussion")
    check("agenda item longer than the meeting")

    # A file we cannot accept.
    page.goto(reverse("meetings:paper_add", args=[meeting.pk]))
    page.get_by_label("Title").fill("Installer")
    page.get_by_label("The paper's file").set_input_files(
        files={"name": "setup.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Publish the paper").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "We cannot accept .exe files as papers."
    )
    check("paper of a type we cannot accept")

    # Sending a reply without choosing an answer.
    reply = open_page("commissioner", with_axe=True)
    reply.goto(reverse("meetings:reply", args=[meeting.pk]))
    with reply.expect_navigation():
        reply.get_by_role("button", name="Send my reply").click()
    expect(reply.locator(".govuk-error-summary")).to_contain_text("Say whether you will take part")
    if violations := axe_violations(reply):
        problems.append(f"reply without an answer:\n{describe_violations(violations)}")

    # Invitations going out, with Colin to be contacted by post as well.
    Invitee.objects.filter(meeting=meeting, user__email="colin@example.org").update(invited_at=None)
    page.goto(reverse("meetings:invitations", args=[meeting.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitation to 1 person").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation sent")
    check("invitations sent")

    assert not problems, "\n\n".join(problems)


@pytest.mark.parametrize("javascript", [True, False], ids=["with JavaScript", "without"])
def test_it_ticks_everyone_to_invite_with_one_button(
    demo: Demo, open_page: OpenPage, javascript: bool
) -> None:
    """ "Add people to invite" starts with nobody ticked; "Select everyone" ticks them all, in
    place with JavaScript and by showing the page again without it. Both states pass axe
    (run where JavaScript runs: axe is a script itself)."""
    meeting = Meeting.objects.get(title="Testing the crisis pages with users")
    Invitee.objects.filter(
        meeting=meeting, user__email__in=["colin@example.org", "tom@example.org"]
    ).delete()
    page = open_page("chair", with_axe=javascript, java_script_enabled=javascript)
    url = reverse("meetings:invitee_add", args=[meeting.pk])
    page.goto(url)
    boxes = page.locator("input[name=people]")
    expect(boxes).to_have_count(2)
    for index in range(2):
        expect(boxes.nth(index)).not_to_be_checked()
    problems = []
    if javascript and (violations := axe_violations(page)):
        problems.append(f"nobody ticked:\n{describe_violations(violations)}")

    button = page.get_by_role("button", name="Select everyone")
    if javascript:
        button.click()
        expect(page.get_by_role("status")).to_contain_text("Everyone is ticked.")
    else:
        with page.expect_navigation():
            button.click()
    for index in range(2):
        expect(boxes.nth(index)).to_be_checked()
    expect(page.get_by_role("status")).to_contain_text("Everyone is ticked.")
    if javascript and (violations := axe_violations(page)):
        problems.append(f"everyone ticked:\n{describe_violations(violations)}")

    with page.expect_navigation():
        page.get_by_role("button", name="Add to the list").click()
    expect(page.get_by_role("alert")).to_contain_text("2 added to the list.")
    assert not problems, "\n\n".join(problems)


def test_it_explains_a_dial_in_that_is_not_a_phone_number_accessibly(
    demo: Demo, open_page: OpenPage
) -> None:
    meeting = Meeting.objects.get(title="Planning the new website")
    page = open_page("chair", with_axe=True)
    page.goto(reverse("meetings:create", args=[meeting.project_id]))
    page.get_by_label("Title").fill("Reading the drafts")
    page.get_by_label("Online, by video call").check()
    page.get_by_label("Video call link").fill("https://meet.example.org/drafts")
    page.get_by_label("Phone dial-in number").fill("ring Deborah")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan the meeting").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter the phone dial-in number as digits")
    summary.get_by_role("link", name="Enter the phone dial-in number as digits").click()
    assert focused(page, "#id_phone_dial_in")
    expect(page.get_by_label("Phone dial-in number")).to_have_value("ring Deborah")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
