"""`python manage.py digests_send`: send the daily and weekly messages that are due.

Run it every hour from cron or a systemd timer. Each person who asked for one message a day
or a week at most gets one email at the time they chose, carrying everything held for them
since their last one (`meetings.digest`). Running it again, or twice at once, sends nothing
more; a run missed is caught up by the next.
"""

from typing import Any

from django.core.management.base import BaseCommand

from meetings.digest import digests_send


class Command(BaseCommand):
    help = "Send the daily and weekly messages that are due. Run it every hour."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digests_send()
        self.stdout.write(f"Queued {sent} daily or weekly messages.")
