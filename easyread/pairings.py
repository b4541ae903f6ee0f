"""
Which pages have a published Easy Read version, kept in Django's cache.

Every page of the site asks "does this page have an Easy Read version?" for the
link at the top of the page. One small query answers it for every page at once;
its answer is cached, so a page costs no query for it while the cache is warm.
Saving or deleting an Easy Read version forgets the cached answer (see
`apps.EasyReadConfig.ready`), and the answer is kept no later than the moment the
next scheduled version goes public. With a cache each server process keeps to itself
(locmem, the default), another process may keep an old answer for up to
CACHE_SECONDS after a save; with a shared cache (CACHE_URL=redis://...) every process
sees the change at once.
"""

import time

from django.core.cache import cache
from django.db import transaction
from django.db.models import BooleanField, Value

CACHE_KEY = "easyread:published-pairings:v2"
CACHE_SECONDS = 5 * 60
# Where a request keeps the pairings it has read (see published_pairings).
REQUEST_ATTRIBUTE = "_published_easy_read_pairings"


def published_pairings(request=None):
    """{(app_label, model_name, object_id)} of every page whose Easy Read version the
    public can see now.

    Given the request, read once for the whole request: a list asks for every
    page in it (ten search results, six priority cards), and each read from a
    shared cache is a round trip to Redis and an unpickling."""
    if request is not None:
        pairings = getattr(request, REQUEST_ATTRIBUTE, None)
        if pairings is None:
            pairings = published_pairings()
            setattr(request, REQUEST_ATTRIBUTE, pairings)
        return pairings
    pairings = cache.get(CACHE_KEY)
    if pairings is None:
        pairings, next_moment = read_pairings()
        timeout = CACHE_SECONDS
        if next_moment is not None:
            # A scheduled version appears on time: the answer ends when it goes public.
            timeout = min(timeout, next_moment.timestamp() - time.time())
        if timeout > 0:
            cache.set(CACHE_KEY, pairings, timeout)
    return pairings


def read_pairings():
    """The pages with a public Easy Read version, and the moment the next scheduled
    one goes public (or None), in one query: `published()` and `scheduled()` decide."""
    from .models import EasyReadVersion

    def rows(queryset, public):
        return (
            queryset.order_by()
            .annotate(public=Value(public, output_field=BooleanField()))
            .values_list(
                "content_type__app_label", "content_type__model", "object_id", "public",
                "published_at",
            )
        )  # fmt: skip

    versions = EasyReadVersion.objects
    pairings, moments = set(), []
    for app, model, object_id, public, when in rows(versions.published(), True).union(
        rows(versions.scheduled(), False), all=True
    ):
        if public:
            pairings.add((app, model, object_id))
        else:
            moments.append(when)
    return frozenset(pairings), min(moments, default=None)


def has_published_easy_read(page, page_type, request=None):
    if page.pk is None or page._state.adding:
        return False  # an unsaved page (e.g. a singleton nobody has edited yet)
    return (*page_type.key, page.pk) in published_pairings(request)


def forget_pairings(**kwargs):
    """Drop the cached answer now, and again once the transaction commits, so a
    request that read the old rows mid-transaction cannot keep them cached."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
