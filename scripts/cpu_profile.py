"""CPU time per request of the key pages and `/healthz`, in-process, with production settings.

wrk's requests per second move with whatever else runs on the machine; the CPU time this
process spends on a request does not (much). This fills a database of its own with the bench
data (`manage.py bench --http-pages`), then asks for each key page and `/healthz` many times
with Django's test client, as the person the page is for, sending what a browser behind the
TLS proxy would (HTTPS, gzip). It prints CPU milliseconds per request (time.process_time),
the queries, and each page's CPU time as a multiple of `/healthz`'s (its share of the
ceiling is roughly the inverse). `--profile NAME` prints the page's cProfile hot spots.

    .venv/bin/python scripts/cpu_profile.py [--runs 40] [--gunicorn] [--profile Agenda]

`--gunicorn` also serves the data with gunicorn (one worker, production settings) and reads
the worker's CPU time per request from /proc: what /healthz's share is about, since HTTP
parsing, headers and gzip cost every page the same.

CPU_PROFILE_DATABASE_URL picks the database (its name must end in _bench; it is filled once
and kept, `--fresh` makes it again); by default an SQLite file under var/. With PostgreSQL
the database server's own work is not counted, as in production, where it runs beside.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import secrets
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VAR_DIR = ROOT / "var" / "cpu_profile"
ROUNDS = 5
WORKER_SECONDS_A_ROUND = 0.4
DATABASE_URL = os.environ.get(
    "CPU_PROFILE_DATABASE_URL", f"sqlite:///{VAR_DIR / 'cpu_profile_bench.sqlite3'}"
)


def production_settings() -> None:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    for name in ("DEBUG", "MEDIA_ROOT", "SECURE_SSL_REDIRECT", "CSRF_TRUSTED_ORIGINS"):
        os.environ.pop(name, None)
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "coproduce.settings",
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "EMAIL_HOST": "smtp.example.org",
        "DATABASE_URL": DATABASE_URL,
        "COPRODUCE_VAR_DIR": str(VAR_DIR),
        "LOG_LEVEL": "WARNING",
    }


def fill(fresh: bool) -> dict[str, Any]:
    """Fill the database once (again with `fresh`); the key pages, as `bench` wrote them."""
    from django.core.management import call_command

    from tests import production as smoke

    # One description per database, so switching between SQLite and PostgreSQL keeps both.
    database = Path(urlsplit(DATABASE_URL).path).name
    pages_file = VAR_DIR / f"pages-{urlsplit(DATABASE_URL).scheme}-{database}.json"
    if not (VAR_DIR / "staticfiles" / "staticfiles.json").exists():
        call_command("collectstatic", "--no-input", verbosity=0)
    if fresh or not pages_file.exists():
        if DATABASE_URL.startswith("sqlite:"):
            Path(urlsplit(DATABASE_URL).path).unlink(missing_ok=True)
        else:
            smoke.recreate_database(DATABASE_URL, suffix="_bench")
        call_command("migrate", "--no-input", verbosity=0)
        call_command("createcachetable", verbosity=0)
        call_command("bench", "--http-pages", str(pages_file))
    return json.loads(pages_file.read_text())  # type: ignore[no-any-return]


def calls_per_request(get: Any, runs: int = 3) -> float:
    """Function calls a request makes: unlike CPU time, the same however busy the machine is."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        get()
    profiler.disable()
    return pstats.Stats(profiler).total_calls / runs  # type: ignore[attr-defined,no-any-return]


def worker_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def gunicorn_rows(targets: list[dict[str, object]], password: str) -> list[tuple[str, float]]:
    """CPU time of one gunicorn worker per request, HTTP parsing and gzip included.

    One sync worker, requests one after another; the worker's own CPU time (from /proc)
    is what counts, not how long the answers take, so other work on the machine matters less.
    """
    import urllib.request

    import http_bench

    from tests import production as smoke

    env = smoke.production_environment(VAR_DIR, DATABASE_URL) | {"LOG_LEVEL": "WARNING"}
    port = smoke.free_port()
    command = [
        str(Path(smoke.PYTHON).parent / "gunicorn"),
        "coproduce.wsgi",
        f"--bind={smoke.HOST}:{port}",
        "--workers=1",
        "--timeout=30",
        "--no-control-socket",
    ]
    log = VAR_DIR / "gunicorn.log"
    rows = []
    with smoke.background(command, env, log) as server:
        base = f"http://{smoke.HOST}:{port}"
        smoke.wait_until_up(base, server)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        worker = int(children[0])
        browsers = {
            str(t["email"]): http_bench.sign_in(base, str(t["email"]), password)
            for t in targets
            if t["email"]
        }
        for target in targets:
            headers = http_bench.browser_headers(browsers.get(str(target["email"])))
            request = urllib.request.Request(base + str(target["url"]), headers=headers)  # noqa: S310

            def get(request: urllib.request.Request = request) -> None:
                with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
                    smoke.check(answer.status == 200, f"{request.full_url}: {answer.status}")
                    answer.read()

            for _ in range(3):
                get()
            # The kernel counts CPU time in ticks (10 ms): ask until the worker has spent
            # many of them, in a few rounds, and keep the fastest.
            best = float("inf")
            for _ in range(ROUNDS):
                before, count = worker_cpu_seconds(worker), 0
                while (spent := worker_cpu_seconds(worker) - before) < WORKER_SECONDS_A_ROUND:
                    get()
                    count += 1
                best = min(best, spent * 1000 / count)
            rows.append((str(target["name"]), best))
    return rows


def print_template_times(get: Any, runs: int, top: int) -> None:
    """CPU time spent in each template itself (less the templates it includes)."""
    from django.template import base

    template_class: Any = base.Template  # the stubs leave out the private method
    original = template_class._render
    own: dict[str, float] = {}
    calls: dict[str, int] = {}
    stack: list[float] = []

    def timed(self: Any, context: Any) -> Any:
        start = time.process_time()
        stack.append(0.0)
        try:
            return original(self, context)
        finally:
            spent = time.process_time() - start
            children = stack.pop()
            own[self.name or "?"] = own.get(self.name or "?", 0.0) + spent - children
            calls[self.name or "?"] = calls.get(self.name or "?", 0) + 1
            if stack:
                stack[-1] += spent

    template_class._render = timed
    try:
        start = time.process_time()
        for _ in range(runs):
            get()
        whole = (time.process_time() - start) * 1000 / runs
    finally:
        template_class._render = original
    print(f"\n--- templates: CPU ms per request (of {whole:.1f} ms in all) ---")
    for name, spent in sorted(own.items(), key=lambda item: -item[1])[:top]:
        print(f"{spent * 1000 / runs:8.2f} ms {calls[name] / runs:6.0f} x  {name}")


# Where a request's time goes, as shares of the whole: (label, file, function).
PARTS: list[tuple[str, str, str, int]] = [  # line 0: any line
    ("whole request", "client.py", "request", 0),
    ("the view", "base.py", "_get_response", 0),
    ("template rendering", "django.py", "render", 0),
    ("SQL: fetching rows", "query.py", "_fetch_all", 0),
    ("SQL: compiling", "compiler.py", "as_sql", 0),
    ("SQL: database", "utils.py", "execute", 0),
    ("{% url %}", "defaulttags.py", "render", 494),
    ("{% translate %}", "i18n.py", "render", 148),
    ("{% include %}", "loader_tags.py", "render", 177),
    ("{% for %}", "defaulttags.py", "render", 191),
    ("variables", "base.py", "resolve", 802),
    ("gzip", "text.py", "compress_string", 0),
    ("reverse()", "base.py", "reverse", 28),
]


def print_shares(profiler: cProfile.Profile) -> None:
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    found: dict[str, float] = {}
    for (filename, line, function), (_, _, _, cumulative, _) in stats.items():
        for label, file, name, at in PARTS:
            if filename.endswith("/" + file) and function == name and at in {0, line}:
                found[label] = max(found.get(label, 0.0), cumulative)
    whole = found.get("whole request", 1.0)
    print("\n--- where the time goes (under the profiler, so only as shares) ---")
    for label, *_ in PARTS:
        print(f"{found.get(label, 0.0) / whole:7.1%}  {label}")


def arguments_parsed() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="Timed requests per page.")
    parser.add_argument("--profile", default="", help="Print cProfile hot spots of this page.")
    parser.add_argument("--top", type=int, default=30, help="Hot spots to print.")
    parser.add_argument(
        "--templates", action="store_true", help="With --profile: CPU time per template."
    )
    parser.add_argument(
        "--gunicorn",
        action="store_true",
        help="Also measure one gunicorn worker's CPU time per request over HTTP.",
    )
    parser.add_argument("--queries", action="store_true", help="Print each page's SQL.")
    parser.add_argument(
        "--dump", default="", help="With --profile: write the profile to this file, for pstats."
    )
    parser.add_argument("--fresh", action="store_true", help="Make the data again.")
    parser.add_argument("--save-html", default="", help="Write each page's HTML to this folder.")
    return parser.parse_args()


def prepared(target: dict[str, object], client: Any, arguments: argparse.Namespace) -> Any:
    """A function that asks for the page, once warm; prints its SQL if asked to."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    url = str(target["url"])
    headers = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br", "HTTP_USER_AGENT": "cpu-profile"}

    def get() -> Any:
        response = client.get(url, secure=True, **headers)
        if response.status_code != 200:
            raise SystemExit(f"{target['name']} ({url}) answered {response.status_code}")
        return response

    for _ in range(3):  # templates compiled, caches warm
        get()
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        get()
    # Read now: the next request empties the log.
    captured = list(queries.captured_queries)
    get.queries = len(captured)  # type: ignore[attr-defined]
    get.calls = calls_per_request(get)  # type: ignore[attr-defined]
    if arguments.queries:
        print(f"\n{target['name']}: {len(captured)} queries")
        for query in captured:
            print(f"  {query['sql'][:200]}")
    if arguments.save_html:
        folder = Path(arguments.save_html)
        folder.mkdir(parents=True, exist_ok=True)
        name = str(target["name"]).strip("/").replace(" ", "_").lower()
        (folder / f"{name}.html").write_bytes(client.get(url, secure=True).content)
    return get


def fastest_rounds(gets: list[Any], runs: int) -> list[float]:
    """CPU ms per request of each page. Other work on the machine slows every page at times:
    measure in rounds, each page in turn, and keep each page's fastest round."""
    best = [float("inf")] * len(gets)
    per_round = max(1, runs // ROUNDS)
    for _ in range(ROUNDS):
        for index, get in enumerate(gets):
            start = time.process_time()
            for _ in range(per_round):
                get()
            best[index] = min(best[index], (time.process_time() - start) * 1000 / per_round)
    return best


def print_profile(get: Any, arguments: argparse.Namespace) -> None:
    if arguments.templates:
        print_template_times(get, arguments.runs, arguments.top)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(arguments.runs):
        get()
    profiler.disable()
    if arguments.dump:
        profiler.dump_stats(arguments.dump)
    print_shares(profiler)
    out = io.StringIO()
    ours = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    ours.print_stats(rf"^{ROOT}/(?!\.venv)", arguments.top)
    print(f"\n--- {arguments.profile}, our own code, by cumulative ---")
    print(out.getvalue().split("\n", 6)[-1].replace(f"{ROOT}/", ""))
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(arguments.top)
        print(f"\n--- {arguments.profile}, by {order}, {arguments.runs} requests ---")
        print(out.getvalue().split("\n", 6)[-1])


def main() -> int:
    arguments = arguments_parsed()
    production_settings()
    import django

    django.setup()
    from django.test import Client

    from accounts.models import User

    described = fill(arguments.fresh)
    pages = [p for p in described["pages"] if p["name"] != "Sign-in" and not p.get("reference")]
    # The floor: a page of fixed text in the base layout, for a signed-in member.
    floor = {"name": "Plain page", "url": "/accessibility/", "email": pages[0]["email"]}
    targets = [{"name": "/healthz", "url": "/healthz", "email": ""}, floor, *pages]
    if arguments.profile:
        targets = [t for t in targets if t["name"] in {"/healthz", arguments.profile}]
    clients: dict[str, Client] = {}
    for email in {str(t["email"]) for t in targets}:
        clients[email] = Client(SERVER_NAME="127.0.0.1")
        if email:
            clients[email].force_login(User.objects.get(email=email))
    gets = [prepared(t, clients[str(t["email"])], arguments) for t in targets]
    best = fastest_rounds(gets, arguments.runs)
    if arguments.profile:
        print_profile(gets[-1], arguments)
    served = dict(gunicorn_rows(targets, described["password"])) if arguments.gunicorn else {}
    heading = f"\n{'page':<20}{'in-process ms':>14}{'x /healthz':>11}{'queries':>8}{'calls':>8}"
    if served:
        heading += f"{'gunicorn ms':>12}{'x /healthz':>11}{'share':>7}"
    print(heading)
    for target, cpu, get in zip(targets, best, gets, strict=True):
        name = str(target["name"])
        line = f"{name:<20}{cpu:>14.2f}{cpu / best[0]:>11.1f}{get.queries:>8}{get.calls:>8,.0f}"
        if served:
            ratio = served[name] / served["/healthz"]
            line += f"{served[name]:>12.2f}{ratio:>11.1f}{1 / ratio:>7.1%}"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
