"""Work that happens later (emails, reminders, closing windows) waits in the database.

A restart of the web or worker processes loses nothing: the worker picks up whatever is
still queued, and work scheduled for later runs only once its time has come.
"""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from coproduce.lib.email import send_email

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    # One pass over the queue, as a freshly restarted worker would make.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_keeps_a_queued_email_in_the_database_until_a_worker_sends_it() -> None:
    send_email.enqueue(to=["amira@example.org"], subject="Hello", text="Hi", html="<p>Hi</p>")
    assert mail.outbox == []
    assert DBTaskResult.objects.count() == 1

    run_worker()

    assert [message.to for message in mail.outbox] == [["amira@example.org"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_runs_scheduled_work_only_once_its_time_has_come() -> None:
    later = timezone.now() + datetime.timedelta(hours=48)
    send_email.using(run_after=later).enqueue(
        to=["deborah@example.org"],
        subject="The window has closed",
        text="Closed",
        html="<p>Closed</p>",
    )

    run_worker()
    assert mail.outbox == []

    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        run_worker()
    assert [message.subject for message in mail.outbox] == ["The window has closed"]
