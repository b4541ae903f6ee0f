"""
`manage.py prune_social_cards`: delete the link-preview cards no page shows any more.

Each version of a card is kept in the media storage under `social-cards/`
(sharing/cards.py), so every renamed title leaves its old PNG behind, and a
withdrawn press release's card, title and all, would stay in storage for ever. This
deletes every file in that folder except:

- the current card of every page and public item (priority, press release, decision);
- a file written in the last `--keep-days` days (30 unless told), as a safety margin:
  the card address never serves an old version (it shows the current card whatever
  `?v=` says), so an old PNG is not needed to show a preview, but the margin leaves
  alone a card being drawn for a title saved while this runs.

A card of an item that is gone (deleted, or no longer published) is deleted whatever
its age: its name in storage, `<kind>/<slug>.<version>.png`, says whose it was.

It goes through `default_storage` only (`listdir`, `get_modified_time`, `delete`), so it
works the same on the file system and on S3, and it never touches a file outside the
folder. Run it daily from cron (README.md, "Deploying"); `--verbosity 0` silences the summary.
"""

import re
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management import BaseCommand
from django.template.defaultfilters import pluralize
from django.utils import timezone

from sharing import cards as social_cards

# "news/<slug>.<version>.png"; anything else in the folder (a card stored before names
# carried the kind and slug, a stray file) is kept or deleted by its age alone.
CARD_NAME = re.compile(r"^(?P<kind>[a-z]+)/(?P<slug>[-\w]+)\.[0-9a-f]+\.png$")


def stored_files(folder):
    """Every file under `folder` in the default storage, as storage names, at any depth."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no card drawn yet (S3 lists an absent folder as empty)
        return
    for name in files:
        yield f"{folder}/{name}"
    for name in folders:
        yield from stored_files(f"{folder}/{name}")


def owner(name):
    """(kind, slug) of the card stored as `name`, or None if the name does not say."""
    relative = name.removeprefix(f"{social_cards.STORAGE_FOLDER}/")
    match = CARD_NAME.match(relative)
    if match is None or match["kind"] not in social_cards.card_kinds():
        return None
    return match["kind"], match["slug"]


def modified_time(name):
    """When the file was written, or None if the storage cannot say."""
    try:
        return default_storage.get_modified_time(name)
    except NotImplementedError:
        return None


class Command(BaseCommand):
    help = (
        "Delete link-preview cards (social-cards/ in the media storage) that no page "
        "shows any more: old versions after --keep-days, a gone item's card at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--keep-days",
            type=int,
            default=30,
            help="Keep an old card written in the last KEEP_DAYS days (default 30).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what would be deleted, and delete nothing.",
        )

    def handle(self, *args, keep_days, dry_run, verbosity, **options):
        # Storage first, database second: a card drawn for an item published a moment
        # ago is then listed only if the item is already there to be found.
        stored = list(stored_files(social_cards.STORAGE_FOLDER))
        current = set()
        live_owners = set()
        for card in social_cards.public_cards():
            current.add(card.storage_name)
            live_owners.add((card.kind, card.slug))
        oldest_kept = timezone.now() - timedelta(days=keep_days)

        deleted = kept = 0
        for name in stored:
            if name in current or not self.is_disposable(name, live_owners, oldest_kept):
                kept += 1
                continue
            if dry_run:
                self.stdout.write(f"Would delete {name}")
            else:
                default_storage.delete(name)
                if verbosity >= 2:
                    self.stdout.write(f"Deleted {name}")
            deleted += 1

        cards = f"old card{pluralize(deleted)}"
        if dry_run:
            summary = f"Would delete {deleted} {cards}, keep {kept}"
        else:
            summary = f"Deleted {deleted} {cards}, kept {kept}"
        if verbosity >= 1 or dry_run:
            self.stdout.write(summary)

    @staticmethod
    def is_disposable(name, live_owners, oldest_kept):
        """A stored file that is not a current card: is it time it went?"""
        whose = owner(name)
        if whose is not None and whose not in live_owners:
            return True  # the item is gone: its title should not linger in storage
        modified = modified_time(name)
        # No time to go by: delete. The card address never serves an old version, and a
        # current card deleted by a race with a rename is simply drawn again.
        return modified is None or modified < oldest_kept
