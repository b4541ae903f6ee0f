"""WSGI entry point, used by gunicorn: `gunicorn strategy_site.wsgi`.

Django is wrapped in the page cache's WSGI layer (pagecache.cache.PageCache):
an anonymous visitor's request for a page already rendered is answered from the
cache in front of Django, without a request object, middleware or templates.
Everything else passes straight through to Django.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "strategy_site.settings")

django_application = get_wsgi_application()

from pagecache.cache import PageCache  # noqa: E402 (needs the settings set up above)

application = PageCache(django_application)
