"""
`manage.py restore <folder>`: bring back a backup made by `manage.py backup`.

Into an empty database only, unless --force: restoring over live content would mix two
sites' rows, so a database that has any table, or a media folder that has any file, is
refused with a message saying so. The database comes back in one step (SQLite's backup
API, or `pg_restore --single-transaction`), then the media files; last, every table's
row count is checked against the backup's manifest.
"""

import json
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from .backup import DUMP_FILES, MANIFEST, row_counts, run_postgres_tool


def restore_sqlite(connection, dump):
    connection.ensure_connection()
    # Copies every page of the backup over the database, replacing whatever it held.
    with closing(sqlite3.connect(dump)) as source:
        source.backup(connection.connection)


DROP_OUR_FUNCTIONS = """
DO $$
DECLARE function regprocedure;
BEGIN
  FOR function IN
    SELECT p.oid::regprocedure FROM pg_proc p
    JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname = current_schema()
      AND NOT EXISTS (
        SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e'
      )
  LOOP
    EXECUTE 'DROP FUNCTION IF EXISTS ' || function || ' CASCADE';
  END LOOP;
END $$;
"""


def restore_postgresql(connection, dump, existing_tables):
    if existing_tables:  # --force: the backup replaces everything
        with connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(table) for table in existing_tables)
            cursor.execute(f"DROP TABLE IF EXISTS {names} CASCADE")
            # The dump also recreates our own functions (the search triggers'), which
            # outlive their tables; extensions' functions are left to the extensions.
            cursor.execute(DROP_OUR_FUNCTIONS)
    run_postgres_tool(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={connection.get_connection_params()['dbname']}",
        str(dump),
        connection=connection,
    )


def restore_media(source, media_root):
    """Copy the backup's media files into `media_root` as new files, without their modes:
    a backup keeps them private (0600), but the site, and whatever serves its media, must
    read them as it reads any file it wrote itself."""
    media_root.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.rglob("*")):
        target = media_root / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


class Command(BaseCommand):
    help = (
        "Restore a backup folder made by `manage.py backup` into an empty database, and its "
        "media into MEDIA_ROOT. --force replaces a database that has content."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", help="The backup's folder, e.g. backups/2026-01-31T020000Z")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore even though the database has tables (they are all replaced) or "
            "the media folder has files (files of the same name are overwritten).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, backup, force, database, **options):
        folder = Path(backup)
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError) as error:
            raise CommandError(
                f"{folder} is not a backup made by `manage.py backup`: {error}"
            ) from None

        connection = connections[database]
        if manifest["database"] != connection.vendor:
            raise CommandError(
                f"This is a backup of a {manifest['database']} database, but the database to "
                f"restore into is {connection.vendor}. Set DATABASE_URL to the right kind."
            )
        dump = folder / manifest["dump"]
        if manifest["dump"] != DUMP_FILES[connection.vendor] or not dump.is_file():
            raise CommandError(f"The backup has no database file ({dump} is missing).")

        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            existing_tables = connection.introspection.table_names(cursor)
        media_root = Path(settings.MEDIA_ROOT)
        existing_files = media_root.is_dir() and any(p.is_file() for p in media_root.rglob("*"))
        if not force:
            if existing_tables:
                raise CommandError(
                    f"Not restoring: the database {name} is not empty (it has "
                    f"{len(existing_tables)} tables). Restore into a new, empty database, or "
                    "add --force to replace everything in this one."
                )
            if existing_files:
                raise CommandError(
                    f"Not restoring: the media folder {media_root} already has files. Restore "
                    "into an empty one, or add --force to overwrite files of the same name."
                )

        if connection.vendor == "sqlite":
            restore_sqlite(connection, dump)
        else:
            restore_postgresql(connection, dump, existing_tables)
        if (folder / manifest["media"]).is_dir():
            restore_media(folder / manifest["media"], media_root)

        counts = row_counts(connection)
        expected = manifest["row_counts"]
        if counts != expected:
            differences = {
                table: (expected.get(table), counts.get(table))
                for table in sorted(set(counts) | set(expected))
                if counts.get(table) != expected.get(table)
            }
            raise CommandError(
                "The restored database does not match the backup (table: (backed up, "
                f"restored)): {differences}"
            )
        self.stdout.write(
            f"Restored {sum(counts.values())} rows in {len(counts)} tables into {name}, "
            f"and the media files into {media_root}, from {folder} "
            f"(made {manifest['created_at']}). Run `manage.py migrate` if the code is newer."
        )
