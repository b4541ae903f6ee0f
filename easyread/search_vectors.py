"""
What site search stores for the Easy Read versions, and the PostgreSQL triggers that
keep it (as news/search_vectors.py for a press release and its quotes).

The model declares the columns (`search_vector`, `search_heading`) and the GIN index;
these are the triggers its `search_triggers` name. Weights: the title A, the
introduction B, the points C; `search_heading` (what ranking reads) holds A and B. A
point added, changed, moved or deleted makes its version's vector again.

Built at search time instead, the versions' vectors (with their points) cost every
search more than the glossary's or the priorities' parts together.

To change one: write a migration that replaces the function (CREATE OR REPLACE
FUNCTION, with the new text copied into the migration) and refills the column
(`UPDATE ... SET search_vector = NULL` makes the trigger run), and change the text
here to match. tests/test_search_vectors.py checks the database runs what is written
here.
"""

from search.vectors import Trigger

EASY_READ_VERSION = Trigger(
    name="easyread_easyreadversion_search_vector",
    table="easyread_easyreadversion",
    timing="BEFORE",
    events=("INSERT", "UPDATE"),
    body="""
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
    """,
)

# A point added, changed, moved or deleted: its version's vector is made again (setting
# it to NULL runs the version's trigger).
POINT_REFRESHES_VERSION = Trigger.part_refreshes_whole(
    name="easyread_easyreadpoint_refresh_version",
    table="easyread_easyreadpoint",
    whole_table="easyread_easyreadversion",
    foreign_key="version_id",
)
