"""`make soak`: many people at once, a worker restart and a database outage, then checks.

It starts a PostgreSQL server of its own (initdb in a temporary folder, on a free port of
127.0.0.1, so stopping it disturbs nothing else), migrates it, loads the demo and adds
simulated members (`manage.py soak_people`), starts a mail server that keeps what it is sent,
gunicorn with production settings and one `db_worker`. Locust (scripts/soak_locustfile.py)
then has members reply, send further thoughts and look at their meeting while leaders upload
papers, answer thoughts and edit the minutes. During the run the worker is stopped and
started again, and PostgreSQL is stopped for 10 seconds and brought back.

Afterwards it checks: no answer over 499 except during the outage (and those are the
friendly error page), every write the server accepted is in the database, no paper without
its file, exactly one email for each answered thought (none lost, none twice). It prints the
figures and exits 1 when a check fails. SOAK_SECONDS (default 180) and SOAK_USERS (default
30) set the size; everything stays on 127.0.0.1 and the whole run is bounded in time.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.production import (
    HOST,
    PYTHON,
    CheckFailed,
    Inbox,
    background,
    check,
    free_port,
    gunicorn,
    mail_server,
    manage,
    production_environment,
    step,
    tail,
)

SECONDS = int(os.environ.get("SOAK_SECONDS", "180"))
USERS = int(os.environ.get("SOAK_USERS", "30"))
OUTAGE_SECONDS = 10
# After PostgreSQL is back, each app process notices its old connection is gone on its next
# request; answers in this margin still count as part of the outage.
RECOVERY_SECONDS = 5
DRAIN_SECONDS = 90
check(30 <= SECONDS <= 420, "SOAK_SECONDS must be between 30 and 420")


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if found:
        return found[-1].parent
    pg_ctl = shutil.which("pg_ctl")
    check(pg_ctl, "make soak needs PostgreSQL's server programs (pg_ctl, initdb)")
    return Path(str(pg_ctl)).parent


class Postgres:
    """A PostgreSQL server of the soak's own, which it may stop and start."""

    def __init__(self, folder: Path) -> None:
        self.bin = _pg_bin()
        self.data = folder / "pgdata"
        self.port = free_port()
        self.log = folder / "postgres.log"
        self.as_postgres: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            shutil.chown(folder, "postgres")
            self.as_postgres = ["runuser", "-u", "postgres", "--"]

    def run(self, *args: str, seconds: int = 60) -> None:
        subprocess.run(  # noqa: S603  (our own fixed commands)
            [*self.as_postgres, *args], check=True, timeout=seconds, stdout=subprocess.DEVNULL
        )

    def init(self) -> None:
        step(f"PostgreSQL of our own on {HOST}:{self.port}")
        self.run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
                 "--auth=trust", "-E", "UTF8")  # fmt: skip
        self.start()
        self.run(str(self.bin / "createdb"), "-h", HOST, "-p", str(self.port), "-U", "postgres",
                 "coproduce_soak")  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses={HOST} -k {self.data}"
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options,
                 "-l", str(self.log), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/coproduce_soak"

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url, connect_timeout=10) as connection:
            return connection.execute(sql, params).fetchall()


@contextlib.contextmanager
def postgres(folder: Path) -> Iterator[Postgres]:
    server = Postgres(folder)
    server.init()
    try:
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop()


def worker_command() -> list[str]:
    return [PYTHON, "manage.py", "db_worker", "--interval=0.2", "--no-startup-delay"]


class Worker(threading.Thread):
    """Keeps one `db_worker` running, as systemd's `Restart=always` would in production.

    `db_worker` exits when the database goes away; a supervisor starting it again is what
    the README asks for, so the soak plays that part and counts how often it had to.
    """

    def __init__(self, env: dict[str, str], folder: Path) -> None:
        super().__init__(daemon=True)
        self.env, self.folder = env, folder
        self.starts = 0
        self.exits: list[int] = []
        self.lock = threading.Lock()
        self.running = contextlib.ExitStack()
        self.process: subprocess.Popen[bytes] | None = None
        self.stopping = threading.Event()

    def begin(self) -> None:
        self.starts += 1
        log = self.folder / f"worker-{self.starts}.log"
        self.process = self.running.enter_context(background(worker_command(), self.env, log))

    def restart(self) -> None:
        with self.lock:
            self.running.close()
            self.begin()

    def run(self) -> None:
        with self.lock:
            self.begin()
        while not self.stopping.wait(0.5):
            with self.lock:
                if self.process is not None and self.process.poll() is not None:
                    self.exits.append(self.process.returncode)
                    self.running.close()
                    time.sleep(1)  # systemd's RestartSec
                    self.begin()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)
        with self.lock:
            self.running.close()


class Faults(threading.Thread):
    """Restarts the worker a third of the way in and stops PostgreSQL at 60 %."""

    def __init__(self, server: Postgres, worker: Worker) -> None:
        super().__init__(daemon=True)
        self.server, self.worker = server, worker
        self.outage: tuple[float, float] = (0.0, 0.0)

    def run(self) -> None:
        time.sleep(SECONDS * 0.33)
        step("stopping the worker mid-run, and starting it again")
        self.worker.restart()
        time.sleep(SECONDS * 0.27)
        step(f"stopping PostgreSQL for {OUTAGE_SECONDS} s")
        started = time.time()
        self.server.stop()
        time.sleep(OUTAGE_SECONDS)
        self.server.start()
        self.outage = (started, time.time() + RECOVERY_SECONDS)
        step("PostgreSQL is back")


def load(base: str, folder: Path, plan: Path) -> dict[str, Path]:
    files = {name: folder / f"{name}.jsonl" for name in ("writes", "errors")}
    env = os.environ | {
        "SOAK_PLAN": str(plan),
        "SOAK_WRITES": str(files["writes"]),
        "SOAK_ERRORS": str(files["errors"]),
    }
    step(f"{USERS} simulated people for {SECONDS} s (Locust)")
    command = [
        str(Path(PYTHON).parent / "locust"),
        "-f", "scripts/soak_locustfile.py", "--headless", "--host", base,
        "-u", str(USERS), "-r", str(max(1, USERS // 10)), "-t", f"{SECONDS}s",
        "--csv", str(folder / "locust"), "--only-summary", "--stop-timeout", "10",
        "--exit-code-on-error", "0", "--loglevel", "WARNING",
    ]  # fmt: skip
    root = Path(__file__).resolve().parent.parent
    subprocess.run(command, cwd=root, env=env, check=True, timeout=SECONDS + 60)  # noqa: S603
    return files


def read_lines(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def drain(server: Postgres) -> None:
    """Wait until the worker has run every task that is due."""
    deadline = time.monotonic() + DRAIN_SECONDS
    while server.query(
        "SELECT count(*) FROM django_tasks_database_dbtaskresult "
        "WHERE status IN ('READY', 'RUNNING') AND (run_after IS NULL OR run_after <= now())"
    )[0][0]:
        check(time.monotonic() < deadline, f"tasks still waiting after {DRAIN_SECONDS} s")
        time.sleep(1)


def error_problems(errors: list[dict[str, Any]], faults: Faults) -> list[str]:
    start, end = faults.outage
    during = [e for e in errors if start <= e["at"] <= end]
    outside = [e for e in errors if not start <= e["at"] <= end]
    unfriendly = [e for e in during if e["status"] and not e["friendly"]]
    return [
        f"{e['status'] or e['exception']} on {e['name']} outside the outage" for e in outside
    ] + [f"{e['status']} on {e['name']} was not the friendly error page" for e in unfriendly]


def stored_writes(server: Postgres, writes: list[dict[str, Any]]) -> list[str]:
    """Every thought, answer, paper and minutes edit the server accepted is in the database."""
    where = {
        "thought": ("meetings_writteninput", "text", "is not stored exactly once"),
        "answer": ("meetings_writteninput", "response", "is not stored"),
        "paper": ("meetings_paper", "title", "is not stored exactly once"),
        "minutes": ("meetings_minutesversion", "summary", "has no version"),
    }
    problems = []
    for write in writes:
        if write["kind"] not in where:
            continue
        table, column, failure = where[write["kind"]]
        found = server.query(f"SELECT count(*) FROM {table} WHERE {column} LIKE %s",  # noqa: S608
                             f"%{write['token']}%")[0][0]  # fmt: skip
        if (found < 1) if write["kind"] == "minutes" else (found != 1):
            problems.append(f"accepted {write['kind']} {write['token']} {failure}")
    return problems


def last_replies(server: Postgres, writes: list[dict[str, Any]]) -> list[str]:
    """Each member's last accepted reply to the invitation is the one stored."""
    last_reply = {write["by"]: write["reply"] for write in writes if write["kind"] == "reply"}
    problems = []
    for email, reply in last_reply.items():
        stored = server.query(
            "SELECT i.reply FROM meetings_invitee i JOIN accounts_user u ON u.id = i.user_id "
            "JOIN meetings_meeting m ON m.id = i.meeting_id WHERE u.email = %s AND m.title = %s",
            email, "Testing the crisis pages with users",
        )  # fmt: skip
        if [row[0] for row in stored] != [reply]:
            problems.append(f"{email}'s last accepted reply {reply} is not the one stored")
    return problems


def half_saved_papers(server: Postgres) -> list[str]:
    orphans = server.query(
        "SELECT count(*) FROM meetings_paper p WHERE p.title LIKE 'Soak paper %%' AND NOT EXISTS "
        "(SELECT 1 FROM meetings_paperversion v WHERE v.paper_id = p.id AND v.file <> '')"
    )[0][0]
    return [f"{orphans} papers were saved without their file"] if orphans else []


def answer_emails(server: Postgres, writes: list[dict[str, Any]], inbox: Inbox) -> list[str]:
    """One email for each answered thought from a soak member: none lost, none twice."""
    problems = []
    for write in writes:
        if write["kind"] != "answer":
            continue
        # Demo members who asked for letters are answered by post, not email.
        by_email = server.query(
            "SELECT 1 FROM meetings_writteninput WHERE id = %s AND text LIKE 'A further thought "
            "from a member (soak-%%'", write.get("thought", 0)
        )  # fmt: skip
        if by_email:
            sent = [m for m in inbox.messages if write["token"] in m.get_body().get_content()]  # type: ignore[union-attr]
            if len(sent) != 1:
                problems.append(f"the email for answer {write['token']} went {len(sent)} times")
    return problems


def checks(server: Postgres, files: dict[str, Path], faults: Faults, inbox: Inbox) -> list[str]:
    writes = read_lines(files["writes"])
    errors = read_lines(files["errors"])
    problems = (
        error_problems(errors, faults)
        + stored_writes(server, writes)
        + last_replies(server, writes)
        + half_saved_papers(server)
        + answer_emails(server, writes, inbox)
    )
    by_kind = Counter(write["kind"] for write in writes)
    figures(files, writes, errors, by_kind, faults, inbox)
    return problems


def figures(
    files: dict[str, Path],
    writes: list[dict[str, Any]],
    errors: list[dict[str, Any]],
    by_kind: Counter[str],
    faults: Faults,
    inbox: Inbox,
) -> None:
    stats = files["writes"].parent / "locust_stats.csv"
    rows = list(csv.DictReader(stats.open())) if stats.exists() else []
    total = next((row for row in rows if row["Name"] == "Aggregated"), None)
    start, end = faults.outage
    print("\nSoak figures")
    if total:
        print(f"  requests: {total['Request Count']}, failures: {total['Failure Count']}, "
              f"median {total['Median Response Time']} ms, "
              f"99th percentile {total['99%']} ms, "
              f"{float(total['Requests/s']):.1f} req/s")  # fmt: skip
    kinds = Counter(
        ("during the outage" if start <= e["at"] <= end else "outside the outage")
        + f": {e['status'] or e['exception']}"
        for e in errors
    )
    print("  errors by kind: " + (", ".join(f"{k} x {n}" for k, n in kinds.items()) or "none"))
    refused = Counter(f"{w['name']} ({w['status']})" for w in writes if w["kind"] == "refused")
    accepted = {kind: n for kind, n in by_kind.items() if kind != "refused"}
    print("  writes accepted and checked: "
          + ", ".join(f"{kind} {n}" for kind, n in sorted(accepted.items())))  # fmt: skip
    print("  refused with a reason (as a person would see): "
          + (", ".join(f"{k} x {n}" for k, n in refused.items()) or "none"))  # fmt: skip
    outage = end - start - RECOVERY_SECONDS
    print(f"  emails received: {len(inbox.messages)}; outage {outage:.1f} s")
    exits = ", ".join(str(code) for code in faults.worker.exits) or "none"
    print(f"  worker started {faults.worker.starts} times (one planned restart; "
          f"exits it did not ask for, with their codes: {exits})")  # fmt: skip


def main() -> int:
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="coproduce-soak-"))
    folder.chmod(0o755)
    try:
        with postgres(folder) as server, mail_server() as (inbox, smtp_port):
            env = production_environment(folder / "var", server.url) | {
                "EMAIL_HOST": HOST, "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "false",
            }  # fmt: skip
            manage(env, "collectstatic", "--no-input", "--verbosity=0", seconds=180)
            manage(env, "migrate", "--no-input", "--verbosity=0", seconds=240)
            manage(env, "createcachetable", seconds=60)
            manage(env, "demo", "--force", seconds=180)
            plan = folder / "plan.json"
            root = Path(__file__).resolve().parent.parent
            out = subprocess.run(  # noqa: S603
                [PYTHON, "manage.py", "soak_people", "--members", str(USERS)],
                cwd=root, env=env, check=True, timeout=120, capture_output=True, text=True,
            )  # fmt: skip
            plan.write_text(out.stdout.strip().splitlines()[-1])
            worker = Worker(env, folder)
            faults = Faults(server, worker)
            port = free_port()
            with gunicorn(env, port, folder / "gunicorn.log", workers=2, access_log=False) as base:
                worker.start()
                try:
                    faults.start()
                    files = load(base, folder, plan)
                    faults.join(timeout=30)
                    check(faults.outage[0], "the run ended before the outage: raise SOAK_SECONDS")
                    drain(server)
                finally:
                    worker.stop()
                problems = checks(server, files, faults, inbox)
        print(f"  whole run: {time.monotonic() - started:.0f} s")
        for problem in problems[:40]:
            print(f"FAILED: {problem}")
        if problems:
            print(tail(folder / "gunicorn.log", 30))
            return 1
        print("Soak passed")
        return 0
    except (CheckFailed, subprocess.SubprocessError) as error:
        print(f"Soak failed: {error}")
        workers = sorted(path.name for path in folder.glob("worker-*.log"))
        for log in ("gunicorn.log", *workers, "postgres.log"):
            print(f"--- {log}\n{tail(folder / log, 20)}")
        return 1
    finally:
        if os.environ.get("SOAK_KEEP"):
            print(f"Kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
