"""
What the benchmark asks of the site itself, run inside Django against the bench
database (`manage.py shell -c "from bench.probe import main; main()"`):

- the pages to measure, found in the data (the newest press release with a photo,
  the newest decision, the first priority...), so no address is hard-coded;
- the SQL queries each page makes, counted with Django's test client and
  CaptureQueriesContext, in a process started with the page cache off.

It prints one line, `BENCH_JSON {...}`, for bench/run.py.
"""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority

SEARCH_WORD = "families"


def pages():
    """name, address, kind (detail or list: the targets differ) and whether it is HTML."""
    press_release = (
        PressRelease.objects.published().exclude(image=None).first()
        or PressRelease.objects.published().first()
    )
    decision = CabinetDecision.objects.published().first()
    priority = Priority.objects.order_by("strategy", "number").first()
    found = [
        ("home", reverse("home"), "list", True),
        ("priority", priority and priority.get_absolute_url(), "detail", True),
        ("news list", reverse("news:index"), "list", True),
        ("news detail", press_release and press_release.get_absolute_url(), "detail", True),
        ("decision detail", decision and decision.get_absolute_url(), "detail", True),
        ("search", f"{reverse('search')}?q={SEARCH_WORD}", "list", True),
        ("news feed", reverse("news:feed"), "list", False),
        ("sitemap", reverse("sitemap"), "list", False),
    ]
    return [
        {"name": name, "path": path, "kind": kind, "html": html}
        for name, path, kind, html in found
        if path
    ]


def query_counts(measured):
    """{name: (status, queries)} for each page, as an anonymous visitor, once warm.

    The first request of a process loads things that are loaded once (ContentTypes,
    the site's settings); the second is what every later visitor costs.
    """
    client = Client()
    counts = {}
    for page in measured:
        client.get(page["path"], secure=True)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page["path"], secure=True)
        counts[page["name"]] = {"status": response.status_code, "queries": len(queries)}
    return counts


def main():
    measured = pages()
    counts = query_counts(measured)
    for page in measured:
        page.update(counts[page["name"]])
    print("BENCH_JSON " + json.dumps({"pages": measured, "vendor": connection.vendor}))
