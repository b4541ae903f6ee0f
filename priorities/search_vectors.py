"""
What site search stores for the priorities, and the PostgreSQL trigger that keeps it.

The model declares the columns (`search_vector`, `search_heading`) and the GIN index;
this is the trigger its `search_triggers` name. Weights: the short title A, the pledge
B, the body C; `search_heading` (what ranking reads) holds the short title and pledge.

To change it: write a migration that replaces the function (CREATE OR REPLACE
FUNCTION, with the new text copied into the migration) and refills the column
(`UPDATE ... SET search_vector = NULL` makes the trigger run), and change the text
here to match. tests/test_search.py checks the database runs what is written here.
"""

from search.vectors import Trigger

PRIORITY = Trigger(
    name="priorities_priority_search_vector",
    table="priorities_priority",
    timing="BEFORE",
    events=("INSERT", "UPDATE"),
    body="""
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('english', coalesce(NEW.short_title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.pledge, '')), 'B')
        || setweight(to_tsvector('english', coalesce(NEW.body, '')), 'C');
      NEW.search_heading :=
        setweight(to_tsvector('english', coalesce(NEW.short_title, '')), 'A')
        || setweight(to_tsvector('english', coalesce(NEW.pledge, '')), 'B');
      RETURN NEW;
    END
    """,
)
