"""Nothing lost: `make backup` and `make restore` bring the site back, row for row.

The round trip runs on whichever database the suite runs on (DATABASE_URL): the backup
is taken from the test database, then restored by `manage.py restore`, in its own
process as an operator would run it, into a new empty database (a new SQLite file, or
a throwaway PostgreSQL database), and the restored site is read back in a third process.
"""

import io
import json
import os
import re
import secrets
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from news.models import CabinetDecision
from operations.management.commands.backup import row_counts
from operations.management.commands.restore import restore_media
from priorities.models import Priority
from tests.factories import ImageFactory, PressReleaseFactory
from tests.html_page import Page

# Read the restored site: every table's row count, then what a visitor reads on a few
# pages; last, a new row, which needs the id sequences to have come back too.
READ_SITE = """
import json, os
from django.db import connection
from django.test import Client
from operations.management.commands.backup import row_counts
from tests.factories import PressReleaseFactory

counts = row_counts(connection)
client = Client()
pages = {url: client.get(url).content.decode() for url in json.loads(os.environ["READ_URLS"])}
PressReleaseFactory(title="Written after the restore")
print(json.dumps({"counts": counts, "pages": pages}))
"""


def manage(*args, database_url, media_root, **env):
    """`manage.py` in its own process, pointed at another database and media folder."""
    env = {**os.environ, **env}
    env.update(
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url,
        DJANGO_MEDIA_ROOT=str(media_root),
        DJANGO_ALLOWED_HOSTS="testserver",
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def empty_database(tmp_path):
    """The address of a new, empty database of the kind the suite runs on."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    name = f"strategy_site_restore_test_{secrets.token_hex(4)}"
    params = connection.get_connection_params()
    credentials = quote(params.get("user", ""), safe="")
    if params.get("password"):
        credentials += ":" + quote(params["password"], safe="")
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://{credentials}@{params.get('host', '')}:{params.get('port', 5432)}/{name}"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def a_photo():
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def back_up(output_dir):
    out = io.StringIO()
    call_command("backup", output_dir=output_dir, stdout=out)
    return Path(out.getvalue().splitlines()[-1])


def files_in(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


def what_a_visitor_reads(html):
    page = Page(html)
    [main] = page.find_all("main")
    return page.title, main.text


@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_an_empty_database_has_every_row_file_and_page(
    real_content, media_root, empty_database, tmp_path
):
    press_release = PressReleaseFactory(
        title="Backed up and restored", image=ImageFactory(file=a_photo(), alt="A teal square")
    )
    urls = [
        reverse("home"),
        press_release.get_absolute_url(),
        CabinetDecision.objects.get().get_absolute_url(),
        Priority.objects.first().get_absolute_url(),
    ]
    client = Client()
    pages = {url: client.get(url).content.decode() for url in urls}
    counts = row_counts(connection)

    backup = back_up(tmp_path / "backups")

    assert backup.parent == tmp_path / "backups"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d{6}Z", backup.name)
    restored_media = tmp_path / "restored-media"
    restore = manage("restore", str(backup), database_url=empty_database, media_root=restored_media)
    assert restore.returncode == 0, restore.stderr
    assert "Restored" in restore.stdout

    read = manage(
        "shell",
        "-c",
        READ_SITE,
        database_url=empty_database,
        media_root=restored_media,
        READ_URLS=json.dumps(urls),
    )
    assert read.returncode == 0, read.stderr
    restored = json.loads(read.stdout.splitlines()[-1])
    assert restored["counts"] == counts
    assert counts["news_pressrelease"] == 2 and counts["priorities_priority"] == 6
    for url in urls:
        assert what_a_visitor_reads(restored["pages"][url]) == what_a_visitor_reads(pages[url])
    assert "Backed up and restored" in restored["pages"][press_release.get_absolute_url()]
    assert files_in(restored_media) == files_in(media_root)
    assert press_release.image.file.name in files_in(restored_media)


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_with_content_unless_forced(
    media_root, empty_database, tmp_path
):
    PressReleaseFactory(title="The first version")
    backup = back_up(tmp_path / "backups")
    restored_media = tmp_path / "restored-media"
    first = manage("restore", str(backup), database_url=empty_database, media_root=restored_media)
    assert first.returncode == 0, first.stderr

    again = manage("restore", str(backup), database_url=empty_database, media_root=restored_media)

    assert again.returncode != 0
    assert "is not empty" in again.stderr
    assert "--force" in again.stderr

    forced = manage(
        "restore", str(backup), "--force", database_url=empty_database, media_root=restored_media
    )

    assert forced.returncode == 0, forced.stderr
    assert "Restored" in forced.stdout


def test_restore_refuses_the_database_the_site_is_running_on(db, tmp_path):
    backup = tmp_path / "a-backup"
    backup.mkdir()
    dump = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[connection.vendor]
    (backup / dump).write_bytes(b"")
    (backup / "manifest.json").write_text(
        json.dumps(
            {"database": connection.vendor, "dump": dump, "media": "media", "row_counts": {}}
        )
    )

    with pytest.raises(CommandError, match="is not empty .* add --force"):
        call_command("restore", str(backup))


def test_restore_says_when_a_folder_is_not_a_backup(db, tmp_path):
    with pytest.raises(CommandError, match="is not a backup made by `manage.py backup`"):
        call_command("restore", str(tmp_path))


# Who may read a backup ---------------------------------------------------------------


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@contextmanager
def umask(value):
    previous = os.umask(value)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("process_umask", [0o000, 0o022], ids=["umask 000", "umask 022"])
def test_a_backup_is_readable_by_its_owner_only_whatever_the_umask(
    media_root, tmp_path, process_umask
):
    # It holds every password hash and the live session keys.
    (media_root / "images").mkdir()
    photo = media_root / "images" / "photo.png"
    photo.write_bytes(b"a picture")
    photo.chmod(0o644)

    with umask(process_umask):
        backup = back_up(tmp_path / "backups")

    assert mode(tmp_path / "backups") == 0o700
    assert mode(backup) == 0o700
    inside = list(backup.rglob("*"))
    assert {path.name for path in inside} >= {"manifest.json", "media", "images", "photo.png"}
    assert any(path.name.startswith("database.") for path in inside)
    for path in inside:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path


@pytest.mark.django_db(transaction=True)
def test_a_backup_leaves_an_existing_backups_folder_as_it_was(media_root, tmp_path):
    shared = tmp_path / "backups"
    shared.mkdir()
    shared.chmod(0o750)

    backup = back_up(shared)

    assert mode(shared) == 0o750
    assert mode(backup) == 0o700


def test_restored_media_files_are_readable_as_any_new_file_is(tmp_path):
    backed_up = tmp_path / "backup" / "media"
    (backed_up / "images").mkdir(parents=True)
    (backed_up / "images" / "photo.png").write_bytes(b"a picture")
    (backed_up / "images" / "photo.png").chmod(0o600)
    (backed_up / "images").chmod(0o700)
    media = tmp_path / "media"

    with umask(0o022):
        restore_media(backed_up, media)

    assert (media / "images" / "photo.png").read_bytes() == b"a picture"
    assert mode(media / "images" / "photo.png") == 0o644
    assert mode(media / "images") == 0o755
