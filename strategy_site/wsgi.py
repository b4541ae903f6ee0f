"""WSGI entry point, used by gunicorn: `gunicorn strategy_site.wsgi`.

The application is Django's WSGI handler with the page cache built in
(pagecache.cache.PageCache): an anonymous visitor's request for a page already
rendered is answered from the cache before Django, without a request object,
middleware or templates. Everything else is Django as usual.

In front of both, `CountFollows` counts each follow of a short link (/s/k7q2), so a
short link's redirect can be kept by the page cache and still be counted
(sharing/shortlinks.py, docs/notes/sharing.md).
"""

import logging
import os
from urllib.parse import urlsplit

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_site.settings")

# As django.core.wsgi.get_wsgi_application() does, with the page cache's handler.
django.setup(set_prefix=False)

from django.conf import settings  # noqa: E402 (these need the settings set up above)
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from pagecache.cache import PageCache  # noqa: E402
from publishing import content  # noqa: E402
from sharing.shortlinks import CountFollows  # noqa: E402

logger = logging.getLogger(__name__)

application = CountFollows(PageCache())


def warm_up():
    """Render a page of every kind once in this process, then close its database
    connections; returns {path: status}.

    gunicorn calls it in its master process before it starts the workers
    (deploy/gunicorn.conf.py), so every worker, each one recycled after max_requests
    too, starts with the templates compiled, the URL patterns built and the modules
    imported, instead of its first visitors waiting while it does those. Nothing
    depends on it: a page that fails here is rendered later as usual.
    """
    paths = ["/", reverse("sitemap"), reverse("feed"), reverse("search") + "?q=strategy"]
    paths += [reverse(name) for name in content.sections()]
    for kind in content.kinds():
        if (item := kind.published().first()) is not None:
            paths.append(kind.address(item))
    site = urlsplit(settings.SITE_URL or "").netloc
    host = site or next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    client = Client(HTTP_HOST=host, secure=True, raise_request_exception=False)
    try:
        return {path: client.get(path).status_code for path in paths}
    finally:
        connections.close_all()  # a worker must open its own, never share the master's
