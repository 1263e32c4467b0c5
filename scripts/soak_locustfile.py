"""What the simulated people do during `make soak` (run by Locust, started by scripts/soak.py).

Members sign in with an account each, look at their meeting, change their reply, and send
further thoughts; leaders (the group's coordinator and chair) upload papers, answer thoughts
and edit the minutes, sometimes from a page that someone else has saved since, as real
people do. Every write the server accepted is written down, with the token it carried, to
SOAK_WRITES (one JSON object a line); every answer over 499 to SOAK_ERRORS, with the time and
whether it was the friendly error page. scripts/soak.py checks them against the database.

Environment (set by scripts/soak.py): SOAK_PLAN, a JSON file with the members' addresses and
the meetings' numbers; SOAK_WRITES and SOAK_ERRORS, where to write.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from locust import HttpUser, between, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.production import DEMO_PASSWORD, Page

PLAN = json.loads(Path(os.environ["SOAK_PLAN"]).read_text())
WRITES = Path(os.environ["SOAK_WRITES"]).open("a", buffering=1)  # noqa: SIM115
ERRORS = Path(os.environ["SOAK_ERRORS"]).open("a", buffering=1)  # noqa: SIM115
FRIENDLY_ERROR = "Sorry, there is a problem with the service"
MEMBERS = itertools.cycle(PLAN["members"])
LEADERS = itertools.cycle(PLAN["leaders"])
UPCOMING, YESTERDAY = PLAN["upcoming"], PLAN["yesterday"]
ANSWER_LINK = re.compile(r"/meetings/\d+/cooling-off/(\d+)/answer/$")
# A one-page PDF, recognised as a PDF from its content as uploads are.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@events.request.add_listener  # type: ignore[untyped-decorator]
def _note_server_errors(
    name: str, response: Any, exception: Exception | None, **_kwargs: Any
) -> None:
    status = getattr(response, "status_code", 0) or 0
    if status >= 500 or (exception is not None and status == 0):
        body = getattr(response, "text", "") or ""
        line = {
            "at": time.time(),
            "name": name,
            "status": status,
            "friendly": FRIENDLY_ERROR in body,
            "exception": type(exception).__name__ if exception and status == 0 else "",
        }
        ERRORS.write(json.dumps(line) + "\n")


def _token() -> str:
    return "soak-" + secrets.token_hex(6)


class Person(HttpUser):
    """Someone signed in, behind the TLS proxy production expects."""

    abstract = True
    email = ""

    def on_start(self) -> None:
        origin = "https://" + urlsplit(self.host or "").netloc
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin})
        self.signed_in = False
        self.at = "/"

    def ensure_signed_in(self) -> bool:
        if not self.signed_in:
            page = self.page("/account/sign-in/", name="sign in")
            fields = {"username": self.email, "password": DEMO_PASSWORD}
            self.signed_in = page is not None and self.send(page, "password", fields, "sign in")
        return self.signed_in

    def as_the_proxy_would(self) -> None:
        """The TLS proxy in front returns Secure cookies over the local socket; requests
        would not send them over http (its cookie policy is not configurable per session)."""
        for cookie in self.client.cookies:
            cookie.secure = False

    def page(self, path: str, *, name: str) -> Page | None:
        self.at = path  # where a form with no action sends itself, as in a browser
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            self.as_the_proxy_would()
            if r.status_code != 200:
                if r.status_code == 302 and "sign-in" in r.headers.get("location", ""):
                    self.signed_in = False  # the session ended (say, during the outage)
                r.failure(f"answered {r.status_code}")
                return None
            r.success()
            return Page(r.text)

    def send(
        self,
        page: Page,
        field: str,
        changes: dict[str, str],
        name: str,
        files: dict[str, tuple[str, bytes, str]] | None = None,
    ) -> bool:
        """Submit the form that has `field`, changed; True when the server accepted it (a
        redirect onwards), False when it refused it (the page again, with the reason)."""
        # A choice of radios has no field until one is ticked: then the page's own form.
        form = (
            page.form_with(field)
            if field
            else next(f for f in page.forms if f.method == "post" and f.action in ("", self.at))
        )
        path = form.action or self.at
        headers = {"Referer": self.client.headers["Origin"] + urlsplit(path).path}
        data = form.values(**changes)
        with self.client.post(
            path,
            data=data if files else urlencode(data),
            files=files,
            headers=headers
            if files
            else headers | {"Content-Type": "application/x-www-form-urlencoded"},
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as r:
            self.as_the_proxy_would()
            if r.status_code == 302:
                r.success()
                return True
            if r.status_code < 500:
                r.success()  # refused with a reason, as a person would see it
                self.wrote("refused", name=name, status=r.status_code)
            else:
                r.failure(f"answered {r.status_code}")
            return False

    def wrote(self, kind: str, **what: object) -> None:
        WRITES.write(json.dumps({"kind": kind, "by": self.email, "at": time.time()} | what))
        WRITES.write("\n")


class Member(Person):
    weight = 8
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        super().on_start()
        self.email = next(MEMBERS)

    @task(4)
    def look(self) -> None:
        if self.ensure_signed_in():
            self.page("/projects/", name="projects")
            self.page(f"/meetings/{UPCOMING}/", name="meeting")
            self.page(f"/meetings/{UPCOMING}/papers/", name="papers")

    @task(2)
    def reply(self) -> None:
        if not self.ensure_signed_in():
            return
        page = self.page(f"/meetings/{UPCOMING}/reply/", name="reply")
        if page is None:
            return
        reply = random.choice(["coming", "apologies"])  # noqa: S311
        way = "in_person" if reply == "coming" else "written"
        if self.send(page, "", {"reply": reply, "way": way}, "reply"):
            self.wrote("reply", reply=reply)

    @task(2)
    def further_thought(self) -> None:
        if not self.ensure_signed_in():
            return
        page = self.page(f"/meetings/{YESTERDAY}/cooling-off/", name="thoughts")
        if page is None:
            return
        token = _token()
        text = f"A further thought from a member ({token}): put the crisis line at the top."
        if self.send(page, "text", {"text": text}, "send a thought"):
            self.wrote("thought", token=token)


class Leader(Person):
    weight = 1
    fixed_count = 2
    wait_time = between(1, 3)

    def on_start(self) -> None:
        super().on_start()
        self.email = next(LEADERS)

    @task(2)
    def upload_paper(self) -> None:
        if not self.ensure_signed_in():
            return
        page = self.page(f"/meetings/{UPCOMING}/papers/add/", name="add a paper")
        if page is None:
            return
        token = _token()
        files = {"file": (f"{token}.pdf", PDF, "application/pdf")}
        if self.send(page, "title", {"title": f"Soak paper {token}"}, "add a paper", files):
            self.wrote("paper", token=token)

    @task(3)
    def answer_thought(self) -> None:
        if not self.ensure_signed_in():
            return
        page = self.page(f"/meetings/{YESTERDAY}/cooling-off/", name="thoughts")
        links = [href for href, _text in page.links if ANSWER_LINK.search(href)] if page else []
        if not links:
            return
        href = random.choice(links)  # noqa: S311
        answer = self.page(href, name="answer a thought")
        if answer is None or not any(form.has("response") for form in answer.forms):
            return  # another leader answered it first: the page now shows their answer
        token = _token()
        response = f"Thank you: we will move the number to the top ({token})."
        if self.send(answer, "response", {"response": response}, "answer a thought"):
            match = ANSWER_LINK.search(href)
            self.wrote("answer", token=token, thought=int(match.group(1)) if match else 0)

    @task(2)
    def edit_minutes(self) -> None:
        if not self.ensure_signed_in():
            return
        page = self.page(f"/meetings/{YESTERDAY}/record/minutes/", name="minutes")
        if page is None:
            return
        if random.random() < 0.3:  # noqa: S311
            # Someone else saves first while this person is still typing.
            time.sleep(random.uniform(1, 3))  # noqa: S311
        token = _token()
        summary = f"The group agreed the crisis pages' order ({token})."
        changes = {"summary": summary, "change_note": f"Summary updated ({token})"}
        if self.send(page, "based_on", changes, "save the minutes"):
            self.wrote("minutes", token=token)
