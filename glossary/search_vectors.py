"""
What site search stores for the glossary's terms, and the PostgreSQL trigger that keeps
it (as priorities/search_vectors.py for the priorities).

The model declares the columns (`search_vector`, `search_heading`) and the GIN index;
this is the trigger its `search_triggers` name. Weights: the term, its abbreviation and
its other forms A, the definition and explanation C; `search_heading` (what ranking
reads) holds A alone, so an entry ranks high when its own name is searched for ("SEN
support"), not when a common word of its definition is ("support").

Built at search time instead, the vectors of every term cost more than the rest of a
search put together: the explanations are long, and every search reads every term.

To change it: write a migration that replaces the function (CREATE OR REPLACE
FUNCTION, with the new text copied into the migration) and refills the column
(`UPDATE ... SET search_vector = NULL` makes the trigger run), and change the text
here to match. tests/test_search_vectors.py checks the database runs what is written
here.
"""

from search.vectors import Trigger

GLOSSARY_TERM = Trigger(
    name="glossary_glossaryterm_search_vector",
    table="glossary_glossaryterm",
    timing="BEFORE",
    events=("INSERT", "UPDATE"),
    body="""
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
    """,
)
