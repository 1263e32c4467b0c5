"""Owners hear once when an action of theirs becomes overdue, not every day it stays overdue;
again only once a new date has passed, and never about what is done. A daily task does it."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import Cast
from decisions.models import Action
from decisions.services import actions
from meetings.models import ActionPoint, ActionStatus
from people.models import ContactFrequency, Profile

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DUE = datetime.date(2030, 3, 1)


def day(date: datetime.date, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour)))


def colins_action(cast: Cast, **fields: object) -> Action:
    return Action.objects.create(
        project=cast.website,
        text="Ask the web team about the banner",
        owner=cast.carer,
        due_on=DUE,
        **fields,
    )


def reminded() -> list[list[str]]:
    sent = [message.to for message in mail.outbox]
    mail.outbox.clear()
    return sent


def test_it_reminds_the_owner_once_per_overdue_spell_not_every_day(cast: Cast) -> None:
    colins_action(cast)
    with time_machine.travel(day(DUE), tick=False):
        assert actions.overdue_remind() == 0  # due today is not overdue yet
    for later in (1, 2, 9):
        with time_machine.travel(day(DUE + datetime.timedelta(days=later)), tick=False):
            actions.overdue_remind()
        assert reminded() == ([["colin@example.org"]] if later == 1 else [])


def test_it_links_the_reminder_to_the_owners_overdue_actions_in_the_log(cast: Cast) -> None:
    colins_action(cast)
    with time_machine.travel(day(DUE + datetime.timedelta(days=1)), tick=False):
        actions.overdue_remind(base_url="https://coproduce.example.org/")
    (message,) = mail.outbox
    assert "Ask the web team about the banner" in message.body
    assert f"https://coproduce.example.org/projects/{cast.website.pk}/actions/" in message.body
    assert "mine=yes&overdue=yes" in message.body


@override_settings(SITE_URL="https://coproduce.example.org")
def test_it_starts_the_links_of_a_scheduled_reminder_with_the_site_url(cast: Cast) -> None:
    colins_action(cast)
    with time_machine.travel(day(DUE + datetime.timedelta(days=1)), tick=False):
        actions.overdue_remind()  # as the scheduled task runs it: no request to go by
    (message,) = mail.outbox
    assert f"https://coproduce.example.org/projects/{cast.website.pk}/actions/" in message.body


def test_it_does_not_remind_about_an_action_that_is_done(cast: Cast) -> None:
    action = colins_action(cast)
    actions.action_move(
        action=action, actor=cast.carer, status=ActionStatus.DONE, barrier="", project=cast.website
    )
    with time_machine.travel(day(DUE + datetime.timedelta(days=3)), tick=False):
        assert actions.overdue_remind() == 0
    assert reminded() == []


def test_it_reminds_again_once_a_new_due_date_has_passed(cast: Cast) -> None:
    action = colins_action(cast)
    with time_machine.travel(day(DUE + datetime.timedelta(days=1)), tick=False):
        actions.overdue_remind()
    assert reminded() == [["colin@example.org"]]
    # The group gives Colin two more weeks, from a meeting's record (no reset on this path).
    new_due = DUE + datetime.timedelta(days=14)
    Action.objects.filter(pk=action.pk).update(due_on=new_due)
    with time_machine.travel(day(new_due), tick=False):
        actions.overdue_remind()
    assert reminded() == []
    with time_machine.travel(day(new_due + datetime.timedelta(days=1)), tick=False):
        actions.overdue_remind()
        actions.overdue_remind()
    assert reminded() == [["colin@example.org"]]


def test_it_reminds_again_when_a_done_action_is_opened_again_and_still_late(cast: Cast) -> None:
    action = colins_action(cast)
    with time_machine.travel(day(DUE + datetime.timedelta(days=1)), tick=False):
        actions.overdue_remind()
        for status in (ActionStatus.DONE, ActionStatus.IN_PROGRESS):
            actions.action_move(
                action=action, actor=cast.chair, status=status, barrier="", project=cast.website
            )
    reminded()
    with time_machine.travel(day(DUE + datetime.timedelta(days=2)), tick=False):
        actions.overdue_remind()
    assert reminded() == [["colin@example.org"]]


def test_it_reminds_owners_of_a_meetings_action_points_too(cast: Cast) -> None:
    from decisions.tests.helpers import held_meeting

    meeting, item = held_meeting(cast)
    ActionPoint.objects.create(
        meeting=meeting, agenda_item=item, text="Draft the page", owner=cast.clinician, due_on=DUE
    )
    with time_machine.travel(day(DUE + datetime.timedelta(days=1)), tick=False):
        assert actions.overdue_remind() == 1
        assert actions.overdue_remind() == 0
    assert reminded() == [["priya@example.org"]]


def test_it_spares_people_who_want_one_message_a_week_at_most(cast: Cast) -> None:
    Profile.objects.update_or_create(
        user=cast.carer, defaults={"frequency": ContactFrequency.WEEKLY}
    )
    colins_action(cast)
    with time_machine.travel(day(DUE + datetime.timedelta(days=1)), tick=False):
        actions.overdue_remind()
    assert reminded() == []


def waiting_runs() -> list[datetime.datetime]:
    return [
        timezone.localtime(result.run_after)
        for result in DBTaskResult.objects.filter(
            task_path=actions.overdue_reminders_daily.module_path, status="READY"
        )
    ]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DATABASE_TASKS)
def test_it_runs_the_reminders_daily_from_the_schedule_command(cast: Cast) -> None:
    colins_action(cast)
    first_day = DUE + datetime.timedelta(days=1)
    with time_machine.travel(day(first_day, hour=12), tick=False):
        call_command("overdue_reminders_schedule", verbosity=0)
        call_command("overdue_reminders_schedule", verbosity=0)  # a second deployment
    assert waiting_runs() == [day(first_day + datetime.timedelta(days=1), hour=7)]
    for later in (1, 2):
        with time_machine.travel(day(first_day + datetime.timedelta(days=later), hour=8)):
            call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
        # Each run queues the next, and only one is ever waiting.
        assert waiting_runs() == [day(first_day + datetime.timedelta(days=later + 1), hour=7)]
    assert reminded() == [["colin@example.org"]]


def test_it_runs_later_today_when_scheduled_before_the_hour() -> None:
    early = day(DUE, hour=5)
    assert actions.next_daily_run(early) == day(DUE, actions.DAILY_REMINDER_HOUR)
    late = day(DUE, hour=actions.DAILY_REMINDER_HOUR)
    assert actions.next_daily_run(late) == day(
        DUE + datetime.timedelta(days=1), actions.DAILY_REMINDER_HOUR
    )


@pytest.mark.django_db
def test_it_queues_nothing_with_a_backend_that_cannot_wait() -> None:
    assert actions.overdue_reminders_schedule() is False
    assert not DBTaskResult.objects.exists()
