"""Fixtures for the browser tests: one Chromium for the whole run and the demo organisation."""

import io
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from accounts.models import User
from coproduce.management.commands.demo import EMPLOYMENT, PERSONAS, WEBSITE
from projects.models import Membership, Project
from tests.browser import launch_chromium, new_context

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The personas every page is checked for, from no account at all to the administrator.
ANONYMOUS = "anonymous"
BROWSER_PERSONAS = [
    ANONYMOUS,
    "outsider",
    "member",
    "chair",
    "coordinator",
    "administrator",
    "finance",
]


@dataclass
class Demo:
    """The demo organisation as loaded by `manage.py demo`, served by the live server."""

    base_url: str
    website: Project
    employment: Project

    def user(self, persona: str) -> User | None:
        if persona == ANONYMOUS:
            return None
        return User.objects.get(email=PERSONAS[persona])

    def person(self, persona: str) -> User:
        user = self.user(persona)
        assert user is not None, f"{persona} has no account"
        return user

    def membership(self, persona: str, project: Project | None = None) -> Membership:
        return Membership.objects.current().get(
            project=project or self.website, user=self.person(persona)
        )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def demo_fixture(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The demo organisation, built once per test worker and saved as a fixture file.

    Building it takes seconds (it goes through the services, as a coordinator would);
    loading the saved copy before each browser test takes a fraction of that.
    """
    path = tmp_path_factory.mktemp("demo") / "demo.json"
    with django_db_blocker.unblock():
        call_command("demo", force=True, stdout=io.StringIO())
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=["contenttypes", "auth.permission", "sessions", "admin.logentry"],
            output=str(path),
            stdout=io.StringIO(),
        )
        # Leave the database as empty as every other test expects to find it.
        call_command("flush", interactive=False, stdout=io.StringIO())
    return path


@pytest.fixture
def demo(live_server: Any, transactional_db: None, demo_fixture: Path) -> Demo:
    # The cache table is not one of the models a flush empties: throttling counts from an
    # earlier test would otherwise carry over.
    cache.clear()
    call_command("loaddata", str(demo_fixture), stdout=io.StringIO())
    return Demo(
        base_url=live_server.url,
        website=Project.objects.get(name=WEBSITE),
        employment=Project.objects.get(name=EMPLOYMENT),
    )


OpenPage = Callable[..., Page]


@pytest.fixture
def open_page(browser: Browser, demo: Demo) -> Iterator[OpenPage]:
    """`open_page("chair")` gives a page in a fresh profile signed in as that persona.

    Keyword arguments go to Playwright's `new_context` (viewport, java_script_enabled...).
    """
    contexts: list[BrowserContext] = []

    def opener(persona: str = ANONYMOUS, **options: Any) -> Page:
        context = new_context(browser, demo.base_url, demo.user(persona), **options)
        contexts.append(context)
        return context.new_page()

    yield opener
    for context in contexts:
        context.close()
