from django.core.management.base import BaseCommand

from search.suggestions import refresh_words


class Command(BaseCommand):
    help = (
        'Make the list of the site\'s words ("Did you mean ...?" on PostgreSQL) again now. '
        "Search does it by itself after a change saved through Django; run this after "
        "changing content in bulk (bulk_create, update(), SQL)."
    )

    def handle(self, *args, **options):
        refresh_words()
