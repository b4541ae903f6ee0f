from django.core.management.base import BaseCommand

from alerts.changes import catch_up


class Command(BaseCommand):
    help = (
        "Announce any change whose moment has come but whose task was lost, and queue "
        "sending for emails left waiting (a worker that stopped mid-send). Safe to run "
        "at any time; cron runs it every 5 minutes (deploy/crontab)."
    )

    def handle(self, *args, **options):
        announced, resumed = catch_up()
        self.stdout.write(
            f"Announced {announced} change(s); queued sending for {resumed} with emails waiting."
        )
