"""Parts of a press release page, each at its own address, next to the site's pages.

Served by gunicorn with the site's settings and `DJANGO_PAGE_CACHE=0`, and driven
with wrk like the benchmark's targets, they show where an uncached page's time goes:

    /breakdown/hello                 the site's middleware, a one-line answer
    /breakdown/one-query/<slug>      the same, plus the one query that finds the item
    /breakdown/queries/<slug>        the six queries of its page, no template
    /breakdown/layout                the site's layout alone (the 404 page: no query)

Not part of the site: only bench/breakdown/settings.py routes to these.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
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


def layout(request):
    return HttpResponse(render_to_string("404.html", {}, request))


urlpatterns = [
    path("breakdown/hello", hello),
    path("breakdown/one-query/<slug:slug>", one_query),
    path("breakdown/queries/<slug:slug>", queries),
    path("breakdown/layout", layout),
    *site_urlpatterns,
]
