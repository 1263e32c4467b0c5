"""The journeys that matter most, in a real browser, the ways disabled people use the web:
by keyboard alone, without JavaScript, and zoomed in to the width of a small phone.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from accounts.models import User
from people.models import MemberType
from projects import services as project_services
from projects.models import Membership, ProjectRole
from tests.browser import focused, tab_to
from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "river-kettle-lantern-42"


def invitation_link_from_email(demo: Demo, email: str) -> str:
    """Grace, the coordinator, invites someone new; returns the link from their email."""
    mail.outbox.clear()
    project_services.invitation_create(
        project=demo.website,
        email=email,
        full_name="Nadia Karim",
        member_type=MemberType.LIVED_EXPERIENCE,
        role=ProjectRole.MEMBER,
        message="",
        invited_by=demo.person("coordinator"),
        base_url=demo.base_url + "/",
    )
    (message,) = [message for message in mail.outbox if email in message.to]
    link = re.search(r"https?://\S+/account/invitations/\S+/", str(message.body))
    assert link, message.body
    return link.group()


def type_into(page: Page, selector: str, text: str) -> None:
    """Tab to a field and type, as someone without a mouse does."""
    tab_to(page, selector)
    page.keyboard.type(text)


def test_it_lets_a_newcomer_join_by_invitation_using_only_the_keyboard(
    demo: Demo, open_page: OpenPage
) -> None:
    link = invitation_link_from_email(demo, "nadia.k@example.org")
    page = open_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Join {demo.website.name}")

    # First the skip link, which takes the keyboard past the navigation.
    page.keyboard.press("Tab")
    assert focused(page, ".govuk-skip-link")
    page.keyboard.press("Enter")
    assert focused(page, "#main-content")

    type_into(page, "#id_full_name", "Nadia Karim")
    type_into(page, "#id_password1", NEW_PASSWORD)
    type_into(page, "#id_password2", "a-different-password-1")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The problem is announced and the summary takes the focus; what was typed is kept.
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("alert")).to_contain_text("The two passwords are different")
    expect(summary).to_be_focused()
    expect(page.locator("#id_full_name")).to_have_value("Nadia Karim")
    expect(page.locator("#id_password2")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_password2-error\b")
    )

    # The link in the summary takes the keyboard to the field with the problem.
    tab_to(page, ".govuk-error-summary__list a")
    page.keyboard.press("Enter")
    assert focused(page, "#id_password2")
    page.keyboard.press("Shift+Tab")
    assert focused(page, "#id_password1")
    page.keyboard.type(NEW_PASSWORD)
    page.keyboard.press("Tab")
    page.keyboard.type(NEW_PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(demo.base_url + reverse("projects:detail", args=[demo.website.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text(demo.website.name)
    expect(page.get_by_role("alert")).to_contain_text(f"You have joined {demo.website.name}")
    expect(page.get_by_role("button", name="Sign out (Nadia Karim)")).to_be_attached()
    nadia = User.objects.get(email="nadia.k@example.org")
    assert nadia.check_password(NEW_PASSWORD)
    assert Membership.objects.current().filter(project=demo.website, user=nadia).exists()


def test_it_lets_people_sign_in_by_keyboard_and_explains_a_wrong_password(
    demo: Demo, open_page: OpenPage
) -> None:
    page = open_page()
    page.goto(reverse("accounts:sign_in"))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link, as many keyboard users do first
    type_into(page, "#id_username", "amira@example.org")
    type_into(page, "#id_password", "not-her-password")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text(
        "The email address or password is not right"
    )
    expect(page.locator("#id_username")).to_have_value("amira@example.org")
    expect(page.locator("#id_password")).to_have_value("")

    type_into(page, "#id_password", "coproduce-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(demo.base_url + reverse("home"))
    expect(page.get_by_role("heading", level=1)).to_have_text("What to do next")
    expect(page.get_by_role("link", name="Your projects")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out (Amira Haddad)")).to_be_attached()


def test_it_lets_a_chair_run_the_membership_without_javascript(
    demo: Demo, open_page: OpenPage
) -> None:
    page = open_page("chair", java_script_enabled=False)
    members = reverse("projects:members", args=[demo.website.pk])
    page.goto(members)
    # supported.js, the first script on every page, would have marked the body.
    expect(page.locator("body")).not_to_have_class(re.compile(r"\bjs-enabled\b"))

    # Invite someone.
    page.get_by_role("button", name="Invite someone").click()
    page.get_by_label("Email address").fill("ngozi@example.org")
    page.get_by_label("Their name").fill("Ngozi Obi")
    page.get_by_label("Carer", exact=True).check()
    page.get_by_label("Observer").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page).to_have_url(demo.base_url + members)
    expect(page.get_by_role("alert")).to_contain_text("Invitation sent to ngozi@example.org")
    invitations = page.get_by_role("table", name="Invitations waiting for a reply")
    expect(invitations.get_by_role("row", name=re.compile("Ngozi Obi"))).to_contain_text("Observer")

    # Change Amira's role.
    page.get_by_role("link", name="Change role of Amira Haddad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the role of Amira Haddad")
    page.get_by_label("Co-chair").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(demo.base_url + members)
    expect(page.get_by_role("alert")).to_contain_text("Amira Haddad's role is saved")
    expect(page.get_by_role("row", name=re.compile("Amira Haddad"))).to_contain_text("Co-chair")

    # Remove Colin, after saying yes on the confirmation page.
    page.get_by_role("link", name="Remove Colin Price").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Are you sure you want to remove Colin Price from this project?"
    )
    page.get_by_role("button", name="Yes, remove them").click()
    expect(page).to_have_url(demo.base_url + members)
    expect(page.get_by_role("alert")).to_contain_text(
        "Colin Price is no longer a member of this project"
    )
    expect(page.get_by_role("row", name=re.compile("Colin Price"))).to_have_count(0)

    assert demo.membership("member").role == ProjectRole.CO_CHAIR
    assert not Membership.objects.current().filter(user__email="colin@example.org").exists()


def test_it_fits_a_320_pixel_wide_screen_without_scrolling_sideways(
    demo: Demo, open_page: OpenPage
) -> None:
    # 320 CSS pixels is a 1280-pixel-wide window zoomed to 400% (WCAG 1.4.10, Reflow).
    page = open_page("chair", viewport={"width": 320, "height": 640})
    page.goto(reverse("projects:members", args=[demo.website.pk]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Members")

    width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert width[0] <= width[1], f"The page scrolls sideways: {width[0]} px wide in {width[1]}"

    # The navigation folds behind a Menu button, which opens it.
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    projects_link = page.get_by_role("navigation", name="Menu").get_by_role("link", name="Projects")
    expect(projects_link).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(projects_link).to_be_visible()
    box = projects_link.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box
    assert box["x"] + box["width"] <= 320, box
    expect(page.get_by_role("button", name="Sign out (Deborah Marsh)")).to_be_visible()
    projects_link.click()
    expect(page).to_have_url(demo.base_url + reverse("projects:list"))
