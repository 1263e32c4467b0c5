"""`python manage.py overdue_reminders_schedule`: start the daily reminders of overdue actions.

Run it at each deployment, after `migrate`. It queues the next daily run in the database
task queue unless one is queued already, and each run queues the next, so running it again
changes nothing.
"""

from typing import Any

from django.core.management.base import BaseCommand

from decisions.services.actions import overdue_reminders_schedule


class Command(BaseCommand):
    help = "Queue the daily reminders of overdue actions, unless they are queued already."

    def handle(self, *args: Any, **options: Any) -> None:
        if overdue_reminders_schedule():
            self.stdout.write("The daily reminders of overdue actions are queued.")
        else:
            self.stdout.write(
                "Nothing queued: the daily reminders of overdue actions are queued already,"
                " or this task backend cannot wait."
            )
