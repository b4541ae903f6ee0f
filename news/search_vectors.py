"""
What site search stores for the news, and the PostgreSQL triggers that keep it.

The models declare the columns (`search_vector`, `search_heading`) and their GIN
indexes; these are the triggers their `search_triggers` name. Weights: the title A,
the standfirst or summary B, everything else C.

- `search_vector`: every searched word of the item. A press release's includes its
  quotes' words and speakers, so a change to a quote refreshes it.
- `search_heading`: the title and standfirst or summary alone, what ranking reads (see
  search.engine.stored_heading_rank). PostgreSQL keeps it inside the row (STORAGE MAIN,
  migrations/0008): every search reads it for hundreds of rows.

To change one: write a migration that replaces the function (CREATE OR REPLACE
FUNCTION, with the new text copied into the migration) and refills the column
(`UPDATE ... SET search_vector = NULL` makes the trigger run), and change the text
here to match. tests/test_search.py checks the database runs what is written here.
"""

from search.vectors import Trigger

PRESS_RELEASE = Trigger(
    name="news_pressrelease_search_vector",
    table="news_pressrelease",
    timing="BEFORE",
    events=("INSERT", "UPDATE"),
    body="""
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C')
        || setweight(to_tsvector('english', coalesce((
             SELECT string_agg(coalesce(q.text, '') || ' ' || coalesce(q.speaker, ''), ' ')
             FROM news_quote q WHERE q.press_release_id = NEW.id
           ), '')), 'C');
      NEW.search_heading :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.standfirst, '')), 'B');
      RETURN NEW;
    END
    """,
)

# A quote added, changed or deleted: its press release's vector is made again (setting
# it to NULL runs the press release's trigger).
QUOTE_REFRESHES_PRESS_RELEASE = Trigger.part_refreshes_whole(
    name="news_quote_refresh_press_release",
    table="news_quote",
    whole_table="news_pressrelease",
    foreign_key="press_release_id",
)

# A quote's own vector (migrations/0005). Search reads quotes through their press
# release's vector since 0006; this one is kept, GIN-indexed, but nothing searches it.
QUOTE = Trigger(
    name="news_quote_search_vector",
    table="news_quote",
    timing="BEFORE",
    events=("INSERT", "UPDATE"),
    body="""
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english',
          coalesce(NEW.text, '') || ' ' || coalesce(NEW.speaker, '')), 'C');
      RETURN NEW;
    END
    """,
)

CABINET_DECISION = Trigger(
    name="news_cabinetdecision_search_vector",
    table="news_cabinetdecision",
    timing="BEFORE",
    events=("INSERT", "UPDATE"),
    body="""
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.summary_for_families, '')), 'B')
        || setweight(to_tsvector('english',
             coalesce(NEW.reasons, '') || ' ' || coalesce(NEW.discussion, '')), 'C');
      NEW.search_heading :=
        setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.summary_for_families, '')), 'B');
      RETURN NEW;
    END
    """,
)
