"""`make bench`: how fast the busiest pages are with an organisation's worth of data.

It fills the database it is pointed at (a throwaway one: `make bench` uses var/bench.sqlite3,
or BENCH_DATABASE_URL) with many projects, people and a large meeting, then requests each
page repeatedly as the person who would use it. It prints the median and slowest time and
the number of queries, and fails when a page misses its target. Then it prints how the key
pages grow at 1x, 10x and 100x of the rows they list (coproduce/management/bench_growth.py).
Timing lives here rather than in the tests, which assert query counts instead.

`--http-pages FILE` only fills the data, gives the people the key pages are for a password,
and writes the key pages (address, who asks, queries) to FILE as JSON, for
scripts/http_bench.py, which times them over HTTP with wrk.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, Organisation, OrgRole, User
from coproduce.management.bench_growth import growth_table
from decisions.bench import decision_data, decision_key_pages, decision_pages
from meetings.bench import meeting_data, meeting_pages
from people.models import MemberType
from projects.bench import Data, Page
from projects.models import Membership, Project, ProjectRole

PROJECTS = 60
PEOPLE = 900
MEMBERS_PER_PROJECT = 15
AUDIT_EVENTS_PER_PROJECT = 150
# For the people the HTTP bench signs in as; the bench database is thrown away.
HTTP_PASSWORD = "bench-password-made-up"  # noqa: S105


def _key_pages() -> list[Page]:
    """The pages timed over HTTP against /healthz, each of which must reach its share."""

    def meeting_url(name: str) -> Any:
        return lambda d: reverse(name, args=[d.extra["meeting"].pk])

    def project_url(name: str) -> Any:
        return lambda d: reverse(name, args=[d.project.pk])

    def coordinator(d: Data) -> User:
        return d.coordinator

    def member(d: Data) -> User:
        return d.member

    return [
        Page("Project overview", project_url("projects:detail"), member),
        Page("Members", project_url("projects:members"), coordinator),
        Page("Meetings list", project_url("meetings:list"), member),
        Page("Meeting page", meeting_url("meetings:detail"), member),
        Page("Agenda", meeting_url("meetings:agenda"), member),
        Page("Papers", meeting_url("meetings:papers"), member),
        Page("Record", meeting_url("meetings:record"), member),
        Page("Access plan", meeting_url("meetings:access_plan"), coordinator),
        *decision_key_pages(),
    ]


def _pages() -> list[Page]:
    pages = [
        Page("Project list", lambda d: reverse("projects:list"), lambda d: d.coordinator),
        Page(
            "Project overview",
            lambda d: reverse("projects:detail", args=[d.project.pk]),
            lambda d: d.member,
        ),
        Page(
            "Members",
            lambda d: reverse("projects:members", args=[d.project.pk]),
            lambda d: d.coordinator,
        ),
        Page("Audit log", lambda d: reverse("accounts:audit_log"), lambda d: d.administrator),
    ]
    return pages + meeting_pages() + decision_pages()


def _analyze() -> None:
    """As autovacuum does soon after a load like this: the planner knows the rows there are,
    as on a server in use, rather than guessing from tables it has never looked at."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class Command(BaseCommand):
    help = "Fill a throwaway database with a lot of data and time the busiest pages."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--runs", type=int, default=15, help="Requests per page.")
        parser.add_argument(
            "--http-pages",
            dest="http_pages",
            default="",
            help="Only fill the data and write the key pages to this JSON file.",
        )
        parser.add_argument("--no-growth", action="store_true", dest="no_growth")
        parser.add_argument(
            "--i-know-this-fills-the-database",
            action="store_true",
            dest="confirmed",
            help="Needed unless the database is the bench database.",
        )

    def handle(
        self,
        *args: Any,
        runs: int = 15,
        confirmed: bool = False,
        http_pages: str = "",
        no_growth: bool = False,
        **options: Any,
    ) -> None:
        name = str(settings.DATABASES["default"]["NAME"])
        if "bench" not in name and not confirmed:
            raise CommandError(
                f"This fills {name} with made-up data. Run it through `make bench`, which uses "
                "a throwaway database, or pass --i-know-this-fills-the-database."
            )
        started = time.perf_counter()
        data = self._fill()
        self.stdout.write(f"Made the data in {time.perf_counter() - started:.1f} s.")
        _analyze()
        if http_pages:
            self._write_http_pages(data, Path(http_pages))
            return
        missed = []
        self.stdout.write(f"{'page':<34}{'median':>10}{'slowest':>10}{'queries':>9}{'target':>9}")
        for page in _pages():
            client = Client()
            if (person := page.as_person(data)) is not None:
                client.force_login(person)
            url = page.url(data)
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                first = client.get(url)
            # Each request clears the query log, so count before the next one.
            query_count = len(queries)
            if first.status_code != 200:
                raise CommandError(f"{page.name} ({url}) answered {first.status_code}.")
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            median = statistics.median(times)
            ok = median <= page.target_ms
            if not ok:
                missed.append(page.name)
            self.stdout.write(
                f"{page.name:<34}{median:>8.1f}ms{max(times):>8.1f}ms{query_count:>9}"
                f"{page.target_ms:>7.0f}ms{'' if ok else '  MISSED'}"
            )
        if not no_growth:
            self.stdout.write("\nHow the key pages grow with the rows they list:")
            missed += growth_table(data.coordinator, self.stdout.write)
        if missed:
            raise CommandError(f"Missed the target: {', '.join(missed)}.")

    def _write_http_pages(self, data: Data, path: Path) -> None:
        pages = []
        people = {data.coordinator, data.member}
        for person in people:
            person.set_password(HTTP_PASSWORD)
            person.save(update_fields=["password"])
        for page in _key_pages():
            client = Client(SERVER_NAME="127.0.0.1")
            visitor = page.as_person(data)
            if visitor is not None:
                client.force_login(visitor)
            url = page.url(data)
            client.get(url, secure=True)  # as a person already using the site finds it
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, secure=True)
            if response.status_code != 200:
                raise CommandError(f"{page.name} ({url}) answered {response.status_code}.")
            pages.append(
                {
                    "name": page.name,
                    "url": url,
                    "email": visitor.email if visitor is not None else "",
                    "queries": len(queries),
                }
            )
        # The floor: a signed-in page of fixed text, what every page costs before its content.
        floor_client = Client(SERVER_NAME="127.0.0.1")
        floor_client.force_login(data.member)
        floor_client.get(reverse("accessibility"), secure=True)
        with CaptureQueriesContext(connection) as queries:
            floor_client.get(reverse("accessibility"), secure=True)
        pages.append(
            {
                "name": "Signed-in page of fixed text (the floor)",
                "url": reverse("accessibility"),
                "email": data.member.email,
                "queries": len(queries),
                "reference": True,
            }
        )
        with CaptureQueriesContext(connection) as queries:
            Client(SERVER_NAME="127.0.0.1").get(reverse("accounts:sign_in"), secure=True)
        sign_in = {"name": "Sign-in", "url": reverse("accounts:sign_in"), "email": ""}
        path.write_text(
            json.dumps(
                {
                    "password": HTTP_PASSWORD,
                    "pages": [sign_in | {"queries": len(queries)}, *pages],
                },
                indent=2,
            )
        )
        self.stdout.write(f"Wrote {len(pages) + 1} pages to {path}.")

    def _fill(self) -> Data:
        Organisation.objects.update_or_create(pk=1, defaults={"name": "Bench Partnership"})
        administrator, _ = User.objects.get_or_create(
            email="bench-administrator@example.org",
            defaults={"full_name": "Bench Administrator", "org_role": OrgRole.ADMINISTRATOR},
        )
        coordinator, _ = User.objects.get_or_create(
            email="bench-coordinator@example.org",
            defaults={"full_name": "Bench Coordinator", "org_role": OrgRole.COORDINATOR},
        )
        if Project.objects.filter(name__startswith="Bench project").count() < PROJECTS:
            self._bulk()
        project = Project.objects.get(name="Bench project 0")
        member = (
            Membership.objects.current()
            .filter(project=project, role=ProjectRole.MEMBER)
            .select_related("user")
            .first()
        )
        assert member is not None
        data = Data(
            administrator=administrator,
            coordinator=coordinator,
            member=member.user,
            project=project,
            extra={},
        )
        data.extra = meeting_data(project=project, coordinator=coordinator)
        data.extra |= decision_data(project=project, coordinator=coordinator)
        return data

    def _bulk(self) -> None:
        types = list(MemberType.values)
        people = User.objects.bulk_create(
            User(
                email=f"bench-person-{n}@example.org",
                full_name=f"Bench Person {n}",
                password=make_password(None),  # unusable: nobody signs in as them
            )
            for n in range(PEOPLE)
        )
        projects = Project.objects.bulk_create(
            Project(name=f"Bench project {n}", purpose="Made up to measure speed.")
            for n in range(PROJECTS)
        )
        memberships = []
        for p, project in enumerate(projects):
            for m in range(MEMBERS_PER_PROJECT):
                person = people[(p * 7 + m) % PEOPLE]
                memberships.append(
                    Membership(
                        project=project,
                        user=person,
                        member_type=types[m % len(types)],
                        role=ProjectRole.CHAIR if m == 0 else ProjectRole.MEMBER,
                    )
                )
        Membership.objects.bulk_create(memberships)
        AuditEvent.objects.bulk_create(
            AuditEvent(
                action="project.updated",
                summary=f"Change {n} to {project.name}",
                project=project,
            )
            for project in projects
            for n in range(AUDIT_EVENTS_PER_PROJECT)
        )
