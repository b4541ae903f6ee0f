"""bench/breakdown: the parts of a press release page it times are that page's parts.

The breakdown (docs/notes/perf.md, "Cache off: what limits it") claims its
`/breakdown/queries/<slug>` costs what the press release page costs in the database,
without the template. If the page's queries change and the breakdown does not follow,
its figures would describe some other page: these tests notice.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from bench.breakdown.urls import page_sql
from tests.factories import PressReleaseFactory, PriorityFactory, QuoteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("bench.breakdown.urls")]


def queries_of(client, address):
    client.get(address)  # warm the caches a page reads once (glossary terms, pairings)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200, address
    return response, [query["sql"].split(" FROM ")[1].split()[0] for query in captured]


@override_settings(PAGE_CACHE_ENABLED=False)
def test_the_breakdown_runs_the_same_queries_as_the_press_release_page(client):
    item = PressReleaseFactory(priorities=[PriorityFactory()])
    QuoteFactory(press_release=item)
    PressReleaseFactory(priorities=list(item.priorities.all()))  # a related item

    _, page_tables = queries_of(client, f"/news/{item.slug}/")
    response, breakdown_tables = queries_of(client, f"/breakdown/queries/{item.slug}")

    assert item.title in response.content.decode()
    assert breakdown_tables == page_tables
    assert len(page_tables) == 6


def test_each_part_answers_and_the_site_is_still_there(client):
    item = PressReleaseFactory()
    assert client.get("/breakdown/hello").content == b"hello"
    assert client.get(f"/breakdown/one-query/{item.slug}").content.decode() == item.title
    layout = client.get("/breakdown/layout").content.decode()
    assert "app-header__site-name" in layout and "govuk-footer" in layout
    assert client.get(f"/news/{item.slug}/").status_code == 200


@override_settings(PAGE_CACHE_ENABLED=False)
def test_the_bare_cursor_parts_send_the_pages_own_sql_without_the_orm(client):
    """`/breakdown/six-sql/` is the page's database work minus the ORM: the same six
    statements, found by the same rows."""
    page_sql.cache_clear()  # captured per slug and process; each test has its own rows
    item = PressReleaseFactory(priorities=[PriorityFactory()])
    QuoteFactory(press_release=item)
    PressReleaseFactory(priorities=list(item.priorities.all()))  # a related item

    _, page_tables = queries_of(client, f"/news/{item.slug}/")
    response, bare_tables = queries_of(client, f"/breakdown/six-sql/{item.slug}")
    # the item, its quote, its priority and the related press release; no change notes
    assert response.content == b"rows: 4"
    assert bare_tables == page_tables

    response, one_table = queries_of(client, f"/breakdown/one-sql/{item.slug}")
    assert response.content == b"rows: 1"
    assert one_table == page_tables[:1]
