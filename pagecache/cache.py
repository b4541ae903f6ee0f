"""
The whole-page cache: anonymous visitors' pages answered without entering Django, and
never stale. How it works and why: docs/notes/cache.md.

`PageCache` is Django's WSGI handler with the cache in front: a request with a page key
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
from datetime import datetime, timedelta
from functools import cache as memoize
from urllib.parse import parse_qsl, urlencode

import redis
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.core.handlers.wsgi import WSGIHandler
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.http import parse_etags, parse_http_date_safe

from publishing import content

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
SCHEDULE_KEY = "page-cache:next-publication"
PAGE_KEY_PREFIX = "page-cache:page:"
QUERY_PAGES_KEY_PREFIX = "page-cache:query-pages:"
CHANGES_CHANNEL = "page-cache:changes"  # with Redis, every change is announced here too

# Query parameters the public pages use: lists' filters and pages, the search words,
# what the email alerts form has chosen. Any other parameter (tracking tags,
# cache-busting) is served by Django, not kept.
PAGE_PARAMETERS = frozenset({"page", "priority", "year", "q", "about"})
STAFF_PATH_PREFIXES = ("/admin/", "/markdownx/")
BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding"})  # not in a 304
MAX_BODY_BYTES = 4 * 1024 * 1024  # bigger pages are served but not kept
RENDER_WAIT = 2.0  # the longest a request waits for another one rendering its page
# Pages with a query string kept per address per PAGE_CACHE_TIMEOUT: any number of
# search words or junk filter values can be asked for, so what they may fill is bounded
# (30 pages of about 17 KB: about half a megabyte per address).
QUERY_PAGES_PER_PATH = 30

# Models whose changes never show on a kept page (an old address's redirect is not
# marked public, so it is never kept): saving them, on every sign-in, every editor
# request, every feedback answer or rate-limit count, every follow of a short link, must
# not empty the page cache. A short link is made while its page is rendered and never
# changes after, so no kept page can show it out of date; its weekly count shows on no
# page. Nor do the email alerts' records (one row per email sent), the task queue's rows,
# the editors' list of words to avoid or a review request: sending 50,000 alerts must not
# empty the cache 50,000 times.
IGNORED = frozenset(
    "sessions.session admin.logentry reversion.revision reversion.version "
    "publishing.previewlink publishing.slugrecord contenttypes.contenttype "
    "auth.permission sharing.shortlink sharing.followcount publishing.review".split()
)
# Redirects that may be kept, when the view marks them `public` (a short link's).
REDIRECTS = frozenset({301, 302, 303, 307, 308})
IGNORED_APPS = frozenset(
    {"axes", "feedback", "ratelimits", "alerts", "django_tasks_database", "contentchecks"}
)


# --- what may be kept: page_key for the request, may_keep for the response -----------


def page_key(environ):
    """The cache key of this request's page, or None when its page is its own."""
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    cookie = environ.get("HTTP_COOKIE", "")  # staff's session, or a message to show
    if settings.SESSION_COOKIE_NAME in cookie or "messages" in cookie:
        return None
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if path.startswith(STAFF_PATH_PREFIXES):
        return None
    if query := environ.get("QUERY_STRING", ""):
        try:
            pairs = parse_qsl(query, keep_blank_values=True, max_num_fields=10)
        except ValueError:
            return None
        names = [name for name, _ in pairs]
        # Only the site's own parameters, each once, written as the site writes them:
        # tracking tags, duplicates and odd spellings of one query are not kept.
        if not PAGE_PARAMETERS.issuperset(names) or len(set(names)) < len(names):
            return None
        if urlencode(pairs) != query:
            return None
    # As the request's address, scheme included (what a proxy says, when one is trusted):
    # a request Django would redirect (http) or refuse (a bad Host) never finds a page,
    # as Django never answered one with a 200.
    proxy = settings.SECURE_PROXY_SSL_HEADER
    scheme = f"{proxy and environ.get(proxy[0])} {environ.get('wsgi.url_scheme')}"
    host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
    address = f"{scheme} {host.lower()}{path}?{query}".encode("utf-8", "surrogatepass")
    return PAGE_KEY_PREFIX + hashlib.md5(address, usedforsecurity=False).hexdigest()


def may_keep(key, response):
    """Whether Django's response to a request with this page key may be given to any
    anonymous visitor: a whole 200, or a redirect the view marked `public` (a short
    link), that sets no cookie and that the view did not mark private, no-store or
    no-cache (previews, drafts shown to staff, the admin)."""
    if not isinstance(response, HttpResponse):
        # A file (an uploaded image, a static file) that Django handed to the server's
        # wsgi.file_wrapper to stream: there is no response object left to look at.
        return False
    cache_control = response.get("Cache-Control", "").lower()
    kept_status = response.status_code == 200 or (
        response.status_code in REDIRECTS and "public" in cache_control
    )
    return (
        key is not None
        and kept_status
        and not response.cookies
        and not response.has_header("Set-Cookie")
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
    )


# --- the content version: any change retires every stored page -----------------------


def redis_client():
    """A client of the cache's own Redis server, with its timeouts, for the change
    channel; None without Redis."""
    if isinstance(caches["default"], RedisCache):
        config = settings.CACHES["default"]
        return client_for(config["LOCATION"], **config.get("OPTIONS", {}))
    return None


client_for = memoize(redis.Redis.from_url)


# Changes made by this process so far: its own copies of pages are distrusted at once,
# as its notice comes back through Redis too but may be on its way at its next request.
changes_made_here = 0


def content_changed():
    """Every stored page is out of date from now on, on every server sharing the cache."""
    global changes_made_here
    changes_made_here += 1
    try:
        # Deleted, not replaced: the next request makes a new one, and a deletion is
        # tried even while this process leaves a failed Redis alone (operations/cache.py).
        cache.delete(VERSION_KEY)
        if (client := redis_client()) is not None:
            client.publish(cache.make_key(CHANGES_CHANNEL), b"changed")
    except Exception:  # the cache is down: nothing can be served from it either
        logger.exception("Page cache: could not replace the content version")


def on_model_change(sender, using=None, **kwargs):
    """post_save, post_delete and m2m_changed of any model (see apps.py)."""
    if (action := kwargs.get("action")) is not None and not action.startswith("post_"):
        return  # m2m_changed: only once the rows have changed
    instance = kwargs.get("instance")
    if is_ignored(sender) or (instance is not None and is_ignored(type(instance))):
        return
    content_changed()
    if transaction.get_connection(using).in_atomic_block:
        # Again once it commits: a page rendered meanwhile elsewhere read the old rows.
        transaction.on_commit(content_changed, using=using)


def is_ignored(model):
    return model._meta.app_label in IGNORED_APPS or model._meta.label_lower in IGNORED


# --- when a stored copy must expire ---------------------------------------------------


def expiry_time(version):
    """The earliest of the timeout, the next midnight UK time (pages print the date) and
    the next scheduled publication of any kind of content in the registry. That is
    worked out once per content version (kept with it) and again once it has passed."""
    known = cache.get(SCHEDULE_KEY)
    if known is None or known[0] != version or (known[1] or float("inf")) <= time.time():
        moments = [m.timestamp() for kind in content.kinds() if (m := kind.next_publication())]
        known = (version, min(moments, default=None))
        cache.set(SCHEDULE_KEY, known, timeout=settings.PAGE_CACHE_TIMEOUT)
    tomorrow = datetime.combine(timezone.localdate() + timedelta(days=1), datetime.min.time())
    moments = [time.time() + settings.PAGE_CACHE_TIMEOUT, timezone.make_aware(tomorrow).timestamp()]
    return min(moment for moment in [*moments, known[1]] if moment is not None)


def room_for(environ):
    """Whether a page may be kept at this request's address: always without a query
    string, else while fewer than QUERY_PAGES_PER_PATH have been kept at its path in
    this PAGE_CACHE_TIMEOUT."""
    if not environ.get("QUERY_STRING"):
        return True
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    digest = hashlib.md5(path.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    counter = f"{QUERY_PAGES_KEY_PREFIX}{digest.hexdigest()}"
    cache.add(counter, 0, timeout=settings.PAGE_CACHE_TIMEOUT)
    try:
        return cache.incr(counter) <= QUERY_PAGES_PER_PATH
    except ValueError:  # expired in between, or the cache is down
        return False


def usable(entry, version):
    return entry is not None and entry[0] == version and time.time() < entry[1]


# --- this thread's own copies (Redis only) --------------------------------------------


class LocalCopies(threading.local):
    """This thread's recent pages, served with no round trip while it has heard of no
    change since it last read the content version from Redis, at most TRUST_SECONDS ago
    (so a Redis that stops answering is noticed): every change publishes a notice, which
    the thread reads, without waiting, before each hit."""

    TRUST_SECONDS = 1.0

    def __init__(self, size):
        self.size, self.pages, self.retry_at = size, {}, 0.0
        self.pubsub = self.pid = self.version = self.changes_seen = self.read_at = None

    def trusted_version(self):
        """The content version if it is known without asking Redis, else None."""
        if self.pid != os.getpid() or self.changes_seen != changes_made_here:
            return None
        if time.monotonic() - self.read_at > self.TRUST_SECONDS:
            return None
        try:
            if self.pubsub.connection.can_read(timeout=0):  # cheaper than get_message
                while (notice := self.pubsub.get_message(timeout=0)) is not None:
                    if notice["type"] == "message":
                        self.version = None
        except Exception:
            logger.warning("Page cache: the change channel failed; asking Redis again")
            self.forget()
        return self.version

    def subscribe(self):
        """Before the version is first read from Redis, so no later change goes unheard;
        without a subscription confirmed by Redis, every hit asks Redis."""
        if self.size <= 0 or self.pid == os.getpid() or time.monotonic() < self.retry_at:
            return
        if not (client := redis_client()):
            return
        self.forget()
        try:
            pubsub = client.pubsub()
            pubsub.subscribe(cache.make_key(CHANGES_CHANNEL))
            confirmed = pubsub.get_message(timeout=settings.REDIS_TIMEOUT)
            if confirmed is None or confirmed["type"] != "subscribe":
                raise TimeoutError("no confirmation of the subscription")
        except Exception:
            logger.warning("Page cache: could not subscribe to the change channel")
            self.retry_at = time.monotonic() + settings.REDIS_RETRY_AFTER
            return
        self.pubsub, self.pid = pubsub, os.getpid()

    def learned(self, version, changes_seen, read_at):
        """`version` was read from Redis at `read_at`, when this process had made
        `changes_seen`."""
        self.version, self.changes_seen, self.read_at = version, changes_seen, read_at

    def put(self, key, entry):
        if self.pid == os.getpid():
            if len(self.pages) >= self.size:
                self.pages.clear()
            self.pages[key] = entry

    def forget(self):
        if self.pubsub is not None and self.pid == os.getpid():
            try:
                self.pubsub.close()
            except Exception:
                pass
        self.pubsub = self.pid = self.version = None
        self.pages.clear()


# --- the handler ----------------------------------------------------------------------


class PageCache(WSGIHandler):
    """Django's WSGI handler, answering stored pages before Django and keeping new ones."""

    def __init__(self):
        super().__init__()
        self.local = LocalCopies(settings.PAGE_CACHE_LOCAL_ENTRIES)
        self.cut_off = False  # the cache was unreachable at this process's last look
        if settings.PAGE_CACHE_ENABLED:
            content_changed()  # this process may run new code: no page from before it

    def __call__(self, environ, start_response):
        key, version, entry, rendering = page_key(environ), None, None, None
        if key is not None and settings.PAGE_CACHE_ENABLED:
            version, entry = self.find(key)
            if entry is None and version is not None:
                rendering, entry = self.render_once(key, version)
        if entry is not None:
            return serve(environ, start_response, *entry[2:])
        try:
            return self.render(environ, start_response, key, version)
        finally:
            if rendering is not None:
                cache.delete(rendering)

    def find(self, key):
        """(content version, usable stored page or None); version None: the cache failed."""
        version = self.local.trusted_version()
        if version is not None and usable(entry := self.local.pages.get(key), version):
            return version, entry
        self.local.subscribe()
        changes_seen, read_at = changes_made_here, time.monotonic()
        try:
            found = cache.get_many([VERSION_KEY, key])
            if (version := found.get(VERSION_KEY)) is None:  # first start, evicted, or down
                cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
                version = cache.get(VERSION_KEY)
        except Exception:
            logger.exception("Page cache: the cache is unavailable; serving without it")
            version = None
        if version is None:  # no copy can be shown to be current: Django renders
            self.local.forget()
            self.cut_off = True
            return None, None
        if self.cut_off:  # back from an outage, in which a change may have gone unheard
            self.cut_off = False
            content_changed()
            return None, None
        self.local.learned(version, changes_seen, read_at)
        if not usable(entry := found.get(key), version):
            return version, None
        self.local.put(key, entry)
        return version, entry

    def render_once(self, key, version):
        """(a claim to release once rendered, None) when this request is to render the
        page; (None, the page) when another request rendered it meanwhile. One request
        at a time renders a missing page, so after a change the workers do not all
        render the same pages; the others wait for it, up to RENDER_WAIT."""
        claim = f"{key}:rendering:{version}"
        try:
            if cache.add(claim, 1, timeout=RENDER_WAIT):
                return claim, None
            deadline = time.monotonic() + RENDER_WAIT
            while time.monotonic() < deadline:
                time.sleep(0.005)
                found = cache.get_many([key, claim])
                if usable(entry := found.get(key), version):
                    self.local.put(key, entry)
                    return None, entry
                if claim not in found:  # rendered, but not to keep: render it here
                    break
        except Exception:
            logger.exception("Page cache: the cache is unavailable; serving without it")
        return None, None

    def render(self, environ, start_response, key, version):
        """Django's answer, with every middleware's headers; kept if it may be, under
        the version looked up before it was rendered (a change made meanwhile makes
        that copy a miss)."""
        started = []
        response = super().__call__(environ, lambda *args: started.append(args))
        status, headers = started[0][:2]
        if may_keep(key, response):
            if "Cache-Control" not in response:
                patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
                headers = list(response.items())  # as Django sent them: no cookie here
            if version is not None and environ["REQUEST_METHOD"] == "GET" and room_for(environ):
                self.keep(key, version, status, headers, response.content)
        start_response(status, headers)
        return response

    def keep(self, key, version, status, headers, body):
        if len(body) > MAX_BODY_BYTES:
            return
        try:
            expires = expiry_time(version)
            entry = (version, expires, status, headers, body)
            cache.set(key, entry, timeout=max(1, int(expires - time.time()) + 1))
        except Exception:
            logger.exception("Page cache: could not store a page")
            return
        self.local.put(key, entry)


def serve(environ, start_response, status, headers, body):
    """A stored page: whole, or 304 when the visitor's copy is this one, or its headers
    only for HEAD."""
    conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
    if conditional and not_modified(environ, {name.lower(): value for name, value in headers}):
        start_response("304 Not Modified", [h for h in headers if h[0].lower() not in BODY_HEADERS])
        return []
    start_response(status, list(headers))
    return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]


def not_modified(environ, headers):
    """Whether the visitor's copy is this one (RFC 9110 13.1: If-None-Match first)."""
    if (if_none_match := environ.get("HTTP_IF_NONE_MATCH")) is not None:
        etag = headers.get("etag", "").removeprefix("W/")
        tags = [tag.removeprefix("W/") for tag in parse_etags(if_none_match)]
        return bool(etag) and (tags == ["*"] or etag in tags)
    since = parse_http_date_safe(environ.get("HTTP_IF_MODIFIED_SINCE") or "")
    modified = parse_http_date_safe(headers.get("last-modified", ""))
    return since is not None and modified is not None and modified <= since
