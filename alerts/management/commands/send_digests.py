from django.core.management.base import BaseCommand

from alerts.digests import make_digest
from alerts.models import Frequency


class Command(BaseCommand):
    help = (
        "Queue the daily or weekly summary emails for the last whole day or week (UK "
        "time). Run once a day (daily) and on Mondays (weekly), e.g. at 07:00; running "
        "it again for the same period sends nothing twice (deploy/crontab)."
    )

    def add_arguments(self, parser):
        parser.add_argument("frequency", choices=[Frequency.DAILY, Frequency.WEEKLY])

    def handle(self, *args, frequency, **options):
        digest, emails = make_digest(frequency)
        self.stdout.write(f"{digest}: {emails} email(s) queued now.")
