"""
Stored search vectors, declared on the models that site search reads.

A content model searched on PostgreSQL keeps its words in tsvector columns that a
trigger fills on every insert and update (so `bulk_create`, `update()`, raw SQL and
the admin all keep them right), GIN-indexed, and read only by search's own queries.
The model declares all of it, so its schema can be read in one place:

    search_vector = StoredSearchVectorField()  # the column
    search_triggers = (Trigger(...),)  # what fills it (PostgreSQL)
    objects = WithoutStoredVectors()  # pages never load it
    class Meta:
        indexes = [SearchVectorIndex(fields=["search_vector"], name=...)]

Why a trigger rather than a `GeneratedField`, for every vector: a press release's
vector holds its quotes, rows of another table, which a generated column cannot read.
The others read only their own row, and PostgreSQL could generate them; but a
GeneratedField's expression is compiled for every database, and SQLite (the embedded
default) has no tsvector and no `to_tsvector`; and turning the existing columns into
generated ones would drop them and write every row and its indexes again. So one
mechanism serves every vector.

SQLite has the columns too (always NULL: nothing fills them) and plain indexes where
PostgreSQL has GIN ones, so every database has the schema the models declare; site
search on SQLite reads the text fields instead (search.engine.SimpleSearch).
"""

from dataclasses import dataclass

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import migrations, models


class StoredSearchVectorField(SearchVectorField):
    """A tsvector column kept by the database (the model's `search_triggers`).

    Never edited and never serialized (so versions, fixtures and dumps hold the text,
    not a copy of its words); whatever Django writes to it, the trigger replaces.
    """

    FIXED_OPTIONS = {"null": True, "blank": True, "editable": False, "serialize": False}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, **self.FIXED_OPTIONS})

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for option in self.FIXED_OPTIONS:
            kwargs.pop(option, None)
        return name, path, args, kwargs


def stored_vectors(model):
    """The names of the model's stored search vectors."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, StoredSearchVectorField)
    ]


class WithoutStoredVectors(models.Manager):
    """A manager whose querysets leave the stored vectors out: they are longer than the
    text they index, and only site search reads them, in its own queries. Combine it
    with a model's queryset as `WithoutStoredVectors.from_queryset(TheQuerySet)()`."""

    def get_queryset(self):
        return super().get_queryset().defer(*stored_vectors(self.model))


class SearchVectorIndex(GinIndex):
    """A GIN index on PostgreSQL; a plain index on other databases, which have no GIN
    (on SQLite it indexes a column that is always NULL, and costs nothing)."""

    # PostgreSQL's limit on a name. Django's default, 30, is Oracle's, which this site
    # does not use; the indexes made in SQL (news/migrations/0005) have longer names.
    max_name_length = 63

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        return models.Index.create_sql(self, model, schema_editor, using=using, **kwargs)


@dataclass(frozen=True)
class Trigger:
    """A PostgreSQL row trigger and the PL/pgSQL function it runs, both called `name`.

    Declared so a reader of the model sees what keeps its vectors; migrations make and
    change them (copying the text, as a migration keeps what it did), and
    tests/test_search.py checks that the database runs exactly what is declared.
    """

    name: str
    table: str
    timing: str  # "BEFORE" or "AFTER"
    events: tuple[str, ...]  # "INSERT", "UPDATE", "DELETE"
    body: str  # the function's body, BEGIN ... END

    @classmethod
    def part_refreshes_whole(cls, name, table, whole_table, foreign_key):
        """A trigger on the table of an item's parts (a press release's quotes, an Easy
        Read page's points): a part added, changed, moved to another item or deleted
        makes its item's vector again, by setting it to NULL, which runs the item's
        own trigger."""
        return cls(
            name=name,
            table=table,
            timing="AFTER",
            events=("INSERT", "UPDATE", "DELETE"),
            body=f"""
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        UPDATE {whole_table} SET search_vector = NULL WHERE id = OLD.{foreign_key};
      END IF;
      IF TG_OP <> 'DELETE' THEN
        UPDATE {whole_table} SET search_vector = NULL WHERE id = NEW.{foreign_key};
      END IF;
      RETURN NULL;
    END
    """,
        )


class AlreadyOnPostgreSQL(migrations.SeparateDatabaseAndState):
    """Schema operations that PostgreSQL already has (earlier migrations made them in
    SQL), recorded in the migration state everywhere and carried out only on the other
    databases, so no PostgreSQL column or index is dropped and made again."""

    def __init__(self, operations):
        super().__init__(database_operations=operations, state_operations=operations)

    def deconstruct(self):
        return self.__class__.__qualname__, [], {"operations": self.state_operations}

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def describe(self):
        return "Declare, as PostgreSQL already has them: " + "; ".join(
            operation.describe() for operation in self.state_operations
        )
