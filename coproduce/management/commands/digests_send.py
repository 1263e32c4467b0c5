"""`python manage.py digests_send --site-url https://coproduce.example.org`: send the daily
and weekly messages that are due.

Run it every hour from cron or a systemd timer. Each person who asked for one message a day
or a week at most gets one email at the time they chose, carrying everything held for them
since their last one (`meetings.digest`). Running it again, or twice at once, sends nothing
more; a run missed is caught up by the next. There is no request to take the site's address
from, so `--site-url` gives the start of the links in the emails.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from meetings.digest import digests_send


class Command(BaseCommand):
    help = "Send the daily and weekly messages that are due. Run it every hour."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site-url",
            default="",
            help=(
                "The address the links in the emails start with, e.g. "
                "https://coproduce.example.org (default: the SITE_URL setting)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digests_send(base_url=options["site_url"])
        self.stdout.write(f"Queued {sent} daily or weekly messages.")
