"""GIN indexes on the stored `search_heading` columns (PostgreSQL only; see 0005).

Site search ranks the matches whose title or standfirst (summary) has one of the
searched words, and pages through the rest by date (search/engine.py,
`PostgresSearch.ranked`). Without an index, finding those headings reads every row;
with it, only the matching rows.
"""

from django.db import migrations

TABLES = ("news_pressrelease", "news_cabinetdecision")


def add_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE INDEX {table}_search_heading ON {table} USING gin (search_heading)"
        )


def remove_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {table}_search_heading")


class Migration(migrations.Migration):
    dependencies = [("news", "0006_quotes_in_press_release_search_vector")]

    operations = [migrations.RunPython(add_indexes, remove_indexes)]
