from django.core.management.base import BaseCommand

from publishing.reviews import catch_up


class Command(BaseCommand):
    help = (
        "Queue again the review queue's emails (waiting for review, sent back) not sent a "
        "few minutes after the event: the mail server was down, or the task was lost. An "
        "email that went is never sent again. Safe to run at any time; cron runs it every "
        "5 minutes (deploy/crontab)."
    )

    def handle(self, *args, **options):
        queued = catch_up()
        self.stdout.write(f"Queued {queued} review email(s) not sent yet.")
