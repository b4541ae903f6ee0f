"""A press release's quotes in its own stored search vector (weight C, as its body).

Searching quotes separately cost a second query that joined every matching quote to
its press release, for a common word most of them. Now the
press release's trigger (0005) adds its quotes' words and speakers, and a trigger on
quotes refreshes the press release's vector whenever one of its quotes is added,
changed or deleted. PostgreSQL only, like 0005.
"""

from django.db import migrations

PRESS_RELEASE_VECTOR = (
    "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')"
    " || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C')"
    " || setweight(to_tsvector('english', coalesce((SELECT string_agg("
    "coalesce(q.text, '') || ' ' || coalesce(q.speaker, ''), ' ') "
    "FROM news_quote q WHERE q.press_release_id = NEW.id), '')), 'C')"
)
PRESS_RELEASE_HEADING = (
    "setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')"
    " || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')"
)


def press_release_function(vector):
    return (
        "CREATE OR REPLACE FUNCTION news_pressrelease_search_vector() RETURNS trigger AS $$ "
        f"BEGIN NEW.search_vector := {vector}; NEW.search_heading := {PRESS_RELEASE_HEADING}; "
        "RETURN NEW; END $$ LANGUAGE plpgsql"
    )


def add_quotes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(press_release_function(PRESS_RELEASE_VECTOR))
    schema_editor.execute(
        "CREATE FUNCTION news_quote_refresh_press_release() RETURNS trigger AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN UPDATE news_pressrelease SET search_vector = NULL "
        "WHERE id = OLD.press_release_id; END IF; "
        "IF TG_OP <> 'DELETE' THEN UPDATE news_pressrelease SET search_vector = NULL "
        "WHERE id = NEW.press_release_id; END IF; "
        "RETURN NULL; END $$ LANGUAGE plpgsql"
    )
    schema_editor.execute(
        "CREATE TRIGGER news_quote_refresh_press_release AFTER INSERT OR UPDATE OR DELETE "
        "ON news_quote FOR EACH ROW EXECUTE FUNCTION news_quote_refresh_press_release()"
    )
    schema_editor.execute("UPDATE news_pressrelease SET search_vector = NULL")


def remove_quotes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER IF EXISTS news_quote_refresh_press_release ON news_quote")
    schema_editor.execute("DROP FUNCTION IF EXISTS news_quote_refresh_press_release()")
    without_quotes = PRESS_RELEASE_VECTOR.split(" || setweight(to_tsvector('english', coalesce((")[
        0
    ]
    schema_editor.execute(press_release_function(without_quotes))
    schema_editor.execute("UPDATE news_pressrelease SET search_vector = NULL")


class Migration(migrations.Migration):
    dependencies = [("news", "0005_stored_search_vectors")]

    operations = [migrations.RunPython(add_quotes, remove_quotes)]
