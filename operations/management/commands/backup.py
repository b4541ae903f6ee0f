"""
`manage.py backup`: the database and the uploaded media, as they were at one moment.

Writes a folder `backups/<UTC date and time>/` holding:

- `database.sqlite3` (SQLite, copied with SQLite's online backup API) or
  `database.pgdump` (PostgreSQL, `pg_dump --format=custom`). Either is one consistent
  snapshot, taken while the site keeps running;
- `media/`, a copy of MEDIA_ROOT;
- `manifest.json`: when, from which kind of database, and how many rows each table had
  in that snapshot, so `manage.py restore` can prove that nothing was lost.

A backup holds every password hash and the sessions of everyone signed in, so only
the account that made it may read it, whatever the umask: the folder is 0700 from the
moment it is made (and `backups/` too, when the command makes it), and each file and
folder in it 0600 and 0700 before it gets its dated name. `manage.py restore` gives the
media files it puts back the usual permissions of new files.

The folder is written under a hidden name and renamed when complete, so a folder with
a date for a name is always a whole backup. Media is copied after the database: an
uploaded file gets a new random name and is written before the row that points to it,
so every file the snapshot refers to is already there (unless it was deleted in the
seconds between, in which case the restored page has nothing to show for it).
"""

import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

DUMP_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MANIFEST = "manifest.json"
MEDIA = "media"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def row_counts(connection):
    """Rows in every table of the database, by table name."""
    with connection.cursor() as cursor:
        tables = [
            name
            for name in connection.introspection.table_names(cursor)
            if not name.startswith("sqlite_")
        ]
        counts = {}
        for table in sorted(tables):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_file_row_counts(path):
    with closing(sqlite3.connect(path)) as database:
        tables = database.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite^_%' "
            "ESCAPE '^' ORDER BY name"
        ).fetchall()
        return {
            name: database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]  # noqa: S608
            for (name,) in tables
        }


def postgres_environment(connection):
    """libpq's environment variables for `connection`, so no password is on a command line."""
    params = connection.get_connection_params()
    names = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "service": "PGSERVICE",
        "passfile": "PGPASSFILE",
    }
    env = {name: os.environ[name] for name in os.environ if not name.startswith("PG")}
    env.update({names[key]: str(value) for key, value in params.items() if key in names and value})
    return env


def run_postgres_tool(tool, *args, connection):
    if shutil.which(tool) is None:
        raise CommandError(f"{tool} is not installed. Install the PostgreSQL client tools.")
    result = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [tool, *args],
        env=postgres_environment(connection),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise CommandError(f"{tool} failed: {result.stderr.strip()}")
    return result


def dump_sqlite(connection, target):
    connection.ensure_connection()
    with closing(sqlite3.connect(target)) as destination:
        connection.connection.backup(destination)
    return sqlite_file_row_counts(target)


def dump_postgresql(connection, target):
    """pg_dump in a snapshot that this transaction exports, so the row counts are of
    exactly what was dumped."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        [snapshot] = cursor.fetchone()
        run_postgres_tool(
            "pg_dump",
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={target}",
            connection=connection,
        )
        return row_counts(connection)


def private_folder(path, parents=False):
    """Make the folder `path`, readable by its owner only. mkdir's mode passes through the
    umask, which may take bits away (even the owner's), so the mode is set again."""
    path.mkdir(mode=PRIVATE_FOLDER, parents=parents)
    path.chmod(PRIVATE_FOLDER)


def make_private(folder):
    """Everything in `folder` readable by its owner only: what pg_dump, SQLite and the
    media copy wrote has the umask's permissions, or the media files' own."""
    for path in folder.rglob("*"):
        path.chmod(PRIVATE_FOLDER if path.is_dir() else PRIVATE_FILE)


def new_folder(parent):
    stamp = timezone.now().strftime("%Y-%m-%dT%H%M%SZ")
    folder, n = parent / stamp, 2
    while folder.exists():
        folder, n = parent / f"{stamp}-{n}", n + 1
    return folder


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded media into a new dated folder under "
        "backups/ (restore it with `manage.py restore <folder>`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=Path(settings.BASE_DIR) / "backups",
            help="Where to put the backup's folder (default: backups/ in the project).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, output_dir, database, **options):
        connection = connections[database]
        if connection.vendor not in DUMP_FILES:
            raise CommandError(f"Backing up a {connection.vendor} database is not supported.")
        if connection.in_atomic_block:
            raise CommandError("Run the backup outside a transaction.")

        output_dir = Path(output_dir)
        if not output_dir.exists():  # an existing folder's permissions are its owner's choice
            private_folder(output_dir, parents=True)
        folder = new_folder(output_dir)
        partial = output_dir / f".incomplete-{folder.name}"
        private_folder(partial)
        try:
            dump = partial / DUMP_FILES[connection.vendor]
            dump_database = dump_sqlite if connection.vendor == "sqlite" else dump_postgresql
            counts = dump_database(connection, dump)
            media_root = Path(settings.MEDIA_ROOT)
            if media_root.is_dir():
                shutil.copytree(media_root, partial / MEDIA)
            else:
                (partial / MEDIA).mkdir()
            manifest = {
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "dump": dump.name,
                "media": MEDIA,
                "row_counts": counts,
            }
            (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
            make_private(partial)
            partial.rename(folder)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True)
            raise

        files = sum(1 for path in (folder / MEDIA).rglob("*") if path.is_file())
        self.stdout.write(
            f"Backed up {sum(counts.values())} rows in {len(counts)} tables "
            f"and {files} media files to:"
        )
        self.stdout.write(str(folder))  # last, alone on its line, for scripts
