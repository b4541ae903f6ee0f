"""
The whole-page cache: anonymous visitors' pages answered without entering Django, and
never stale. How it works and why: docs/notes/cache.md.

`PageCache` is Django's WSGI handler with the cache built in: a request with a page key
(`page_key`) is answered from the cache when its copy is current; otherwise Django
renders it, and `may_keep` says whether the response may be given to anyone else.

Changes made with `QuerySet.update()`, `bulk_create()` or raw SQL send no signal: call
`content_changed()` after them.
"""

import hashlib
import logging
import os
import threading
import time
import uuid
from collections import OrderedDict
from datetime import datetime, timedelta
from functools import cache as memoize
from urllib.parse import parse_qsl

import redis
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, parse_http_date_safe

from publishing import content

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
SCHEDULE_KEY = "page-cache:next-publication"
PAGE_KEY_PREFIX = "page-cache:page:"
# With Redis, every change is also announced on this channel (see LocalCopies).
CHANGES_CHANNEL = "page-cache:changes"

# Query parameters the public pages use: lists' filters and pages, the search words.
# Any other parameter (tracking tags, cache-busting) is served by Django, not kept.
PAGE_PARAMETERS = frozenset({"page", "priority", "year", "q"})
STAFF_PATH_PREFIXES = ("/admin/", "/markdownx/")
# Pages bigger than this are served but not kept (a cache entry is not a file store).
MAX_BODY_BYTES = 4 * 1024 * 1024

# Models whose changes never show on a public page: saving them (on every sign-in,
# every editor request, every feedback answer) must not empty the page cache.
IGNORED = frozenset(
    "sessions.session admin.logentry reversion.revision reversion.version "
    "publishing.previewlink contenttypes.contenttype auth.permission".split()
)
IGNORED_APPS = frozenset({"axes", "feedback"})


# --- what may be kept: page_key for the request, may_keep for the response -----------


def page_parameters_only(query_string):
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, max_num_fields=10)
    except ValueError:
        return False
    return all(name in PAGE_PARAMETERS for name, _ in pairs)


def is_secure(environ):
    header = settings.SECURE_PROXY_SSL_HEADER
    if header:
        sent = environ.get(header[0])
        if sent is not None:
            return sent.split(",")[0].strip() == header[1]
    return environ.get("wsgi.url_scheme") == "https"


def page_key(environ):
    """The cache key of this request's page, or None when its page is its own.

    With the scheme and host in the key, a request Django would redirect (http) or
    refuse (a bad Host) never finds a page: Django never answered one with a 200.
    """
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    cookie = environ.get("HTTP_COOKIE", "")  # staff's session, or a message to show
    if settings.SESSION_COOKIE_NAME in cookie or "messages" in cookie:
        return None
    query = environ.get("QUERY_STRING", "")
    if query and not page_parameters_only(query):
        return None
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if path.startswith(STAFF_PATH_PREFIXES):
        return None
    host = (environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")).lower()
    scheme = "https" if is_secure(environ) else "http"
    address = f"{scheme}://{host}{path}?{query}"
    digest = hashlib.md5(address.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    return PAGE_KEY_PREFIX + digest.hexdigest()


def may_keep(key, response):
    """Whether Django's response to a request with this page key may be given to any
    anonymous visitor: a whole 200 that sets no cookie and that the view did not mark
    private, no-store or no-cache (previews, drafts shown to staff, the admin)."""
    cache_control = response.get("Cache-Control", "").lower()
    return (
        key is not None
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


# --- the content version: any change retires every stored page -----------------------


def redis_client():
    """A client of the cache's Redis server, for the change channel; None without Redis."""
    if isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache):
        return client_for(settings.CACHES[DEFAULT_CACHE_ALIAS]["LOCATION"])
    return None


@memoize
def client_for(url):
    return redis.Redis.from_url(url)


# Changes made by this process so far: its copies of pages are distrusted at once, as
# its notice comes back through Redis too but may be on its way at its next request.
changes_made_here = 0


def content_changed():
    """Every stored page is out of date from now on, on every server sharing the cache."""
    global changes_made_here
    changes_made_here += 1
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        client = redis_client()
        if client is not None:
            client.publish(cache.make_key(CHANGES_CHANNEL), b"changed")
    except Exception:  # the cache is down: nothing can be served from it either
        logger.exception("Page cache: could not replace the content version")


def current_version():
    """The content version, made if the cache has none (first start, or evicted)."""
    return cache.get_or_set(VERSION_KEY, lambda: uuid.uuid4().hex, timeout=None)


def is_ignored(model):
    meta = model._meta
    return meta.app_label in IGNORED_APPS or meta.label_lower in IGNORED


def on_model_change(sender, using=None, **kwargs):
    """post_save, post_delete and m2m_changed of any model (see apps.py)."""
    action = kwargs.get("action")
    if action is not None and not action.startswith("post_"):
        return  # m2m_changed: only once the rows have changed
    instance = kwargs.get("instance")
    if is_ignored(sender) or (instance is not None and is_ignored(type(instance))):
        return
    content_changed()
    # Again once the transaction commits: a page rendered in between read the old rows.
    transaction.on_commit(content_changed, using=using)


# --- when a stored copy must expire ---------------------------------------------------


def next_publication(version):
    """The earliest future publication time (a Unix time) of anything published, or None.

    Asked of every kind of content in the registry, so new kinds need no code here. Kept
    in the cache with the version it was worked out under: a save replaces the version
    and so forces a fresh look, and so does the moment passing.
    """
    now = time.time()
    known = cache.get(SCHEDULE_KEY)
    if known is not None and known[0] == version and (known[1] is None or known[1] > now):
        return known[1]
    moments = [kind.next_publication() for kind in content.kinds()]
    moment = min((m.timestamp() for m in moments if m is not None), default=None)
    cache.set(SCHEDULE_KEY, (version, moment), timeout=settings.PAGE_CACHE_TIMEOUT)
    return moment


def next_midnight():
    """The next midnight, UK time: pages show today's date in their print footer."""
    midnight = datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time())
    return timezone.make_aware(midnight).timestamp()


def expiry_time(version):
    moments = [time.time() + settings.PAGE_CACHE_TIMEOUT, next_midnight()]
    scheduled = next_publication(version)
    if scheduled is not None:
        moments.append(scheduled)
    return min(moments)


# --- this thread's own copies (Redis only) --------------------------------------------


class LocalCopies(threading.local):
    """This thread's recent pages, served with no round trip while no change has been
    heard of since it last read the content version from Redis.

    Every change publishes a notice (content_changed). Before each hit the thread reads,
    without waiting, any notice that has arrived on its subscription; one is enough to
    make it ask Redis again, and so is a change made in this process. It subscribes,
    confirmed by Redis, before it first reads the version, so no later change goes
    unheard. Without a working subscription it asks Redis every time.
    """

    def __init__(self, size):
        self.size = size
        self.pages = OrderedDict()
        self.pubsub = self.pid = self.version = None
        self.changes_seen = None  # changes_made_here when the version was read

    def trusted_version(self):
        """The content version if it is known without asking Redis, else None."""
        if self.pid != os.getpid() or self.changes_seen != changes_made_here:
            return None
        try:
            # can_read is the cheaper look; get_message reads what it found.
            if self.pubsub.connection.can_read(timeout=0):
                while (notice := self.pubsub.get_message(timeout=0)) is not None:
                    if notice["type"] == "message":
                        self.version = None
        except Exception:
            logger.warning("Page cache: the change channel failed; asking Redis again")
            self.forget()
        return self.version

    def subscribe(self):
        """Before the version is read from Redis: hear of every change made after it."""
        if self.size <= 0 or self.pid == os.getpid() or not (client := redis_client()):
            return
        self.forget()
        try:
            pubsub = client.pubsub()
            pubsub.subscribe(cache.make_key(CHANGES_CHANNEL))
            confirmed = pubsub.get_message(timeout=1)
            if confirmed is None or confirmed["type"] != "subscribe":
                raise TimeoutError("no confirmation of the subscription")
        except Exception:
            logger.warning("Page cache: could not subscribe to the change channel")
            return
        self.pubsub, self.pid = pubsub, os.getpid()

    def learned(self, version, changes_seen):
        """`version` was read from Redis when this process had made `changes_seen`."""
        self.version, self.changes_seen = version, changes_seen

    def get(self, key):
        if (entry := self.pages.get(key)) is not None:
            self.pages.move_to_end(key)
        return entry

    def put(self, key, entry):
        if self.size > 0 and self.pid == os.getpid():
            self.pages[key] = entry
            self.pages.move_to_end(key)
            if len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def forget(self):
        if self.pubsub is not None and self.pid == os.getpid():
            try:
                self.pubsub.close()
            except Exception:
                pass
        self.pubsub = self.pid = self.version = None
        self.pages.clear()


# --- the handler ----------------------------------------------------------------------


def usable(entry, version):
    return entry is not None and entry[0] == version and time.time() < entry[1]


def not_modified(environ, headers):
    """Whether the visitor's copy is this one (RFC 9110 13.1: If-None-Match first)."""
    if (if_none_match := environ.get("HTTP_IF_NONE_MATCH")) is not None:
        etag = headers.get("etag", "").removeprefix("W/")
        tags = [tag.removeprefix("W/") for tag in parse_etags(if_none_match)]
        return bool(etag) and (tags == ["*"] or etag in tags)
    since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE") or "")
    modified = parse_http_date_safe(headers.get("last-modified", ""))
    return since is not None and modified is not None and modified <= since


# Headers a 304 leaves out: it has no body to describe.
BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding"})


class LookedUp(threading.local):
    """The request in hand (per thread): its page key, and the content version it was
    looked up under, which a page rendered for it is stored under (so a change made
    during the render makes that copy a miss)."""

    key = version = None


class PageCache(WSGIHandler):
    """Django's WSGI handler, answering stored pages before Django and keeping new ones."""

    def __init__(self):
        super().__init__()
        self.local = LocalCopies(settings.PAGE_CACHE_LOCAL_ENTRIES)
        self.looked_up = LookedUp()
        if settings.PAGE_CACHE_ENABLED:
            content_changed()  # this process may run new code: no page from before it

    def __call__(self, environ, start_response):
        key, version = page_key(environ), None
        if key is not None and settings.PAGE_CACHE_ENABLED:
            version, entry = self.find(key)
            if entry is not None:
                return self.serve(environ, start_response, *entry[2:])
        self.looked_up.key, self.looked_up.version = key, version
        return super().__call__(environ, start_response)

    def find(self, key):
        """(content version, usable stored page or None); version None: the cache failed."""
        version = self.local.trusted_version()
        if version is not None and usable(entry := self.local.get(key), version):
            return version, entry
        self.local.subscribe()
        changes_seen = changes_made_here
        try:
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY) or current_version()
        except Exception:
            logger.exception("Page cache: the cache is unavailable; serving without it")
            return None, None
        self.local.learned(version, changes_seen)
        if not usable(entry := found.get(key), version):
            return version, None
        self.local.put(key, entry)
        return version, entry

    def serve(self, environ, start_response, status, headers, body):
        conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if conditional and not_modified(environ, {n.lower(): v for n, v in headers}):
            start_response(
                "304 Not Modified", [(n, v) for n, v in headers if n.lower() not in BODY_HEADERS]
            )
            return []
        start_response(status, list(headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def get_response(self, request):
        """Django's response, with every middleware's headers; kept if it may be."""
        key, version = self.looked_up.key, self.looked_up.version
        self.looked_up.key = self.looked_up.version = None
        response = super().get_response(request)
        if not may_keep(key, response):
            return response
        if "Cache-Control" not in response:
            patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
        if version is not None and request.method == "GET" and settings.PAGE_CACHE_ENABLED:
            self.keep(key, version, response)
        return response

    def keep(self, key, version, response):
        if len(body := response.content) > MAX_BODY_BYTES:
            return
        try:
            expires = expiry_time(version)
            # As WSGIHandler sends it: a response that may be kept has no cookie to add.
            status = f"{response.status_code} {response.reason_phrase}"
            entry = (version, expires, status, list(response.items()), body)
            cache.set(key, entry, timeout=max(1, int(expires - time.time()) + 1))
        except Exception:
            logger.exception("Page cache: could not store a page")
            return
        self.local.put(key, entry)
