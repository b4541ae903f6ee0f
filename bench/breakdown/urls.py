"""Parts of a press release page, each at its own address, next to the site's pages.

Served by gunicorn with the site's settings and `DJANGO_PAGE_CACHE=0`, and driven
with wrk like the benchmark's targets, they show where an uncached page's time goes:

    /breakdown/hello                 the site's middleware, a one-line answer
    /breakdown/one-query/<slug>      the same, plus the one query that finds the item
    /breakdown/queries/<slug>        the six queries of its page, no template
    /breakdown/one-sql/<slug>        one-query's SQL again, through a bare cursor (no ORM)
    /breakdown/six-sql/<slug>        the six queries' SQL again, through a bare cursor
    /breakdown/layout                the site's layout alone (the 404 page: no query)

Not part of the site: only bench/breakdown/settings.py routes to these.
"""

from functools import cache

from django.db import connection
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import path

from news.models import PressRelease
from news.views import related_items
from strategy_site.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse("hello")


def one_query(request, slug):
    return HttpResponse(PressRelease.objects.published().get(slug=slug).title)


def queries(request, slug):
    item = (
        PressRelease.objects.published()
        .prefetch_related("change_notes", "quotes", "priorities")
        .get(slug=slug)
    )
    change_notes = list(item.change_notes.all())
    return HttpResponse(f"{item.title} {len(change_notes)} {len(related_items(item))}")


@cache
def page_sql(slug):
    """The SQL the ORM sends for `queries`, captured once per process: the bare-cursor
    targets run the very same statements, so the difference is the ORM's own work."""
    queries(None, slug)  # first, so the content type lookup Django caches is not counted
    with CaptureQueriesContext(connection) as captured:
        queries(None, slug)
    return [query["sql"] for query in captured.captured_queries]


def run_sql(statements):
    rows = 0
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            rows += len(cursor.fetchall())
    return HttpResponse(f"rows: {rows}")


def one_sql(request, slug):
    return run_sql(page_sql(slug)[:1])


def six_sql(request, slug):
    return run_sql(page_sql(slug))


def layout(request):
    return HttpResponse(render_to_string("404.html", {}, request))


urlpatterns = [
    path("breakdown/hello", hello),
    path("breakdown/one-query/<slug:slug>", one_query),
    path("breakdown/queries/<slug:slug>", queries),
    path("breakdown/one-sql/<slug:slug>", one_sql),
    path("breakdown/six-sql/<slug:slug>", six_sql),
    path("breakdown/layout", layout),
    *site_urlpatterns,
]
