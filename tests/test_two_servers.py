"""Two app servers, proved: nothing that matters lives in one server's memory or on its disk.

Two gunicorn servers with production settings, on different ports and each with a local
folder of its own, share one fresh PostgreSQL database, one object store (SeaweedFS) and one
`manage.py db_worker`, as a deployment with a load balancer in front would. People move
between the servers mid-visit, as a load balancer without sticky sessions would send them.

PostgreSQL only (SQLite is one file on one machine, so there is nothing to prove there); CI
runs it in the suite on PostgreSQL. Everything is on 127.0.0.1 and has a time limit.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from tests.object_store import ObjectStore
from tests.production import (
    HOST,
    PYTHON,
    Browser,
    Inbox,
    background,
    check,
    drop_database,
    free_port,
    gunicorn,
    mail_server,
    manage,
    production_environment,
    recreate_database,
    tail,
)

pytestmark = [
    pytest.mark.servers,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="needs PostgreSQL: two app servers cannot share an SQLite file "
        "(run with DATABASE_URL=postgres://...; CI does)",
    ),
]

WAIT_SECONDS = 30
RESET_PATH = "/account/password/reset/"
UPCOMING = "Testing the crisis pages with users"
STALE_EDIT = "Someone else saved changes to this page while you were editing."


@dataclass
class Deployment:
    a: str
    b: str
    database_url: str
    store: ObjectStore
    folder: str
    inbox: Inbox
    var_dirs: tuple[Path, Path]

    def query(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url, connect_timeout=10) as connection:
            return connection.execute(sql, params).fetchall()


def eventually(what: str, condition: Any) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        check(time.monotonic() < deadline, f"{what}: not within {WAIT_SECONDS} s")
        time.sleep(0.2)


@pytest.fixture
def deployment(
    object_store: ObjectStore, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Deployment]:
    # A fresh database beside the suite's (coproduce_twoservers for DATABASE_URL's
    # coproduce), so that runs against other databases never meet; dropped afterwards.
    address = urlsplit(os.environ["DATABASE_URL"])
    database_url = address._replace(path=address.path + "_twoservers").geturl()
    folder = object_store.new_folder()
    var_a = tmp_path_factory.mktemp("server-a")
    var_b = tmp_path_factory.mktemp("server-b")
    with mail_server() as (inbox, smtp_port):
        shared = production_environment(var_a, database_url) | object_store.environment(folder)
        shared |= {"EMAIL_HOST": HOST, "EMAIL_PORT": str(smtp_port), "EMAIL_USE_TLS": "false"}
        env_a = shared
        env_b = shared | {"COPRODUCE_VAR_DIR": str(var_b)}
        recreate_database(database_url, suffix="_twoservers")
        try:
            # Each server has its own copy of the static files, as each machine would;
            # collecting them needs no database, so it runs while the database is made.
            collect = [PYTHON, "manage.py", "collectstatic", "--no-input", "--verbosity=0"]
            with background(collect, env_a, var_a / "collectstatic.log") as collecting:
                manage(env_a, "migrate", "--no-input", "--verbosity=0", seconds=240)
                manage(env_a, "createcachetable", seconds=60)
                manage(env_a, "demo", "--force", seconds=180)
                collecting.wait(timeout=180)
            check(collecting.returncode == 0, tail(var_a / "collectstatic.log"))
            shutil.copytree(var_a / "staticfiles", var_b / "staticfiles")
            logs = [var_a / "gunicorn.log", var_b / "gunicorn.log", var_a / "worker.log"]
            worker = [PYTHON, "manage.py", "db_worker", "--interval=0.2", "--no-startup-delay"]
            try:
                with (
                    background(worker, env_a, logs[2]) as worker_process,
                    gunicorn(env_a, free_port(), logs[0], workers=1) as a,
                    gunicorn(env_b, free_port(), logs[1], workers=1) as b,
                ):
                    check(worker_process.poll() is None, "the task worker stopped")
                    yield Deployment(
                        a, b, database_url, object_store, folder, inbox, (var_a, var_b)
                    )
            except BaseException:
                for log in logs:
                    print(f"\nThe end of {log.name} ({log.parent.name}):\n{tail(log)}")
                raise
        finally:
            drop_database(database_url, suffix="_twoservers")


def check_it_keeps_a_session_started_on_one_server_on_the_other(deployment: Deployment) -> None:
    grace_on_a = Browser(deployment.a)
    grace_on_a.sign_in("grace@example.org")

    grace_on_b = grace_on_a.at(deployment.b)
    page = grace_on_b.get("/projects/")
    assert page.url.endswith("/projects/")
    assert "Grace Whitfield" in page.page.all_text

    # Signing out on one server ends the session on both.
    token = grace_on_b.get("/projects/").page.csrf_token()
    assert grace_on_b.post("/account/sign-out/", [("csrfmiddlewaretoken", token)]).status == 302
    assert "/account/sign-in/" in grace_on_a.get("/projects/").url


def check_it_downloads_through_one_server_a_paper_uploaded_through_the_other(
    deployment: Deployment,
) -> None:
    grace = Browser(deployment.a)
    grace.sign_in("grace@example.org")
    projects = grace.get("/projects/").page
    meetings_list = grace.get(
        grace.get(projects.link_called("Mental health information website")).page.link_matching(
            r"^/projects/\d+/meetings/$"
        )
    ).page
    meeting_url = meetings_list.link_called(UPCOMING)
    meeting_pk = int(re.findall(r"\d+", meeting_url)[0])
    add = grace.get(f"/meetings/{meeting_pk}/papers/add/").page.form_with("title")
    content = b"%PDF-1.4\n% uploaded through server A\n%%EOF\n"
    response = grace.post_multipart(
        f"/meetings/{meeting_pk}/papers/add/",
        add.values(title="Notes from server A"),
        {"file": ("notes.pdf", content, "application/pdf")},
    )
    assert response.status == 302, response.body[:2000]

    amira = Browser(deployment.b)
    amira.sign_in("amira@example.org")
    papers = amira.get(f"/meetings/{meeting_pk}/papers/").page
    assert "Notes from server A" in papers.all_text
    downloads = [href for href, _text in papers.links if href.endswith("/download/")]
    bodies = [amira.get(href).body for href in downloads]
    assert content in bodies

    # The file is in the shared bucket, on neither server's disk.
    # It is stored under a random name, so it is found by what it holds.
    client = deployment.store.client()
    listed = client.list_objects_v2(
        Bucket=deployment.store.bucket, Prefix=f"{deployment.folder}/papers/{meeting_pk}/"
    )
    stored = [
        item["Key"]
        for item in listed["Contents"]
        if client.get_object(Bucket=deployment.store.bucket, Key=item["Key"])["Body"].read()
        == content
    ]
    assert len(stored) == 1
    assert stored[0].endswith(".pdf")
    assert "notes-from-server-a" not in stored[0]
    for var_dir in deployment.var_dirs:
        media = var_dir / "media"
        assert not media.exists() or not any(path.is_file() for path in media.rglob("*"))


def check_it_sends_an_email_queued_by_one_server_once_and_its_link_works_on_the_other(
    deployment: Deployment,
) -> None:
    visitor = Browser(deployment.a)
    token = visitor.get("/account/password/reset/").page.csrf_token()
    response = visitor.post(
        "/account/password/reset/",
        [("csrfmiddlewaretoken", token), ("email", "colin@example.org")],
    )
    assert response.status == 302

    # The demo's own emails to Colin (about his claim) may arrive too: only the reset counts.
    def reset_emails() -> list[EmailMessage]:
        return [
            message
            for message in deployment.inbox.to("colin@example.org")
            if RESET_PATH in str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]
        ]

    eventually("the reset email", reset_emails)
    # The worker has finished with it; give it time to send it twice, if it were to.
    eventually(
        "the task to finish",
        lambda: deployment.query(
            "SELECT 1 FROM django_tasks_database_dbtaskresult WHERE task_path LIKE %s "
            "AND args_kwargs::text LIKE %s AND status = 'SUCCESSFUL'",
            "%send_email",
            "%colin@example.org%",
        ),
    )
    time.sleep(1.5)
    (message,) = reset_emails()
    tasks = deployment.query(
        "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
        "WHERE task_path LIKE %s AND args_kwargs::text LIKE %s AND args_kwargs::text LIKE %s",
        "%send_email",
        "%colin@example.org%",
        f"%{RESET_PATH}%",
    )
    assert [(status, len(workers)) for status, workers in tasks] == [("SUCCESSFUL", 1)]

    # The link made on server A works on server B: both sign with the same key.
    body = message.get_body(("plain",))
    assert body is not None
    link = re.search(r"https://[^/\s]+(/account/password/reset/\S+/)", body.get_content())
    assert link, body.get_content()
    colin = Browser(deployment.b)
    form_page = colin.get(link.group(1))
    form = form_page.page.form_with("new_password1")
    new_password = "a-fresh-password-from-server-b"
    done = colin.post(
        urlsplit(form_page.url).path,
        form.values(new_password1=new_password, new_password2=new_password),
    )
    assert done.status == 302
    back_on_a = Browser(deployment.a)
    page = back_on_a.get("/account/sign-in/").page
    signed_in = back_on_a.post(
        "/account/sign-in/",
        [
            ("csrfmiddlewaretoken", page.csrf_token()),
            ("username", "colin@example.org"),
            ("password", new_password),
        ],
    )
    assert signed_in.status == 302
    assert "Colin Price" in back_on_a.get("/projects/").page.all_text


def check_it_refuses_a_stale_edit_on_one_server_after_a_save_on_the_other(
    deployment: Deployment,
) -> None:
    grace = Browser(deployment.a)
    grace.sign_in("grace@example.org")
    deborah = Browser(deployment.b)
    deborah.sign_in("deborah@example.org")
    (pk,) = deployment.query("SELECT id FROM meetings_meeting WHERE title = %s", UPCOMING)[0]
    edit = f"/meetings/{pk}/change/"
    graces_form = grace.get(edit).page.form_with("version")
    deborahs_form = deborah.get(edit).page.form_with("version")

    saved = deborah.post(edit, deborahs_form.values(purpose="Deborah's purpose, saved on B."))
    assert saved.status == 302

    stale = grace.post(edit, graces_form.values(purpose="Grace's purpose, typed on A."))
    assert stale.status == 400
    shown = stale.page
    assert STALE_EDIT in shown.all_text
    again = shown.form_with("version")
    assert ("purpose", "Grace's purpose, typed on A.", "textarea") in again.fields
    assert deployment.query("SELECT purpose FROM meetings_meeting WHERE id = %s", pk) == [
        ("Deborah's purpose, saved on B.",)
    ]

    # Having seen the warning, Grace saves over it on purpose.
    assert grace.post(edit, again.values()).status == 302
    assert deployment.query("SELECT purpose FROM meetings_meeting WHERE id = %s", pk) == [
        ("Grace's purpose, typed on A.",)
    ]


def test_it_serves_the_same_people_from_two_app_servers(deployment: Deployment) -> None:
    """One test, so that one set of servers is started once, on one test worker."""
    check_it_keeps_a_session_started_on_one_server_on_the_other(deployment)
    check_it_downloads_through_one_server_a_paper_uploaded_through_the_other(deployment)
    check_it_sends_an_email_queued_by_one_server_once_and_its_link_works_on_the_other(deployment)
    check_it_refuses_a_stale_edit_on_one_server_after_a_save_on_the_other(deployment)
