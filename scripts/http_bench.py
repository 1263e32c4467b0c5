"""The key pages over HTTP: `make bench` serves the bench data with gunicorn and production
settings and times each page with wrk against `/healthz`, side by side in one run.

`/healthz` passes through all of our middleware and asks the database one question, so it
is the ceiling: the fastest any page can be on this machine today. Each key page must reach
its share of that ceiling (10 % by default, HTTP_BENCH_SHARE). The ceiling is measured first
and last and averaged, since other work on the machine moves both.

It fills a fresh PostgreSQL database (HTTP_BENCH_DATABASE_URL, whose name must end in `_bench`:
it is dropped and made again) with `manage.py bench --http-pages`, starts gunicorn with 2
workers on 127.0.0.1, signs in as the people the pages are for, and runs wrk against each page
for a few seconds with 2 connections on 2 threads, sending what a browser behind the TLS
proxy sends (X-Forwarded-Proto, the session cookie, Accept-Encoding). Everything stays on
127.0.0.1 and is bounded in time; gunicorn is stopped however the run ends.

It prints a Markdown table (the README shows the latest) and exits 1 when a page misses its
share. Reuses scripts/production_smoke.py for the production environment, gunicorn and
signing in.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests import production as smoke

DATABASE_URL = os.environ.get(
    "HTTP_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coproduce_bench"
)
SHARE = float(os.environ.get("HTTP_BENCH_SHARE", "0.10"))
SECONDS = int(os.environ.get("HTTP_BENCH_SECONDS", "3"))
WHOLE_RUN_SECONDS = 900
WRK = shutil.which("wrk") or "/usr/bin/wrk"
HEALTHZ = "/healthz"


@dataclass
class Result:
    name: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    queries: int | None
    errors: int
    # Shown beside the key pages for comparison, with no target of its own.
    reference: bool = False


def recreate_database() -> None:
    import psycopg
    from psycopg import sql

    address = urlsplit(DATABASE_URL)
    name = address.path.lstrip("/")
    smoke.check(address.hostname == smoke.HOST, f"the bench database must be on {smoke.HOST}")
    smoke.check(name.endswith("_bench"), f"refusing to drop {name}: its name must end in _bench")
    server = address._replace(path="/postgres").geturl()
    with psycopg.connect(server, autocommit=True, connect_timeout=10) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def milliseconds(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    base: str,
    name: str,
    path: str,
    headers: dict[str, str],
    queries: int | None,
    *,
    reference: bool = False,
) -> Result:
    command = [WRK, "-t2", "-c2", f"-d{SECONDS}s", "--latency", "--timeout", "10s"]
    for header, value in headers.items():
        command += ["-H", f"{header}: {value}"]
    output = subprocess.run(  # noqa: S603
        [*command, base + path], capture_output=True, text=True, check=True, timeout=SECONDS + 30
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1)  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return Result(
        name,
        path,
        rps,
        milliseconds(p50),
        milliseconds(p99),
        queries,
        int(errors.group(1)) if errors else 0,
        reference,
    )


def browser_headers(browser: smoke.Browser | None) -> dict[str, str]:
    headers = {
        "X-Forwarded-Proto": "https",
        "Accept-Encoding": "gzip, deflate, br",
        "User-Agent": "coproduce-bench",
    }
    if browser is not None:
        cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in browser.cookies)
        headers["Cookie"] = cookies
    return headers


def sign_in(base: str, email: str, password: str) -> smoke.Browser:
    browser = smoke.Browser(base)
    page = browser.get("/account/sign-in/").page
    response = browser.post(
        "/account/sign-in/",
        [("csrfmiddlewaretoken", page.csrf_token()), ("username", email), ("password", password)],
    )
    smoke.check(response.status == 302, f"{email} could not sign in ({response.status})")
    return browser


def table(results: list[Result], ceiling: float) -> list[str]:
    lines = [
        "| page | requests/s | p50 | p99 | queries | share of /healthz |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        share = result.rps / ceiling if result.path != HEALTHZ else 1.0
        lines.append(
            f"| {result.name} | {result.rps:,.0f} | {result.p50_ms:.1f} ms | {result.p99_ms:.1f} ms"
            f" | {'' if result.queries is None else result.queries} | {share:.1%}"
            f"{' (no target)' if result.reference else ''} |"
        )
    return lines


def run(var_dir: Path, fail: bool) -> int:
    env = smoke.production_environment(var_dir, DATABASE_URL)
    smoke.step(f"fresh database {urlsplit(DATABASE_URL).path.lstrip('/')}")
    recreate_database()
    smoke.manage(env, "collectstatic", "--no-input", "--verbosity=0", seconds=300)
    smoke.manage(env, "migrate", "--no-input", "--verbosity=0", seconds=300)
    smoke.manage(env, "createcachetable", seconds=60)
    pages_file = var_dir / "pages.json"
    smoke.manage(env, "bench", "--http-pages", str(pages_file), seconds=600)
    described = json.loads(pages_file.read_text())
    log = var_dir / "gunicorn.log"
    try:
        with smoke.gunicorn(env, smoke.free_port(), log, access_log=False) as base:
            browsers: dict[str, smoke.Browser] = {}
            for page in described["pages"]:
                if page["email"] and page["email"] not in browsers:
                    browsers[page["email"]] = sign_in(base, page["email"], described["password"])
            smoke.step(f"wrk, {SECONDS} s a page, 2 connections on 2 threads")
            results = []

            def measure(
                name: str, path: str, email: str, queries: int | None, reference: bool = False
            ) -> None:
                browser = browsers.get(email) or smoke.Browser(base)
                for _ in range(4):  # each worker compiles its templates before timing
                    response = browser.get(path)
                    smoke.check(response.status == 200, f"{path} answered {response.status}")
                headers = browser_headers(browsers.get(email))
                results.append(wrk(base, name, path, headers, queries, reference=reference))
                print(f"    {name}: {results[-1].rps:,.0f} requests/s", flush=True)

            measure("/healthz (ceiling)", HEALTHZ, "", 1)
            for page in described["pages"]:
                measure(
                    page["name"],
                    page["url"],
                    page["email"],
                    page["queries"],
                    page.get("reference", False),
                )
            measure("/healthz (ceiling, again)", HEALTHZ, "", 1)
    except BaseException:
        if log.exists():
            print("\n".join(log.read_text(errors="replace").splitlines()[-40:]), file=sys.stderr)
        raise
    ceiling = (results[0].rps + results[-1].rps) / 2
    print(f"\nCeiling: /healthz at {ceiling:,.0f} requests/s (first and last run averaged).")
    print(f"Every page must reach {SHARE:.0%} of it.\n")
    print("\n".join(table(results, ceiling)))
    missed = [
        r.name
        for r in results
        if r.path != HEALTHZ and (r.errors or (r.rps < SHARE * ceiling and not r.reference))
    ]
    if missed:
        print(f"\nUnder {SHARE:.0%} of /healthz, or answering errors: {', '.join(missed)}.")
        return 1 if fail else 0
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-fail", action="store_true", help="Print the table, never fail.")
    arguments = parser.parse_args()
    if not os.access(WRK, os.X_OK):
        print(f"The HTTP bench needs wrk ({WRK}): apt-get install wrk.", file=sys.stderr)
        return 1

    def on_alarm(signum: int, frame: object) -> None:
        raise smoke.CheckFailed(f"the HTTP bench took longer than {WHOLE_RUN_SECONDS} s")

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(WHOLE_RUN_SECONDS)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    var_dir = Path(tempfile.mkdtemp(prefix="coproduce-bench-"))
    started = time.monotonic()
    try:
        return run(var_dir, fail=not arguments.no_fail)
    except (smoke.CheckFailed, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        print(f"\nHTTP bench failed: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nHTTP bench stopped.", file=sys.stderr)
        return 130
    finally:
        signal.alarm(0)
        shutil.rmtree(var_dir, ignore_errors=True)
        print(f"(took {time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    sys.exit(main())
