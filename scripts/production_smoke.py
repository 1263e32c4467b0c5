"""Production, end to end: the demo organisation served by gunicorn with production settings.

`make smoke` runs this (CI runs it after the PostgreSQL suite). It collects the static files,
migrates a fresh PostgreSQL database (SMOKE_DATABASE_URL, whose name must end in `_smoke`:
it is dropped and made again), loads the demo, starts gunicorn on 127.0.0.1 on a free port,
then signs in as every demo person with a real HTTP client and follows the links they would:
their projects, a meeting, its papers and a download. It checks that the stylesheet and the
scripts load under hashed names and that the organisation's logo, uploaded through the
settings page, shows. Everything stays on 127.0.0.1 and every step has a time limit;
gunicorn is stopped however the run ends. The client, which plays the TLS proxy in front,
and the steps of starting a server are in tests/production.py.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from urllib.parse import urljoin, urlsplit

# The helpers this shares with the tests of several app servers live in tests/production.py.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.production import (
    Browser,
    CheckFailed,
    Page,
    check,
    free_port,
    gunicorn,
    manage,
    production_environment,
    recreate_database,
    step,
    tail,
)

DATABASE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coproduce_smoke"
)
WHOLE_RUN_SECONDS = 600

WEBSITE = "Mental health information website"
EMPLOYMENT = "Disability and employment group"
HELD_MEETING = "Planning the new website"
HELD_MEETING_PAPER = "What people told us about the old website"
HASHED = re.compile(r"/static/.+\.[0-9a-f]{12}\.(css|js)$")


@dataclass(frozen=True)
class Persona:
    email: str
    name: str
    projects: tuple[str, ...]


# Everyone the demo loads (coproduce/management/commands/demo.py), with the projects each
# must see; administrators and coordinators see every project.
PERSONAS = [
    Persona("sam@example.org", "Sam Okoro", (WEBSITE, EMPLOYMENT)),
    Persona("grace@example.org", "Grace Whitfield", (WEBSITE, EMPLOYMENT)),
    Persona("deborah@example.org", "Deborah Marsh", (WEBSITE,)),
    Persona("amira@example.org", "Amira Haddad", (WEBSITE,)),
    Persona("colin@example.org", "Colin Price", (WEBSITE,)),
    Persona("priya@example.org", "Dr Priya Natarajan", (WEBSITE,)),
    Persona("tom@example.org", "Tom Gallagher", (WEBSITE,)),
    Persona("kwame@example.org", "Kwame Mensah", (WEBSITE, EMPLOYMENT)),
    Persona("harriet@example.org", "Harriet Blake", (EMPLOYMENT,)),
    Persona("marcus@example.org", "Marcus Reid", (EMPLOYMENT,)),
    Persona("jenny@example.org", "Jenny Cho", (EMPLOYMENT,)),
    Persona("rafael@example.org", "Rafael Santos", (EMPLOYMENT,)),
    Persona("linda@example.org", "Linda Morrow", (EMPLOYMENT,)),
    Persona("fatima@example.org", "Fatima Rahman", ()),
    Persona("olu@example.org", "Olu Adeyemi", ()),
]


# --- The checks ---------------------------------------------------------------------------


def check_static_files(browser: Browser, page: Page) -> None:
    """The stylesheet and every script load under hashed names, and so does what they name."""
    check(page.stylesheets and page.scripts, "the page links no stylesheet or script")
    for url in page.stylesheets + page.scripts:
        check(HASHED.search(url), f"{url} has no hashed name")
        response = browser.get(url)
        check("immutable" in response.headers.get("cache-control", ""), f"{url} is not cached")
        text = response.body.decode("utf-8")
        if url.endswith(".css"):
            check(response.headers["content-type"].startswith("text/css"), f"{url} type")
            named = re.findall(r"""url\(\s*["']?([^"')]+)""", text)
        else:
            check("javascript" in response.headers["content-type"], f"{url} type")
            named = re.findall(r"""(?:import|from)\s*["'](\.{0,2}/[^"']+)["']""", text)
        for name in named:
            if not name.startswith("data:"):
                target = urljoin(url, name)
                check(HASHED.search(target), f"{url} names {name}, which has no hashed name")
                browser.get(target)


def tiny_png() -> bytes:
    """A two-by-two teal PNG, made here so the script needs nothing but Python."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x0b\x5c\x5a" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def upload_logo(browser: Browser) -> bytes:
    """Sam uploads a logo on the organisation settings page, as an administrator would."""
    page = browser.get("/account/organisation/").page
    form = next((form for form in page.forms if "multipart" in form.enctype), None)
    check(form, "the organisation settings page has no upload form")
    assert form is not None
    fields = [(name, value) for name, value, kind in form.fields if kind != "file"]
    logo = tiny_png()
    response = browser.post_multipart(
        form.action or "/account/organisation/",
        fields,
        {"logo": ("riverside-logo.png", logo, "image/png")},
    )
    check(response.status == 302, f"saving the logo answered {response.status}")
    return logo


def check_logo(browser: Browser, page: Page, logo: bytes) -> None:
    sources = [
        image["src"] for image in page.images if "app-header__logo" in image.get("class", "")
    ]
    check(sources, "the header shows no logo")
    response = browser.get(sources[0])
    check(response.headers["content-type"] == "image/png", "the logo is not a PNG")
    check(response.body == logo, "the logo is not the file uploaded")


def check_persona(base: str, persona: Persona, logo: bytes, website_url: str) -> None:
    browser = Browser(base)
    home = browser.sign_in(persona.email)
    check(urlsplit(home.url).path == "/", f"{persona.email} landed on {home.url}")
    check("strict-transport-security" in home.headers, "no HSTS header: not production")
    page = browser.get("/projects/").page
    text = page.all_text
    check(persona.name in text, f"{persona.email}'s name is not in the header")
    for project in (WEBSITE, EMPLOYMENT):
        seen = project in text
        check(seen == (project in persona.projects), f"{persona.email} sees {project}: {seen}")
    check_static_files(browser, page)
    check_logo(browser, page, logo)
    check(persona.name in browser.get("/me/").page.all_text, "the profile page lacks the name")

    if not persona.projects:
        # Outsiders get "Page not found" for a project's pages, rendered in production.
        missing = browser.get(website_url, status=404).page
        check("Page not found" in missing.all_text, "the 404 page is not ours")
        return
    for project in persona.projects:
        detail = browser.get(page.link_called(project)).page
        check(project in detail.all_text, f"the {project} page lacks its name")
        meetings = browser.get(detail.link_matching(r"^/projects/\d+/meetings/$")).page
        if project != WEBSITE:
            continue
        meeting = browser.get(meetings.link_called(HELD_MEETING)).page
        check(HELD_MEETING in meeting.all_text, "the meeting page lacks its title")
        papers = browser.get(meeting.link_matching(r"^/meetings/\d+/papers/$")).page
        check(HELD_MEETING_PAPER in papers.all_text, "the papers page lacks the paper")
        download = browser.get(papers.link_matching(r"/download/$"))
        check(download.headers["content-type"] == "application/pdf", "the paper is not a PDF")
        check(download.body.startswith(b"%PDF"), "the download is not the paper")
        check(
            download.headers.get("content-disposition", "").startswith("attachment"),
            "the paper does not download as a file",
        )


def on_alarm(signum: int, frame: FrameType | None) -> None:
    raise CheckFailed(f"the smoke test took longer than {WHOLE_RUN_SECONDS} s")


def run(var_dir: Path) -> None:
    env = production_environment(var_dir, DATABASE_URL)
    step(f"fresh database {urlsplit(DATABASE_URL).path.lstrip('/')}")
    recreate_database(DATABASE_URL, suffix="_smoke")
    manage(env, "collectstatic", "--no-input", "--verbosity=1", seconds=180)
    manage(env, "migrate", "--no-input", "--verbosity=0", seconds=300)
    manage(env, "createcachetable", seconds=60)
    manage(env, "demo", "--force", seconds=180)
    log = var_dir / "gunicorn.log"
    try:
        with gunicorn(env, free_port(), log) as base:
            anonymous = Browser(base)
            step("signed out: the home page and the sign-in page")
            check_static_files(anonymous, anonymous.get("/").page)
            check("Sign in" in anonymous.get("/account/sign-in/").page.all_text, "no sign-in")

            step("sam@example.org uploads the organisation's logo")
            sam = Browser(base)
            sam.sign_in("sam@example.org")
            website_url = sam.get("/projects/").page.link_called(WEBSITE)
            logo = upload_logo(sam)
            check_logo(anonymous, anonymous.get("/").page, logo)

            for persona in PERSONAS:
                step(f"{persona.email}: {', '.join(persona.projects) or 'no projects'}")
                check_persona(base, persona, logo, website_url)
    except BaseException:
        if log.exists():
            print("\nThe last of gunicorn's log:", file=sys.stderr)
            print(tail(log), file=sys.stderr)
        raise


def main() -> int:
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(WHOLE_RUN_SECONDS)
    # SIGTERM (from make or CI) unwinds like Ctrl+C, so gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    var_dir = Path(tempfile.mkdtemp(prefix="coproduce-smoke-"))
    try:
        run(var_dir)
    except (CheckFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        print(f"\nProduction smoke test failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nProduction smoke test stopped.", file=sys.stderr)
        return 130
    finally:
        signal.alarm(0)
        shutil.rmtree(var_dir, ignore_errors=True)
    print("\nProduction smoke test passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
