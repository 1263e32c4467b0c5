"""Production, end to end: the demo organisation served by gunicorn with production settings.

`make smoke` runs this (CI runs it after the PostgreSQL suite). It collects the static files,
migrates a fresh PostgreSQL database (SMOKE_DATABASE_URL, whose name must end in `_smoke`:
it is dropped and made again), loads the demo, starts gunicorn on 127.0.0.1 on a free port,
then signs in as every demo person with a real HTTP client and follows the links they would:
their projects, a meeting, its papers and a download. It checks that the stylesheet and the
scripts load under hashed names and that the organisation's logo, uploaded through the
settings page, shows. Everything stays on 127.0.0.1 and every step has a time limit;
gunicorn is stopped however the run ends.

Production settings redirect plain HTTP to HTTPS and mark cookies Secure, because a proxy in
front terminates TLS. The client plays that proxy: it sends `X-Forwarded-Proto: https` (the
SECURE_PROXY_SSL_HEADER the settings trust) and returns Secure cookies over the local socket.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from pathlib import Path
from types import FrameType
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DATABASE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coproduce_smoke"
)
HOST = "127.0.0.1"
WHOLE_RUN_SECONDS = 600
REQUEST_SECONDS = 20
STARTUP_SECONDS = 30

DEMO_PASSWORD = "coproduce-demo"  # noqa: S105  (published in the README)
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
    Persona("olu@example.org", "Olu Adeyemi", ()),
]


class SmokeFailure(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def step(message: str) -> None:
    print(f"--> {message}", flush=True)


# --- Reading pages -----------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, type)


class Page(HTMLParser):
    """The parts of a page the smoke test follows: links, forms, stylesheets, scripts,
    images and the text."""

    def __init__(self, body: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (href, text)
        self.forms: list[Form] = []
        self.stylesheets: list[str] = []
        self.scripts: list[str] = []
        self.images: list[dict[str, str]] = []
        self.text: list[str] = []
        self._link: tuple[str, list[str]] | None = None
        self._form: Form | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self.feed(body)
        self.close()

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attr_list}
        if tag == "a" and "href" in attrs:
            self._link = (attrs["href"], [])
        elif tag == "form":
            self._form = Form(
                attrs.get("action", ""),
                attrs.get("method", "get").lower(),
                attrs.get("enctype", "application/x-www-form-urlencoded"),
            )
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name"):
            kind = attrs.get("type", "text").lower()
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                self._form.fields.append((attrs["name"], attrs.get("value", ""), kind))
        elif tag == "textarea" and self._form is not None and attrs.get("name"):
            self._textarea = (attrs["name"], [])
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs.get("href", ""))
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "img":
            self.images.append(attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((href, " ".join("".join(text).split())))
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form.fields.append((name, "".join(text), "textarea"))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._link is not None:
            self._link[1].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    @property
    def all_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def link_called(self, text: str) -> str:
        for href, link_text in self.links:
            if link_text == text:
                return href
        raise SmokeFailure(f"no link called “{text}”")

    def link_matching(self, pattern: str) -> str:
        for href, _text in self.links:
            if re.search(pattern, href):
                return href
        raise SmokeFailure(f"no link to {pattern}")

    def csrf_token(self) -> str:
        for form in self.forms:
            for name, value, _kind in form.fields:
                if name == "csrfmiddlewaretoken":
                    return value
        raise SmokeFailure("no CSRF token on the page")


# --- Talking to the server ---------------------------------------------------------------


@dataclass
class Response:
    status: int
    url: str
    headers: dict[str, str]
    body: bytes

    @property
    def page(self) -> Page:
        return Page(self.body.decode("utf-8"))


def lower(headers: Message) -> dict[str, str]:
    return {name.lower(): value for name, value in headers.items()}


class BehindTlsProxy(http.cookiejar.DefaultCookiePolicy):
    """Returns Secure cookies over the local socket, as the TLS proxy in front would."""

    def return_ok_secure(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return True


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Browser:
    """One person's visit: their cookies, the proxy's header, and redirects followed by hand
    so each one can be checked."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.origin = "https://" + urlsplit(base).netloc
        self.cookies = http.cookiejar.CookieJar(policy=BehindTlsProxy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def request(
        self,
        path: str,
        *,
        data: bytes | None = None,
        content_type: str | None = None,
        follow: bool = True,
    ) -> Response:
        url = urljoin(self.base, path)
        for _hop in range(10):
            check(url.startswith(self.base), f"left {HOST}: {url}")
            headers = {"X-Forwarded-Proto": "https", "User-Agent": "coproduce-smoke"}
            if data is not None:
                # Secure requests need an Origin (or Referer) that matches the host.
                headers |= {"Origin": self.origin, "Referer": self.origin + urlsplit(url).path}
                headers["Content-Type"] = content_type or "application/x-www-form-urlencoded"
            request = urllib.request.Request(url, data=data, headers=headers)  # noqa: S310
            try:
                with self.opener.open(request, timeout=REQUEST_SECONDS) as answer:
                    response = Response(answer.status, url, lower(answer.headers), answer.read())
            except urllib.error.HTTPError as error:
                response = Response(error.code, url, lower(error.headers), error.read())
            check(response.status < 500, f"{url} answered {response.status}")
            if not follow or response.status not in {301, 302, 303, 307, 308}:
                return response
            # Production builds https:// addresses; the proxy would take them to us.
            location = urljoin(self.origin + urlsplit(url).path, response.headers["location"])
            check(location.startswith(self.origin), f"redirected away, to {location}")
            url = self.base + location.removeprefix(self.origin)
            data = None
        raise SmokeFailure(f"too many redirects from {path}")

    def get(self, path: str, *, status: int = 200, follow: bool = True) -> Response:
        response = self.request(path, follow=follow)
        check(response.status == status, f"GET {path} answered {response.status}, not {status}")
        return response

    def post(self, path: str, fields: list[tuple[str, str]]) -> Response:
        return self.request(path, data=urlencode(fields).encode(), follow=False)

    def post_multipart(
        self, path: str, fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes, str]]
    ) -> Response:
        boundary = secrets.token_hex(16)
        parts: list[bytes] = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content, content_type) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            path,
            data=b"".join(parts),
            content_type=f"multipart/form-data; boundary={boundary}",
            follow=False,
        )

    def sign_in(self, email: str) -> Response:
        page = self.get("/account/sign-in/").page
        response = self.post(
            "/account/sign-in/",
            [
                ("csrfmiddlewaretoken", page.csrf_token()),
                ("username", email),
                ("password", DEMO_PASSWORD),
            ],
        )
        check(response.status == 302, f"{email} could not sign in ({response.status})")
        session = [cookie for cookie in self.cookies if cookie.name == "sessionid"]
        check(session and session[0].secure, "the session cookie is not marked Secure")
        return self.get(response.headers["location"])


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
    check(home.url.endswith("/projects/"), f"{persona.email} landed on {home.url}")
    check("strict-transport-security" in home.headers, "no HSTS header: not production")
    page = home.page
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


# --- Setting up and running the server ----------------------------------------------------


def production_environment(var_dir: Path) -> dict[str, str]:
    unwanted = {
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CSRF_TRUSTED_ORIGINS",
        "MEDIA_ROOT",
        "SECURE_SSL_REDIRECT",
    }
    return {k: v for k, v in os.environ.items() if k not in unwanted} | {
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        # No mail is sent: emails wait in the task queue, and no worker runs here.
        "EMAIL_HOST": "smtp.example.org",
        "DATABASE_URL": DATABASE_URL,
        "COPRODUCE_VAR_DIR": str(var_dir),
    }


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    address = urlsplit(DATABASE_URL)
    name = address.path.lstrip("/")
    check(address.hostname == HOST, f"the smoke database must be on {HOST}")
    check(name.endswith("_smoke"), f"refusing to drop {name}: its name must end in _smoke")
    server = address._replace(path="/postgres").geturl()
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise SmokeFailure(f"PostgreSQL at {address.hostname}:{address.port}: {error}") from error


def manage(env: dict[str, str], *args: str, seconds: int) -> None:
    step("manage.py " + " ".join(args))
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=seconds
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, log: Path) -> Iterator[str]:
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "coproduce.wsgi",
        f"--bind={HOST}:{port}",
        "--workers=2",
        "--timeout=30",
        "--no-control-socket",
        "--access-logfile=-",
    ]
    step(f"gunicorn on {HOST}:{port}")
    with log.open("wb") as output:
        # A session of its own, so stopping it reaches its workers and nothing else.
        server = subprocess.Popen(  # noqa: S603
            command,
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://{HOST}:{port}"
        wait_until_up(base, server)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=5)


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        check(server.poll() is None, "gunicorn stopped while starting")
        with contextlib.suppress(OSError, SmokeFailure):
            if Browser(base).get("/healthz").body == b'{"status": "ok"}':
                return
        time.sleep(0.3)
    raise SmokeFailure(f"gunicorn did not answer within {STARTUP_SECONDS} s")


def on_alarm(signum: int, frame: FrameType | None) -> None:
    raise SmokeFailure(f"the smoke test took longer than {WHOLE_RUN_SECONDS} s")


def run(var_dir: Path) -> None:
    env = production_environment(var_dir)
    step(f"fresh database {urlsplit(DATABASE_URL).path.lstrip('/')}")
    recreate_database()
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
            website_url = sam.sign_in("sam@example.org").page.link_called(WEBSITE)
            logo = upload_logo(sam)
            check_logo(anonymous, anonymous.get("/").page, logo)

            for persona in PERSONAS:
                step(f"{persona.email}: {', '.join(persona.projects) or 'no projects'}")
                check_persona(base, persona, logo, website_url)
    except BaseException:
        if log.exists():
            print("\nThe last of gunicorn's log:", file=sys.stderr)
            print("\n".join(log.read_text(errors="replace").splitlines()[-60:]), file=sys.stderr)
        raise


def main() -> int:
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(WHOLE_RUN_SECONDS)
    # SIGTERM (from make or CI) unwinds like Ctrl+C, so gunicorn is stopped on the way out.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    var_dir = Path(tempfile.mkdtemp(prefix="coproduce-smoke-"))
    try:
        run(var_dir)
    except (SmokeFailure, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
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
