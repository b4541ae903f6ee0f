"""Stored search vectors for the Easy Read versions (see easyread/search_vectors.py), as
news/migrations/0005 and 0006 made for a press release and its quotes: site search finds
published Easy Read pages by their title, introduction and points, and building every
version's vectors at search time cost each search more than the glossary's and the
priorities' parts together.

On PostgreSQL a trigger fills both columns on every insert and update of a version, a
trigger on the points makes their version's again, and every version is filled here.
On other databases (SQLite) the columns stay empty, as the other kinds' do, and the
index is a plain one.
"""

import search.vectors
from django.db import migrations

VERSIONS = "easyread_easyreadversion"
POINTS = "easyread_easyreadpoint"
# The functions' bodies as they were written when this migration was:
# easyread/search_vectors.py holds the current ones (a later change comes with a
# migration of its own).
VERSION_BODY = """
    BEGIN
      NEW.search_heading :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.intro, '')), 'B');
      NEW.search_vector :=
        NEW.search_heading
        || setweight(to_tsvector('english', coalesce((
             SELECT string_agg(coalesce(p.text, ''), ' ')
             FROM easyread_easyreadpoint p WHERE p.version_id = NEW.id
           ), '')), 'C');
      RETURN NEW;
    END
    """
POINT_BODY = """
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        UPDATE easyread_easyreadversion SET search_vector = NULL WHERE id = OLD.version_id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        UPDATE easyread_easyreadversion SET search_vector = NULL WHERE id = NEW.version_id;
      END IF;
      RETURN NULL;
    END
    """


def add_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(
        f"CREATE FUNCTION {VERSIONS}_search_vector() RETURNS trigger AS $$ {VERSION_BODY} $$ "
        "LANGUAGE plpgsql"
    )
    execute(
        f"CREATE TRIGGER {VERSIONS}_search_vector BEFORE INSERT OR UPDATE ON {VERSIONS} "
        f"FOR EACH ROW EXECUTE FUNCTION {VERSIONS}_search_vector()"
    )
    execute(
        f"CREATE FUNCTION {POINTS}_refresh_version() RETURNS trigger AS $$ {POINT_BODY} $$ "
        "LANGUAGE plpgsql"
    )
    execute(
        f"CREATE TRIGGER {POINTS}_refresh_version AFTER INSERT OR UPDATE OR DELETE ON {POINTS} "
        f"FOR EACH ROW EXECUTE FUNCTION {POINTS}_refresh_version()"
    )
    execute(f"UPDATE {VERSIONS} SET search_vector = NULL")  # the trigger fills both columns


def remove_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    execute = schema_editor.execute
    execute(f"DROP TRIGGER IF EXISTS {POINTS}_refresh_version ON {POINTS}")
    execute(f"DROP FUNCTION IF EXISTS {POINTS}_refresh_version()")
    execute(f"DROP TRIGGER IF EXISTS {VERSIONS}_search_vector ON {VERSIONS}")
    execute(f"DROP FUNCTION IF EXISTS {VERSIONS}_search_vector()")


class Migration(migrations.Migration):
    dependencies = [("easyread", "0006_remove_easyreadpoint_picture_columns")]

    operations = [
        migrations.AddField(
            model_name="easyreadversion",
            name="search_heading",
            field=search.vectors.StoredSearchVectorField(),
        ),
        migrations.AddField(
            model_name="easyreadversion",
            name="search_vector",
            field=search.vectors.StoredSearchVectorField(),
        ),
        migrations.AddIndex(
            model_name="easyreadversion",
            index=search.vectors.SearchVectorIndex(
                fields=["search_vector"], name="easyread_easyreadversion_search_vector"
            ),
        ),
        migrations.RunPython(add_triggers, remove_triggers),
    ]
