"""Stored search vectors for the glossary's terms (see glossary/search_vectors.py), as
priorities/migrations/0003 made for the priorities: site search finds the shown terms,
and building every term's vectors at search time cost more than the rest of a search.

On PostgreSQL a trigger fills both columns on every insert and update, and every term
is filled here. On other databases (SQLite) the columns stay empty, as the other
kinds' do, and the index is a plain one.
"""

import search.vectors
from django.db import migrations

TABLE = "glossary_glossaryterm"
# The function's body as it was written when this migration was: glossary/search_vectors.py
# holds the current one (a later change comes with a migration of its own).
BODY = """
    BEGIN
      NEW.search_heading :=
        setweight(to_tsvector('english',
          coalesce(NEW.term, '') || ' ' || coalesce(NEW.abbreviation, '') || ' '
          || coalesce(NEW.other_forms, '')), 'A');
      NEW.search_vector :=
        NEW.search_heading
        || setweight(to_tsvector('english',
             coalesce(NEW.short_definition, '') || ' ' || coalesce(NEW.explanation, '')), 'C');
      RETURN NEW;
    END
    """


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(
        f"CREATE FUNCTION {TABLE}_search_vector() RETURNS trigger AS $$ {BODY} $$ "
        "LANGUAGE plpgsql"
    )
    execute(
        f"CREATE TRIGGER {TABLE}_search_vector BEFORE INSERT OR UPDATE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_search_vector()"
    )
    execute(f"UPDATE {TABLE} SET search_vector = NULL")  # the trigger fills both columns


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_search_vector ON {TABLE}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_search_vector()")


class Migration(migrations.Migration):
    dependencies = [("glossary", "0002_editorial_roles")]

    operations = [
        migrations.AddField(
            model_name="glossaryterm",
            name="search_heading",
            field=search.vectors.StoredSearchVectorField(),
        ),
        migrations.AddField(
            model_name="glossaryterm",
            name="search_vector",
            field=search.vectors.StoredSearchVectorField(),
        ),
        migrations.AddIndex(
            model_name="glossaryterm",
            index=search.vectors.SearchVectorIndex(
                fields=["search_vector"], name="glossary_glossaryterm_search_vector"
            ),
        ),
        migrations.RunPython(add_trigger, remove_trigger),
    ]
