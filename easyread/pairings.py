"""
Which pages have a published Easy Read version, kept in Django's cache.

Every page of the site asks "does this page have an Easy Read version?" for the
link at the top of the page. One small query answers it for every page at once;
its answer is cached, so a page costs no query for it while the cache is warm.
Saving or deleting an Easy Read version forgets the cached answer (see
`apps.EasyReadConfig.ready`). With a cache each server process keeps to itself
(locmem, the default), another process may keep an old answer for up to
CACHE_SECONDS; with a shared cache (CACHE_URL=redis://...) every process sees
the change at once.
"""

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from publishing.models import Status

CACHE_KEY = "easyread:published-pairings:v1"
CACHE_SECONDS = 5 * 60
# Where a request keeps the pairings it has read (see published_pairings).
REQUEST_ATTRIBUTE = "_published_easy_read_pairings"


def published_pairings(request=None):
    """{(app_label, model_name, object_id): published_at} for every Easy Read
    version marked published, scheduled ones included: the publication date
    is compared at request time, so a scheduled version appears on time.

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
        from .models import EasyReadVersion

        rows = EasyReadVersion.objects.filter(status=Status.PUBLISHED).values_list(
            "content_type__app_label", "content_type__model", "object_id", "published_at"
        )
        pairings = {(app, model, object_id): when for app, model, object_id, when in rows}
        cache.set(CACHE_KEY, pairings, CACHE_SECONDS)
    return pairings


def has_published_easy_read(page, page_type, request=None):
    if page.pk is None or page._state.adding:
        return False  # an unsaved page (e.g. a singleton nobody has edited yet)
    published_at = published_pairings(request).get((*page_type.key, page.pk))
    return published_at is not None and published_at <= timezone.now()


def forget_pairings(**kwargs):
    """Drop the cached answer now, and again once the transaction commits, so a
    request that read the old rows mid-transaction cannot keep them cached."""
    cache.delete(CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))
