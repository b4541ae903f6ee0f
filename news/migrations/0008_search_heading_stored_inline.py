"""Keep each row's `search_heading` inside the row (PostgreSQL only; see 0005 and 0007).

Ranking a search reads the heading vector of every match with a searched word in its
title or summary (search/engine.py): hundreds of rows for a common word. A
decision's row is long (purpose, summary, reasons, discussion and two vectors), so
PostgreSQL's default storage moved almost every decision's heading out of the row into
the TOAST table, and each search fetched it from there two or three times a row: many
times the table's own pages.

Storage MAIN asks PostgreSQL to compress the heading but move it out of the row only
when nothing else can go: the long text and the whole-text vector go first, so reading
the headings reads the table's rows and little else.

The cost falls on a row whose heading alone is longer than about 2 KB (a summary of
some 250 words): PostgreSQL then moves every other long-enough field out instead,
trying to make the row fit, so reading that one row's title means a second lookup.

Storage applies to values as they are written, so every row is written again: setting
`search_vector` to NULL makes the trigger of 0005 (and 0006) store both vectors anew.
Press releases' headings were already in their rows; they get the same storage so a
long standfirst never moves one out.
"""

from django.db import migrations

TABLES = ("news_pressrelease", "news_cabinetdecision")


def set_heading_storage(storage):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for table in TABLES:
            schema_editor.execute(
                f"ALTER TABLE {table} ALTER COLUMN search_heading SET STORAGE {storage}"
            )
            schema_editor.execute(f"UPDATE {table} SET search_vector = NULL")

    return apply


class Migration(migrations.Migration):
    dependencies = [("news", "0007_search_heading_indexes")]

    operations = [
        migrations.RunPython(set_heading_storage("MAIN"), set_heading_storage("EXTENDED"))
    ]
