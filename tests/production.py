"""Coproduce as production runs it, for the smoke test and the tests of several servers.

gunicorn with production settings (DJANGO_ENV=production) on 127.0.0.1, a fresh PostgreSQL
database, `manage.py` steps, a background process started in a session of its own and
stopped however the run ends, and a client that reads pages and plays the TLS proxy.

Production settings redirect plain HTTP to HTTPS and mark cookies Secure, because a proxy in
front terminates TLS. The client plays that proxy: it sends `X-Forwarded-Proto: https` (the
SECURE_PROXY_SSL_HEADER the settings trust) and returns Secure cookies over the local socket.
Everything stays on 127.0.0.1 and every step has a time limit.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import http.cookiejar
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
HOST = "127.0.0.1"
REQUEST_SECONDS = 20
STARTUP_SECONDS = 30
DEMO_PASSWORD = "coproduce-demo"


class CheckFailed(Exception):
    pass


def check(condition: object, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def step(message: str) -> None:
    print(f"--> {message}", flush=True)


# --- Reading pages -----------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (name, value, type)

    def values(self, **changes: str) -> list[tuple[str, str]]:
        """What submitting the form sends (files aside), with some fields changed."""
        sent = [
            (name, changes.get(name, value)) for name, value, kind in self.fields if kind != "file"
        ]
        return sent + [(name, value) for name, value in changes.items() if not self.has(name)]

    def has(self, name: str) -> bool:
        return any(field_name == name for field_name, _value, _kind in self.fields)


class Page(HTMLParser):
    """The parts of a page a test follows: links, forms (with their inputs, text areas and
    single-choice lists), stylesheets, scripts, images and the text."""

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
        self._select: tuple[str, list[str], list[str]] | None = None  # name, options, chosen
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
        elif tag in {"input", "textarea", "select", "option"}:
            self._form_field(tag, attrs)
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs.get("href", ""))
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "img":
            self.images.append(attrs)

    def _form_field(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "option":
            if self._select is not None:
                self._select[1].append(attrs.get("value", ""))
                if "selected" in attrs:
                    self._select[2].append(attrs.get("value", ""))
            return
        if self._form is None or not attrs.get("name"):
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind not in {"checkbox", "radio"} or "checked" in attrs:
                self._form.fields.append((attrs["name"], attrs.get("value", ""), kind))
        elif tag == "textarea":
            self._textarea = (attrs["name"], [])
        else:
            self._select = (attrs["name"], [], [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            href, text = self._link
            self.links.append((href, " ".join("".join(text).split())))
            self._link = None
        elif tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            # As browsers do, the newline just after <textarea> is not part of the value.
            self._form.fields.append((name, "".join(text).removeprefix("\n"), "textarea"))
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, chosen = self._select
            self._form.fields.append((name, (chosen or options or [""])[0], "select"))
            self._select = None

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
        raise CheckFailed(f"no link called “{text}”")

    def form_with(self, name: str) -> Form:
        """The first form on the page with a field called `name`."""
        for form in self.forms:
            if form.has(name):
                return form
        raise CheckFailed(f"no form with a field called {name}")

    def link_matching(self, pattern: str) -> str:
        for href, _text in self.links:
            if re.search(pattern, href):
                return href
        raise CheckFailed(f"no link to {pattern}")

    def csrf_token(self) -> str:
        for form in self.forms:
            for name, value, _kind in form.fields:
                if name == "csrfmiddlewaretoken":
                    return value
        raise CheckFailed("no CSRF token on the page")


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

    def __init__(self, base: str, cookies: http.cookiejar.CookieJar | None = None) -> None:
        self.base = base
        self.origin = "https://" + urlsplit(base).netloc
        self.cookies = cookies or http.cookiejar.CookieJar(policy=BehindTlsProxy())
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), NoRedirects()
        )

    def at(self, base: str) -> Browser:
        """The same person, with the same cookies, on another app server behind the proxy
        (cookies belong to the host name, whatever the port)."""
        return Browser(base, self.cookies)

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
        raise CheckFailed(f"too many redirects from {path}")

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


# --- Setting up and running the server ----------------------------------------------------


def production_environment(var_dir: Path, database_url: str) -> dict[str, str]:
    """What a production server's environment holds: this process's, less what would
    change the settings, with a fresh secret key. Servers that share the key and the
    database can take each other's sessions; `var_dir` is each one's own local folder."""
    unwanted = {
        "DEBUG",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "CSRF_TRUSTED_ORIGINS",
        "MEDIA_ROOT",
        "SECURE_SSL_REDIRECT",
    }
    return {
        k: v for k, v in os.environ.items() if k not in unwanted and not k.startswith("AWS_")
    } | {
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        # No mail is sent unless the caller says where: emails wait in the task queue.
        "EMAIL_HOST": "smtp.example.org",
        "DATABASE_URL": database_url,
        "COPRODUCE_VAR_DIR": str(var_dir),
    }


def _server_and_name(database_url: str, suffix: str) -> tuple[str, str]:
    address = urlsplit(database_url)
    name = address.path.lstrip("/")
    check(address.hostname == HOST, f"the database must be on {HOST}, not {address.hostname}")
    check(name.endswith(suffix), f"refusing to drop {name}: its name must end in {suffix}")
    return address._replace(path="/postgres").geturl(), name


def recreate_database(database_url: str, *, suffix: str) -> None:
    """Drop the database and make it again, empty. Its name must end in `suffix`."""
    import psycopg
    from psycopg import sql

    server, name = _server_and_name(database_url, suffix)
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:
        raise CheckFailed(f"PostgreSQL at {urlsplit(server).netloc}: {error}") from error


def drop_database(database_url: str, *, suffix: str) -> None:
    import psycopg
    from psycopg import sql

    server, name = _server_and_name(database_url, suffix)
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def manage(env: dict[str, str], *args: str, seconds: int) -> None:
    step("manage.py " + " ".join(args))
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=seconds)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def background(
    command: Sequence[str], env: dict[str, str], log: Path, *, stop_seconds: int = 15
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` from the project's folder, its output in `log`, until the block ends."""
    with log.open("wb") as output:
        # A session of its own, so stopping it reaches its children and nothing else.
        process = subprocess.Popen(
            list(command),
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=stop_seconds)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], port: int, log: Path, *, workers: int = 2, access_log: bool = True
) -> Iterator[str]:
    command = [
        str(Path(PYTHON).parent / "gunicorn"),
        "coproduce.wsgi",
        f"--bind={HOST}:{port}",
        f"--workers={workers}",
        "--timeout=30",
        "--no-control-socket",
    ]
    if access_log:
        command.append("--access-logfile=-")
    step(f"gunicorn on {HOST}:{port}")
    with background(command, env, log) as server:
        base = f"http://{HOST}:{port}"
        wait_until_up(base, server)
        yield base


def tail(log: Path, lines: int = 60) -> str:
    if not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        check(server.poll() is None, "gunicorn stopped while starting")
        with contextlib.suppress(OSError, CheckFailed):
            if Browser(base).get("/healthz").body == b'{"status": "ok"}':
                return
        time.sleep(0.3)
    raise CheckFailed(f"gunicorn did not answer within {STARTUP_SECONDS} s")


# --- A mail server that keeps what it is sent ------------------------------------------


@dataclass
class Inbox:
    """A mail server on 127.0.0.1 that keeps what it is sent (aiosmtpd)."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self.lock:
            return [message for message in self.messages if address in str(message["To"])]


@contextlib.contextmanager
def mail_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname=HOST, port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()
