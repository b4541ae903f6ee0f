"""
`manage.py db_worker`, counting its SQL queries: the alerts benchmark's worker
(bench/alerts.py).

    python -m bench.counted_worker COUNTS_FILE [db_worker options...]

It runs Django's `db_worker` command in this process, as `manage.py db_worker` does,
inside `connection.execute_wrapper` (Django's documented hook around every statement
sent to the database), so every query the worker sends is counted: its polls of the
queue, the tasks' reads and writes, savepoints. They are counted by what they touch:
`alerts` (a statement naming one of the alerts app's tables), `queue` (the task
queue's table), `other` (savepoints, and anything else).

The counts are written to COUNTS_FILE as JSON at start, on SIGUSR1 and at exit, each
time with a `writes` number one higher, so the harness can ask for the counts before
and after a measurement and take the difference.
"""

import json
import os
import signal
import sys
from collections import Counter
from pathlib import Path


def kinds():
    """{quoted table name: kind} for the alerts app's tables and the task queue's."""
    from django.apps import apps
    from django_tasks_db.models import DBTaskResult

    tables = {f'"{DBTaskResult._meta.db_table}"': "queue"}
    for model in apps.get_app_config("alerts").get_models():
        tables[f'"{model._meta.db_table}"'] = "alerts"
    return tables


def main(argv=None):
    counts_file, *options = argv or sys.argv[1:]
    counts_file = Path(counts_file)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    counts = Counter()
    writes = 0
    tables = kinds()

    def count(execute, sql, params, many, context):
        kind = next((kind for table, kind in tables.items() if table in sql), "other")
        counts[kind] += 1
        return execute(sql, params, many, context)

    def write(*_signal):
        nonlocal writes
        writes += 1
        partial = counts_file.with_suffix(".partial")
        partial.write_text(json.dumps({"writes": writes, "pid": os.getpid(), **counts}))
        partial.replace(counts_file)

    write()
    signal.signal(signal.SIGUSR1, write)
    try:
        with connection.execute_wrapper(count):
            call_command("db_worker", *options)
    finally:
        write()


if __name__ == "__main__":
    main()
