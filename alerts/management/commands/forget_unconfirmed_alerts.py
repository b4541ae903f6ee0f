from django.core.management.base import BaseCommand

from alerts.models import CONFIRM_DAYS, forget_unconfirmed


class Command(BaseCommand):
    help = (
        f"Delete email alerts asked for and not confirmed within {CONFIRM_DAYS} days, and "
        "addresses left with none. Run it daily (from cron, say)."
    )

    def handle(self, *args, **options):
        deleted = forget_unconfirmed()
        self.stdout.write(f"Deleted {deleted} unconfirmed address(es).")
