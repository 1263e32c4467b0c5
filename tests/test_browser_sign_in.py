"""Signing in when someone has been guessing: the pause, what the page says, and the way
back in through the emailed link."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from coproduce.management.commands.demo import DEMO_PASSWORD
from tests.browser import axe_violations, describe_violations
from tests.conftest import Demo, OpenPage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "harbour-violet-lantern-9"


def try_to_sign_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()


def test_it_pauses_signing_in_after_guesses_and_lets_amira_back_in_by_email(
    demo: Demo, open_page: OpenPage
) -> None:
    mail.outbox.clear()
    page = open_page(with_axe=True)
    page.goto("/account/sign-in/")
    for guess in range(4):
        try_to_sign_in(page, "amira@example.org", f"guess-{guess}")
        expect(page.locator(".govuk-error-summary")).to_contain_text(
            "The email address or password is not right"
        )
    try_to_sign_in(page, "amira@example.org", "guess-4")

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Signing in is paused for now")
    expect(summary).to_contain_text(re.compile(r"try again after \d{1,2}:\d\d[ap]m"))
    expect(summary.get_by_role("link", name="Reset your password")).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Email address")).to_have_value("amira@example.org")
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)

    # The right password does not get in while the pause lasts.
    try_to_sign_in(page, "amira@example.org", DEMO_PASSWORD)
    expect(page.locator(".govuk-error-summary")).to_contain_text("Signing in is paused")

    # Amira's email has a link that lets her choose a new password, and that lifts the pause.
    (message,) = [message for message in mail.outbox if "amira@example.org" in message.to]
    assert "paused" in message.subject
    link = re.search(r"https?://\S+/account/password/reset/\S+/", str(message.body))
    assert link, message.body
    page.goto(link.group())
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Save the new password").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("password")

    page.goto("/account/sign-in/")
    try_to_sign_in(page, "amira@example.org", NEW_PASSWORD)
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
