"""`manage.py payment_records_expire`: delete payment records kept long enough.

Payment records are kept for six years from the end of the tax year they were paid in, as
HMRC expects (README, Payments); after that this deletes them, receipts included. Run it
once a month from cron or a systemd timer: running it more often does no harm.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from payments.services import payment_records_expire


class Command(BaseCommand):
    help = "Delete payment records kept for six years from the end of their tax year."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be deleted, delete nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        expired = payment_records_expire(dry_run=options["dry_run"])
        verb = "Would delete" if options["dry_run"] else "Deleted"
        self.stdout.write(
            f"{verb} payment records up to {expired.cutoff:%-d %B %Y}: {expired.claims} claims, "
            f"{expired.runs} payment runs, {expired.entries} activities and "
            f"{expired.expenses} expenses."
        )
