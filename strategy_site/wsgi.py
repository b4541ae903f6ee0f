"""WSGI entry point, used by gunicorn: `gunicorn strategy_site.wsgi`.

The application is Django's WSGI handler with the page cache built in
(pagecache.cache.PageCache): an anonymous visitor's request for a page already
rendered is answered from the cache before Django, without a request object,
middleware or templates. Everything else is Django as usual.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_site.settings")

# As django.core.wsgi.get_wsgi_application() does, with the page cache's handler.
django.setup(set_prefix=False)

from pagecache.cache import PageCache  # noqa: E402 (needs the settings set up above)

application = PageCache()
