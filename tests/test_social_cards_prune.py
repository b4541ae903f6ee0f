"""`manage.py prune_social_cards`: old link-preview cards go, current ones stay."""

import io
import os
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from publishing.models import Status
from sharing import cards as social_cards
from tests.factories import CabinetDecisionFactory, PressReleaseFactory

DAY = 24 * 60 * 60


@pytest.fixture
def media_root(db, settings, tmp_path):
    """A fresh, empty media storage for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def show_card(item):
    """Ask for the item's card as a link preview would, so it is drawn and stored."""
    card = social_cards.item_card(item)
    url = reverse("social-card", kwargs={"kind": card.kind, "slug": card.slug})
    response = Client().get(url)
    assert response.status_code == 200
    return card


def renamed(first_title, second_title):
    """A press release whose card was shown under `first_title`, then renamed and
    shown again: its (old, current) cards, both stored."""
    press_release = PressReleaseFactory(title=first_title)
    old = show_card(press_release)
    press_release.title = second_title
    press_release.save()
    return old, show_card(press_release)


def stored(media_root):
    """The card files in storage, as storage names."""
    folder = media_root / social_cards.STORAGE_FOLDER
    return sorted(str(path.relative_to(media_root)) for path in folder.rglob("*") if path.is_file())


def make_old(media_root, name, days):
    moment = time.time() - days * DAY
    os.utime(media_root / name, (moment, moment))


def prune(*args):
    out = io.StringIO()
    call_command("prune_social_cards", *args, stdout=out)
    return out.getvalue()


def test_a_renamed_items_old_card_goes_after_the_keep_days_and_its_current_card_stays(
    media_root,
):
    old, new = renamed("Council agrees the strategy", "Cabinet agrees the SEND strategy")
    assert stored(media_root) == sorted([old.storage_name, new.storage_name])

    # Drawn yesterday: kept for now.
    make_old(media_root, old.storage_name, days=1)
    assert prune() == "Deleted 0 old cards, kept 2\n"
    assert stored(media_root) == sorted([old.storage_name, new.storage_name])

    # After 30 days the old version goes; the current one stays however old it is.
    make_old(media_root, old.storage_name, days=31)
    make_old(media_root, new.storage_name, days=400)
    assert prune() == "Deleted 1 old card, kept 1\n"
    assert stored(media_root) == [new.storage_name]


def test_keep_days_can_be_shortened(media_root):
    old, new = renamed("A first title", "A second title")
    make_old(media_root, old.storage_name, days=3)

    assert prune("--keep-days", "7") == "Deleted 0 old cards, kept 2\n"
    assert prune("--keep-days", "2") == "Deleted 1 old card, kept 1\n"
    assert stored(media_root) == [new.storage_name]


def test_a_deleted_or_withdrawn_items_card_goes_at_once(media_root):
    deleted = PressReleaseFactory(title="A title that was a mistake")
    withdrawn = CabinetDecisionFactory(title="A decision taken back")
    staying = PressReleaseFactory(title="News that stays")
    deleted_card, withdrawn_card, staying_card = map(show_card, (deleted, withdrawn, staying))

    deleted.delete()
    withdrawn.status = Status.DRAFT
    withdrawn.save()

    assert prune() == "Deleted 2 old cards, kept 1\n"
    assert stored(media_root) == [staying_card.storage_name]
    assert deleted_card.storage_name not in stored(media_root)
    assert withdrawn_card.storage_name not in stored(media_root)


def test_the_pages_cards_are_current_and_stay(client, media_root):
    for page in social_cards.page_names():
        url = reverse("social-card", kwargs={"kind": "page", "slug": page})
        assert client.get(url).status_code == 200
    names = stored(media_root)
    assert len(names) == len(social_cards.page_names())
    for name in names:
        make_old(media_root, name, days=365)

    assert prune() == f"Deleted 0 old cards, kept {len(social_cards.page_names())}\n"
    assert stored(media_root) == names


def test_a_dry_run_lists_what_would_go_and_deletes_nothing(media_root):
    old, new = renamed("Before", "After")
    make_old(media_root, old.storage_name, days=31)
    gone = PressReleaseFactory(title="Gone")
    gone_card = show_card(gone)
    gone.delete()
    before = stored(media_root)

    output = prune("--dry-run")

    assert stored(media_root) == before
    *listed, summary = output.splitlines()
    assert sorted(listed) == sorted(
        [f"Would delete {old.storage_name}", f"Would delete {gone_card.storage_name}"]
    )
    assert summary == "Would delete 2 old cards, keep 1"
    assert new.storage_name not in output


def test_files_outside_the_folder_are_never_touched(media_root):
    outside = [
        "markdownx/photo.png",
        "social-cards.png",
        "social-cards-old/news/gone.0123456789abcdef0123.png",
        "news/gone.0123456789abcdef0123.png",
    ]
    for name in outside:
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(b"not a card")
        make_old(media_root, name, days=400)
    # Inside the folder: a card stored under the old naming, and a stray file.
    legacy = "social-cards/0123456789abcdef0123.png"
    stray = "social-cards/notes.txt"
    for name in (legacy, stray):
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(b"old")
        make_old(media_root, name, days=400)

    assert prune() == "Deleted 2 old cards, kept 0\n"
    for name in outside:
        assert (media_root / name).read_bytes() == b"not a card"
    assert stored(media_root) == []


def test_no_card_stored_yet_is_nothing_to_do(media_root):
    assert prune() == "Deleted 0 old cards, kept 0\n"
