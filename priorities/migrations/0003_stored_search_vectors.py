"""Stored search vectors for the priorities, as news/migrations/0005 made for the news.

Site search used to match the priorities through 0002's GIN expression index and rank
them by their heading's vector built at search time. With a handful of rows the index
is never used: PostgreSQL rebuilt every priority's vector from its whole text (the
strategy's long bodies) twice per search, in the count and in the page query. Now a
trigger keeps `search_vector` (short title
A, pledge B, body C: 0002's expression) and `search_heading` (short title A, pledge B:
what ranking reads) on every insert and update, so the priorities are searched like
every other kind (search/engine.py). PostgreSQL only; SQLite keeps its own search.
"""

from django.db import migrations

TABLE = "priorities_priority"
HEADING = (
    "setweight(to_tsvector('english', coalesce(NEW.short_title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(NEW.pledge, '')), 'B')"
)
VECTOR = f"{HEADING} || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C')"


def add_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector")
    execute(f"ALTER TABLE {TABLE} ADD COLUMN search_heading tsvector")
    execute(
        f"CREATE FUNCTION {TABLE}_search_vector() RETURNS trigger AS $$ BEGIN "
        f"NEW.search_vector := {VECTOR}; NEW.search_heading := {HEADING}; "
        "RETURN NEW; END $$ LANGUAGE plpgsql"
    )
    execute(
        f"CREATE TRIGGER {TABLE}_search_vector BEFORE INSERT OR UPDATE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector()"
    )
    execute(f"UPDATE {TABLE} SET search_vector = NULL")  # the trigger fills both columns
    execute(f"CREATE INDEX {TABLE}_search_vector ON {TABLE} USING gin (search_vector)")
    execute("DROP INDEX IF EXISTS priorities_priority_search")  # 0002's, no longer read


def remove_vectors(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f"DROP TRIGGER IF EXISTS {TABLE}_search_vector ON {TABLE}")
    execute(f"DROP FUNCTION IF EXISTS {TABLE}_search_vector()")
    execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector")
    execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_heading")
    # 0002's index comes back when it is unapplied and applied again; recreate it.
    from importlib import import_module

    import_module("priorities.migrations.0002_search_index").add_index(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("priorities", "0002_search_index")]

    operations = [migrations.RunPython(add_vectors, remove_vectors)]
