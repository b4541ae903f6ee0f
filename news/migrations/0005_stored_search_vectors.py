"""Stored search vectors for site search on PostgreSQL (see search/engine.py).

The GIN expression indexes of 0004 find rare words, but a common word ("families",
in most press releases) makes PostgreSQL scan the table and rebuild every row's
vector from its whole text on every search, a cost that grows with the table. Each
table now has a `search_vector` column kept up to
date by a trigger on every insert and update (so `bulk_create`, `update()`, raw SQL
and the admin all keep it right) with a GIN index on it; the search reads it.

The column is not a model field: Django never loads it with a page's items, and
SQLite (development) has none of this and keeps its own search. The vector's words
and weights are those of 0004's expressions: title A, standfirst or summary B, the
rest C; a quote's words and speaker C.
"""

from django.db import migrations

VECTORS = {
    "news_pressrelease": (
        "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')"
        " || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C')"
    ),
    "news_cabinetdecision": (
        "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english', coalesce(NEW.summary_for_families, '')), 'B')"
        " || setweight(to_tsvector('english',"
        " coalesce(NEW.reasons, '') || ' ' || coalesce(NEW.discussion, '')), 'C')"
    ),
    "news_quote": (
        "setweight(to_tsvector('english',"
        " coalesce(NEW.text, '') || ' ' || coalesce(NEW.speaker, '')), 'C')"
    ),
}
# What ranking reads (search.engine.heading_vector): the title (A) and the
# standfirst or summary (B) alone, stored too so ranking thousands of matches reads
# short stored vectors instead of parsing text.
HEADINGS = {
    "news_pressrelease": (
        "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')"
    ),
    "news_cabinetdecision": (
        "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
        " || setweight(to_tsvector('english', coalesce(NEW.summary_for_families, '')), 'B')"
    ),
}
OLD_INDEXES = ("news_pressrelease_search", "news_cabinetdecision_search", "news_quote_search")


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, vector in VECTORS.items():
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_vector tsvector")
        assignments = f"NEW.search_vector := {vector};"
        if table in HEADINGS:
            schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN search_heading tsvector")
            assignments += f" NEW.search_heading := {HEADINGS[table]};"
        schema_editor.execute(
            f"CREATE FUNCTION {table}_search_vector() RETURNS trigger AS $$ BEGIN "
            f"{assignments} RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_search_vector BEFORE INSERT OR UPDATE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_search_vector()"
        )
        # Fill the column for the rows already there (the trigger does it).
        schema_editor.execute(f"UPDATE {table} SET search_vector = NULL")
        schema_editor.execute(
            f"CREATE INDEX {table}_search_vector ON {table} USING gin (search_vector)"
        )
    for index in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {index}")


def remove_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in VECTORS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_search_vector ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_search_vector()")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_heading")
    # 0004's indexes come back when it is unapplied and applied again; recreate them.
    from importlib import import_module

    import_module("news.migrations.0004_search_indexes").add_indexes(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("news", "0004_search_indexes")]

    operations = [migrations.RunPython(add_vectors, remove_vectors)]
