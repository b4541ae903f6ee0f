"""The stored search vectors: declared on the models, in the database as declared, kept
up to date by the database whatever changes, and never loaded with a page's items."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from easyread.models import EasyReadVersion
from glossary.models import GlossaryTerm
from news.models import CabinetDecision, PressRelease, Quote
from priorities.models import Priority
from search.engine import search
from search.vectors import SearchVectorIndex, stored_vectors
from tests.factories import (
    CabinetDecisionFactory,
    EasyReadPointFactory,
    EasyReadVersionFactory,
    PressReleaseFactory,
    QuoteFactory,
)

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the vectors are filled on PostgreSQL only"
)


def models_with_vectors():
    return [model for model in apps.get_models() if stored_vectors(model)]


def test_every_searched_model_declares_its_vectors_and_what_keeps_them():
    assert set(models_with_vectors()) == {
        Priority,
        PressRelease,
        Quote,
        CabinetDecision,
        GlossaryTerm,
        EasyReadVersion,
    }
    for model in models_with_vectors():
        assert model.search_triggers, model
        indexed = {
            field
            for index in model._meta.indexes
            if isinstance(index, SearchVectorIndex)
            for field in index.fields
        }
        assert "search_vector" in indexed, model


@pytest.mark.django_db
def test_the_declared_vector_columns_and_indexes_are_in_the_database():
    """On SQLite too: the columns (always empty) and plain indexes, so the schema Django
    records is the one every database has."""
    for model in models_with_vectors():
        table = model._meta.db_table
        with connection.cursor() as cursor:
            columns = {
                column.name
                for column in connection.introspection.get_table_description(cursor, table)
            }
            constraints = connection.introspection.get_constraints(cursor, table)
        assert {model._meta.get_field(name).column for name in stored_vectors(model)} <= columns
        for index in model._meta.indexes:
            found = constraints[index.name]
            assert found["index"]
            assert found["columns"] == [model._meta.get_field(name).column for name in index.fields]
            if connection.vendor == "postgresql":
                assert found["type"] == "gin"


def postgresql_schema(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@postgresql_only
@pytest.mark.django_db
def test_postgresql_has_no_search_vector_or_gin_index_the_models_do_not_declare():
    declared_columns = {
        (model._meta.db_table, model._meta.get_field(name).column)
        for model in models_with_vectors()
        for name in stored_vectors(model)
    }
    declared_indexes = {
        index.name
        for model in models_with_vectors()
        for index in model._meta.indexes
        if isinstance(index, SearchVectorIndex)
    }

    columns = postgresql_schema(
        "SELECT table_name, column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND data_type = 'tsvector'"
    )
    indexes = postgresql_schema(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE %s",
        ["% USING gin %"],
    )

    assert set(columns) == declared_columns
    assert {name for (name,) in indexes} == declared_indexes


def layout_removed(sql):
    """SQL without its layout: whitespace collapsed, and none around punctuation."""
    return re.sub(r"\s*([(),;|]|:=)\s*", r"\1", " ".join(sql.split()))


@postgresql_only
@pytest.mark.django_db
def test_postgresql_runs_exactly_the_triggers_the_models_name():
    declared = {
        trigger.name: trigger
        for model in models_with_vectors()
        for trigger in model.search_triggers
    }
    tables = sorted({trigger.table for trigger in declared.values()})

    triggers = postgresql_schema(
        "SELECT trigger_name, event_object_table, action_timing, action_orientation,"
        " action_statement, array_agg(event_manipulation::text ORDER BY event_manipulation)"
        " FROM information_schema.triggers"
        " WHERE trigger_schema = current_schema() AND event_object_table = ANY(%s)"
        " GROUP BY 1, 2, 3, 4, 5",
        [tables],
    )
    bodies = postgresql_schema(
        "SELECT proname, prosrc FROM pg_proc WHERE proname = ANY(%s)", [sorted(declared)]
    )

    assert {name: details for name, *details in triggers} == {
        name: [
            trigger.table,
            trigger.timing,
            "ROW",
            f"EXECUTE FUNCTION {name}()",
            sorted(trigger.events),
        ]
        for name, trigger in declared.items()
    }
    assert {name: layout_removed(body) for name, body in bodies} == {
        name: layout_removed(trigger.body) for name, trigger in declared.items()
    }


@pytest.mark.django_db
def test_a_press_release_is_found_by_its_quotes_as_they_are_edited_moved_and_deleted():
    """PostgreSQL: the quote's triggers make its press release's vector again."""
    release = PressReleaseFactory(title="News", standfirst="A standfirst.", body="A body.")
    other = PressReleaseFactory(title="Other news", standfirst="Another.", body="Plain.")
    quote = QuoteFactory(press_release=release, speaker="A speaker", text="About otters.")

    quote.text = "About kingfishers."
    quote.save()

    assert [r.object for r in search("kingfishers")] == [release]
    assert list(search("otters")) == []

    quote.press_release = other
    quote.save()

    assert [r.object for r in search("kingfishers")] == [other]

    quote.delete()

    assert list(search("kingfishers")) == []


@pytest.mark.django_db
def test_an_easy_read_page_is_found_by_its_points_as_they_are_edited_moved_and_deleted():
    """PostgreSQL: the points' trigger makes their version's vector again."""
    version = EasyReadVersionFactory(title="Easy Read", intro="About our plan.")
    other = EasyReadVersionFactory(title="Other Easy Read", intro="About our plan.")
    point = EasyReadPointFactory(version=version, text="We like otters.")

    point.text = "We like kingfishers."
    point.save()

    assert [r.object for r in search("kingfishers")] == [version]
    assert list(search("otters")) == []

    point.version = other
    point.save()

    assert [r.object for r in search("kingfishers")] == [other]

    point.delete()

    assert list(search("kingfishers")) == []


@pytest.mark.django_db
def test_pages_never_load_the_search_vectors(client):
    """Only search reads them, in its own queries: a vector is longer than its text."""
    release = PressReleaseFactory()
    QuoteFactory(press_release=release)
    decision = CabinetDecisionFactory()
    pages = [
        reverse("news:index"),
        release.get_absolute_url(),
        reverse("decisions:index"),
        decision.get_absolute_url(),
        reverse("news:feed"),
        reverse("sitemap"),
    ]

    with CaptureQueriesContext(connection) as queries:
        for page in pages:
            assert client.get(page).status_code == 200

    assert queries.captured_queries
    assert not [query for query in queries if re.search("search_(vector|heading)", query["sql"])]


@pytest.fixture
def back_to_latest():
    yield
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_declaring_the_vectors_keeps_every_row_and_every_stored_vector(
    real_content, back_to_latest
):
    """news/0009 and priorities/0004 record what PostgreSQL already has: undone and done
    again, every row and every vector is as it was (on SQLite the empty columns go and
    come back)."""
    QuoteFactory(press_release=PressRelease.objects.get(), text="About kingfishers.")

    def rows():
        return {
            model: sorted(model.objects.values_list("pk", *stored_vectors(model)))
            for model in models_with_vectors()
        }

    before = rows()
    executor = MigrationExecutor(connection)
    executor.migrate([("news", "0008_search_heading_stored_inline")])
    executor.migrate([("priorities", "0003_stored_search_vectors")])
    # Forward to the latest of each (news migrations after 0009 go back and forth too).
    latest = MigrationLoader(connection).graph.leaf_nodes
    MigrationExecutor(connection).migrate([*latest("news"), *latest("priorities")])

    assert rows() == before
    assert [r.object for r in search("kingfishers")] == [PressRelease.objects.get()]
