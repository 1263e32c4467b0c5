"""Shared Playwright helpers: Debian's Chromium, instant sign-in, axe-core and the keyboard.

The browser is never downloaded: the tests drive `/usr/bin/chromium` (Debian's `chromium`
package). axe-core comes from npm (`node_modules/axe-core`), like the rest of the front end.
"""

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from accounts.models import User

# Playwright's sync API runs an event loop in this thread, which makes Django believe every
# database call comes from async code. The calls are in fact synchronous and sequential.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0, 2.1 and 2.2 at levels A and AA: the standard public bodies must meet.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# How long a page may take before a test gives up on it, in milliseconds.
TIMEOUT_MS = 10_000


def launch_chromium(playwright: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(
            f"The browser tests need Chromium at {CHROMIUM} (Debian's `chromium` package)."
        )
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
    )


def new_context(
    browser: Browser,
    base_url: str,
    user: User | None = None,
    *,
    with_axe: bool = False,
    **options: Any,
) -> BrowserContext:
    """A fresh browser profile, signed in as `user` when given.

    `bypass_csp` lets axe be injected into pages whatever their Content-Security-Policy.
    `with_axe` loads axe-core into every page as it opens, which is quicker than injecting it
    page by page when most pages will be checked.
    """
    context = browser.new_context(base_url=base_url, bypass_csp=True, **options)
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    if with_axe:
        context.add_init_script(path=AXE_SCRIPT)
    if user is not None:
        sign_in(context, base_url, user)
    return context


def sign_in(context: BrowserContext, base_url: str, user: User) -> None:
    """Sign `user` in without typing: copy a session made by the test client into the browser."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now and return its WCAG A/AA violations."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_SCRIPT))
    result: dict[str, Any] = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags},
            resultTypes: ["violations"],
        })""",
        AXE_TAGS,
    )
    return list(result["violations"])


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One line per rule and failing element, for an assertion message a person can act on."""
    lines = []
    for violation in violations:
        lines.append(f"  {violation['id']} ({violation.get('impact')}): {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(str(node.get("failureSummary", "")).split())
            lines.append(f"      {target}: {summary}")
    return "\n".join(lines)


# A phone held upright: pages must reflow to it without scrolling sideways (WCAG 1.4.10).
NARROW = {"width": 320, "height": 640}


def check_page(page: Page, what: str, problems: list[str]) -> None:
    """Add to `problems` what axe finds on the page, and any sideways scrolling."""
    if violations := axe_violations(page):
        problems.append(f"{what} at {page.url}:\n{describe_violations(violations)}")
    width = page.viewport_size["width"] if page.viewport_size else 0
    scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
    if width and scroll_width > width:
        problems.append(f"{what} at {page.url} is {scroll_width} px wide in {width} px")


def htmx_settled(page: Page) -> None:
    """Wait until HTMX has finished putting in new content and binding its forms: a key
    pressed sooner, faster than a person would, reaches a form not yet enhanced."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling')")


def focused(page: Page, selector: str) -> bool:
    return bool(page.evaluate("(s) => document.activeElement?.matches(s) ?? false", selector))


def tab_to(page: Page, selector: str, *, backwards: bool = False, limit: int = 60) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has the focus.

    Fails when it is never reached, which is what a keyboard user would find too.
    """
    key = "Shift+Tab" if backwards else "Tab"
    for _press in range(limit):
        if focused(page, selector):
            return
        page.keyboard.press(key)
    if not focused(page, selector):
        active = page.evaluate("() => document.activeElement?.outerHTML.slice(0, 200)")
        raise AssertionError(
            f"{selector} was not reached after {limit} presses of {key}; focus is on {active}"
        )


# The words a failure message uses for the elements `tab_to_words` looks for.
_ELEMENT_NAMES = {"A": "link", "BUTTON": "button"}


def tab_to_words(page: Page, words: str, *, tag: str, limit: int = 80) -> None:
    """Press Tab until a `tag` element (e.g. "A", "BUTTON") whose text is `words` has the focus.

    Fails when it is never reached, which is what a keyboard user would find too.
    """
    script = (
        "([t, w]) => document.activeElement?.tagName === t"
        " && document.activeElement.textContent.trim() === w"
    )
    for _press in range(limit):
        if page.evaluate(script, [tag, words]):
            return
        page.keyboard.press("Tab")
    name = _ELEMENT_NAMES.get(tag, tag.lower())
    assert page.evaluate(script, [tag, words]), f"the {name} “{words}” was not reached by Tab"


def tab_to_button(page: Page, words: str, limit: int = 80) -> None:
    """Press Tab until the button whose text is `words` has the focus."""
    tab_to_words(page, words, tag="BUTTON", limit=limit)
