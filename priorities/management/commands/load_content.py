from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, call_command

from priorities.models import Strategy

FIXTURES = ["strategy", "news", "accessibility", "helpcontacts", "glossary", "easyread"]


class Command(BaseCommand):
    help = (
        "Load the real strategy, its priorities, the cabinet decision and the press release "
        "from fixtures/. Skips loading when a strategy already exists, so editors' work is "
        "never overwritten; --force reloads (fixture rows are replaced, nothing is duplicated)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Reload even if content exists.")

    def handle(self, *args, force=False, **options):
        if Strategy.objects.exists() and not force:
            self.stdout.write(
                "Content already loaded; leaving it as it is (use --force to reload)."
            )
            return
        fixture_dir = Path(settings.BASE_DIR) / "fixtures"
        call_command("loaddata", *(str(fixture_dir / f"{name}.json") for name in FIXTURES))
