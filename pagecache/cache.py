"""
The whole-page cache: anonymous public pages served from Django's cache without
entering Django, and never stale.

Why not Django's `cache_page`? A hit through it still pays for a whole Django
request: the middleware stack (sessions, auth, CSRF, CSP, messages), a fresh
HttpResponse assembled header by header, the signals. Measured here that lands at
about the speed of a minimal Django view. So the hit path is a plain WSGI
callable in front of Django (`PageCache`, wrapped around the application in
wsgi.py) and the miss path is ordinary Django with one middleware that says what
may be kept.

The hit path, for a GET or HEAD with no session (or messages) cookie and no query
string other than the pages' own (`page`, `priority`, `year`, `q`):

1. one cache round trip, `get_many([version key, page key])`;
2. the entry is used when it was stored under the current content version and
   before its own expiry time; it holds the status line, the complete header list
   exactly as Django sent it (security headers, CSP, ETag, Cache-Control, Vary)
   and the body as one bytes object;
3. a matching If-None-Match (or, with no ETag asked about, If-Modified-Since) is
   answered 304 with no body; HEAD gets the headers only.

With Redis, step 1 is usually skipped too: each process serves its recent pages
from its own memory while no change has been announced (see LocalCopies), so a
hit costs a few dozen microseconds and no round trip.

No request object, no middleware, no template, no database. Anything else
(a signed-in member of staff, a POST, an unknown query parameter, a miss) goes to
Django untouched.

The miss path: Django renders as usual. `PageCacheMiddleware` gives an anonymous
public page its `Cache-Control: public, max-age=N` and, when every condition
holds (GET, 200, no session cookie in the request, no cookie in the response,
not marked private/no-store/no-cache by the view: previews, drafts shown to staff,
the admin), tells the WSGI layer when the copy must expire. The WSGI layer stores
what was actually sent: bytes and headers identical to the miss, by construction.

Never stale:

- **Content version.** Saving or deleting any model instance, or changing a
  many-to-many relation, replaces the site-wide content version (a random token
  in the cache), apart from models that never show on a public page (`IGNORED`:
  sessions, the admin log, sign-in attempts, revision history, page feedback,
  preview links). New apps' models are covered without any code. A page stored
  under an older version is a miss. The version is replaced when the change is
  saved and again when its transaction commits, so a page rendered between the
  two (from the old rows) is not kept under the new version.
- **Time.** A copy expires at the earliest of: its timeout, the next scheduled
  publication (the earliest future `published_at` of any published Publishable
  model, so a scheduled item appears at its moment), and the next midnight, UK
  time (pages print today's date).
- **Every server.** The version and the pages live in the shared cache (Redis via
  REDIS_URL). The default, this process's memory, suits one process only
  (`runserver`); several workers or servers need Redis (see deploy/README.md).
- **Code.** Each process bumps the version when it starts, so a deployment with
  new templates is not served old pages.

Changes made with `QuerySet.update()`, `bulk_create()` or raw SQL send no signal:
call `content_changed()` after them.
"""

import hashlib
import logging
import os
import select
import threading
import time
import uuid
import weakref
from collections import OrderedDict
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import parse_qsl

from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.cache import patch_cache_control

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:version"
SCHEDULE_KEY = "page-cache:next-publication"
PAGE_KEY_PREFIX = "page-cache:page:"
# With Redis, every change is also announced on this channel (see LocalCopies).
CHANGES_CHANNEL = "page-cache:changes"
# Set in the WSGI environ: the content version a miss was rendered under (by the
# WSGI layer), and when its copy must expire (by the middleware).
VERSION_ENVIRON = "pagecache.cache.version"
EXPIRES_ENVIRON = "pagecache.cache.expires"

# Query parameters the public pages use: lists' filters and pages, the search words.
# Any other parameter (tracking tags, cache-busting) is served by Django, not kept.
PAGE_PARAMETERS = frozenset({"page", "priority", "year", "q"})
STAFF_PATH_PREFIXES = ("/admin/", "/markdownx/")
# Pages bigger than this are served but not kept (a cache entry is not a file store).
MAX_BODY_BYTES = 4 * 1024 * 1024

# Models whose changes never show on a public page: saving them (on every sign-in,
# every editor request, every feedback answer) must not empty the page cache.
IGNORED = frozenset(
    {
        "sessions.session",
        "admin.logentry",
        "reversion.revision",
        "reversion.version",
        "publishing.previewlink",
        "contenttypes.contenttype",
        "auth.permission",
    }
)
IGNORED_APPS = frozenset({"axes", "feedback"})


def enabled():
    return settings.PAGE_CACHE_ENABLED


# --- the content version -------------------------------------------------------


def new_version():
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, timeout=None)
    return version


def redis_client():
    """The Redis client behind Django's cache, or None when the cache is not Redis."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(write=True)


def changes_channel():
    return cache.make_key(CHANGES_CHANNEL)


# Every LocalCopies of this process (one per PageCache: one in production).
_local_copies = weakref.WeakSet()


def content_changed():
    """Every stored page is out of date from now on, on every server sharing the cache."""
    try:
        new_version()
        client = redis_client()
        if client is not None:
            client.publish(changes_channel(), b"changed")
    except Exception:  # the cache is down: nothing can be served from it either
        logger.exception("Page cache: could not replace the content version")
    # This process's own copies are out of date at once: its notice comes back through
    # Redis too, but may still be on its way when this process's next request arrives.
    for copies in list(_local_copies):
        copies.distrust()


def current_version():
    """The content version, made if the cache has none (first start, or evicted)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


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


# --- when a stored copy must expire -------------------------------------------


def publishable_models():
    from publishing.models import Publishable

    return [
        model
        for model in apps.get_models()
        if issubclass(model, Publishable) and not model._meta.proxy
    ]


def next_publication(version):
    """The earliest future publication time (a Unix time) of anything published, or None.

    Kept in the cache with the version it was worked out under: a save replaces the
    version and so forces a fresh look, and so does the moment passing.
    """
    now = time.time()
    known = cache.get(SCHEDULE_KEY)
    if known is not None and known[0] == version and (known[1] is None or known[1] > now):
        return known[1]
    moments = []
    for model in publishable_models():
        moment = model._default_manager.scheduled().aggregate(next=Min("published_at")).get("next")
        if moment is not None:
            moments.append(moment.timestamp())
    moment = min(moments, default=None)
    cache.set(SCHEDULE_KEY, (version, moment), timeout=settings.PAGE_CACHE_TIMEOUT)
    return moment


def next_midnight():
    """The next midnight, UK time: pages show today's date in their print footer."""
    today = timezone.localdate()
    midnight = datetime.combine(today + timedelta(days=1), datetime.min.time())
    return timezone.make_aware(midnight).timestamp()


def expiry_time(version):
    moments = [time.time() + settings.PAGE_CACHE_TIMEOUT, next_midnight()]
    scheduled = next_publication(version)
    if scheduled is not None:
        moments.append(scheduled)
    return min(moments)


# --- which requests and responses may be kept ----------------------------------


def has_private_cookie(cookie_header):
    """A session (staff) or a pending message: this visitor's page is their own."""
    return settings.SESSION_COOKIE_NAME in cookie_header or "messages" in cookie_header


def page_parameters_only(query_string):
    try:
        pairs = parse_qsl(query_string, keep_blank_values=True, max_num_fields=10)
    except ValueError:
        return False
    return all(name in PAGE_PARAMETERS for name, _ in pairs)


def is_secure(environ):
    header = settings.SECURE_PROXY_SSL_HEADER
    if header:
        name, value = header
        sent = environ.get(name)
        if sent is not None:
            return sent.split(",")[0].strip() == value
    return environ.get("wsgi.url_scheme") == "https"


def page_key(environ):
    """The cache key of this request's page, or None when it must go to Django.

    The scheme and host are part of the key: an http request that Django would
    redirect, or a host Django would refuse, never finds a stored page, because
    Django never stored one for it.
    """
    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
        return None
    if has_private_cookie(environ.get("HTTP_COOKIE", "")):
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


def is_public_page(request, response):
    """An anonymous visitor's page that any other anonymous visitor may be given."""
    cache_control = response.get("Cache-Control", "").lower()
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not has_private_cookie(request.META.get("HTTP_COOKIE", ""))
        and not request.path.startswith(STAFF_PATH_PREFIXES)
        and not any(word in cache_control for word in ("private", "no-store", "no-cache"))
        and page_parameters_only(request.META.get("QUERY_STRING", ""))
    )


class PageCacheMiddleware:
    """On the miss path: Cache-Control for browsers and proxies, and the say-so to store.

    Placed inside ConditionalGetMiddleware (so the ETag is of the final body) and
    outside the session, CSRF and messages middleware (so a cookie they add is
    seen here and the page is not kept).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not is_public_page(request, response):
            return response
        if "Cache-Control" not in response:
            patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
        version = request.environ.get(VERSION_ENVIRON)
        if version is not None and request.method == "GET":
            request.environ[EXPIRES_ENVIRON] = expiry_time(version)
        return response


# --- the WSGI layer ------------------------------------------------------------


def etags(header):
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def not_modified(environ, headers):
    """Whether the visitor's copy is this one (RFC 9110 13.1: If-None-Match first)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match is not None:
        etag = headers.get("etag")
        return etag is not None and (
            if_none_match.strip() == "*" or etag.removeprefix("W/") in etags(if_none_match)
        )
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    last_modified = headers.get("last-modified")
    if if_modified_since and last_modified:
        try:
            return parsedate_to_datetime(last_modified) <= parsedate_to_datetime(if_modified_since)
        except (TypeError, ValueError):
            return False
    return False


# Headers a 304 leaves out: it has no body to describe.
BODY_HEADERS = frozenset({"content-length", "content-type", "content-encoding"})


class LocalCopies:
    """This process's copies of the pages it served last, usable with no Redis round trip.

    On a busy machine the round trip to Redis is most of a hit's cost. So each process
    also keeps its recent pages in memory, and trusts them without asking Redis for
    the version only while it is subscribed to the change channel and no notice has
    arrived since it last read the version from Redis. Every change publishes a
    notice (content_changed); before each hit the process reads any waiting notices
    from its socket without blocking (no round trip), and one notice is enough to
    distrust its copies until it has asked Redis again. It subscribes, and waits for
    Redis to confirm, before it reads the version, so no change after that read can
    go unheard. A broken subscription means asking Redis every time, as without it.
    Only with Redis: the per-process memory cache needs none of this.

    A change made in this process distrusts its copies at once (content_changed), so
    its next request never waits on its own notice. Another server hears of a change
    when the notice reaches its socket: Redis writes it in the same pass of its event
    loop as its reply to the publisher, so usually within microseconds of the save
    (longer only when Redis is starved of CPU); a request arriving inside that window
    is, in effect, concurrent with the save.
    """

    def __init__(self, size):
        self.size = size
        # Threaded servers (runserver, gthread workers) share one subscription socket.
        self.lock = threading.Lock()
        self.pages = OrderedDict()
        self.pubsub = None
        self.pid = None
        self.version = None
        self.notices = 0  # notices read so far: a version read before one is not trusted
        _local_copies.add(self)

    def subscribed(self):
        return self.pubsub is not None and self.pid == os.getpid()

    def trusted_version(self):
        """The content version if it is known without asking Redis, else None."""
        if not self.subscribed():
            return None
        with self.lock:
            return self._read_notices()

    def _read_notices(self):
        try:
            if self.notices_waiting():
                while (notice := self.pubsub.get_message(timeout=0)) is not None:
                    if notice["type"] == "message":
                        self._changed()
        except Exception:
            logger.warning("Page cache: the change channel failed; asking Redis again")
            self.forget()
        return self.version

    def distrust(self):
        """A change made by this process: as if its notice had been read already."""
        with self.lock:
            self._changed()

    def _changed(self):
        """A change was heard of (the lock held): the known version is no longer trusted,
        nor one being read from Redis meanwhile (see `learned`)."""
        self.version = None
        self.notices += 1

    def notices_waiting(self):
        """Whether the subscription's socket has anything to read: a select() with no
        wait, a few microseconds, where asking redis-py costs tens. (redis-py holds
        nothing unread between hits: trusted_version reads until there is no more.)"""
        sock = getattr(self.pubsub.connection, "_sock", None)
        if sock is None:
            return True  # not what we expect of redis-py: let it look
        return bool(select.select([sock], [], [], 0)[0])

    def listen(self):
        """Subscribe to the change notices (once per process) before reading the version.

        Returns a mark to hand back to `learned` with the version read after it.
        """
        if self.size > 0 and not self.subscribed():
            client = redis_client()
            if client is not None:
                with self.lock:
                    if not self.subscribed():
                        self._subscribe(client)
        return self.notices

    def _subscribe(self, client):
        self.forget()
        try:
            pubsub = client.pubsub()
            pubsub.subscribe(changes_channel())
            deadline = time.monotonic() + 1
            while (notice := pubsub.get_message(timeout=0.05)) is None or notice[
                "type"
            ] != "subscribe":
                if time.monotonic() > deadline:
                    raise TimeoutError("no confirmation of the subscription")
        except Exception:
            logger.warning("Page cache: could not subscribe to the change channel")
            return
        self.pubsub, self.pid = pubsub, os.getpid()

    def learned(self, version, mark):
        """`version` was just read from Redis, after `listen` returned `mark`. Trusted
        unless a notice was read meanwhile (by another thread): it may be older."""
        with self.lock:
            if self.subscribed() and self.notices == mark:
                self.version = version

    def get(self, key):
        with self.lock:
            entry = self.pages.get(key)
            if entry is not None:
                self.pages.move_to_end(key)
            return entry

    def put(self, key, entry):
        if self.size <= 0 or not self.subscribed():
            return
        with self.lock:
            self.pages[key] = entry
            self.pages.move_to_end(key)
            while len(self.pages) > self.size:
                self.pages.popitem(last=False)

    def forget(self):
        if self.pubsub is not None and self.pid == os.getpid():
            try:
                self.pubsub.close()
            except Exception:
                pass
        self.pubsub = self.pid = self.version = None
        self.pages.clear()


def usable(entry, version):
    return (
        entry is not None and version is not None and entry[0] == version and time.time() < entry[1]
    )


class PageCache:
    """WSGI middleware: serve stored anonymous pages, store new ones. See the module docstring."""

    def __init__(self, application):
        self.application = application
        self.local = LocalCopies(settings.PAGE_CACHE_LOCAL_ENTRIES)
        if enabled():
            content_changed()  # this process may run new code: no page from before it

    def __call__(self, environ, start_response):
        key = page_key(environ) if enabled() else None
        if key is None:
            return self.application(environ, start_response)

        # This process's own copy, when no change has been announced since it last asked.
        version = self.local.trusted_version()
        entry = self.local.get(key) if version is not None else None
        if usable(entry, version):
            return self.serve(environ, start_response, *entry[2:])

        # One round trip to Redis (or this process's memory cache): version and page.
        mark = self.local.listen()
        try:
            found = cache.get_many([VERSION_KEY, key])
        except Exception:
            logger.exception("Page cache: the cache is unavailable; serving without it")
            return self.application(environ, start_response)
        version, entry = found.get(VERSION_KEY), found.get(key)
        if version is None:
            version = current_version()
        self.local.learned(version, mark)
        if usable(entry, version):
            self.local.put(key, entry)
            return self.serve(environ, start_response, *entry[2:])
        environ[VERSION_ENVIRON] = version
        return self.render_and_store(environ, start_response, key)

    def serve(self, environ, start_response, status, headers, body):
        conditional = "HTTP_IF_NONE_MATCH" in environ or "HTTP_IF_MODIFIED_SINCE" in environ
        if conditional and not_modified(environ, {n.lower(): v for n, v in headers}):
            start_response(
                "304 Not Modified", [(n, v) for n, v in headers if n.lower() not in BODY_HEADERS]
            )
            return []
        start_response(status, list(headers))
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def render_and_store(self, environ, start_response, key):
        sent = {}

        def capture(status, headers, exc_info=None):
            sent.update(status=status, headers=headers, exc_info=exc_info)

        result = self.application(environ, capture)
        expires = environ.get(EXPIRES_ENVIRON)
        keep = (
            expires is not None
            and sent["status"].startswith("200 ")
            and not any(name.lower() == "set-cookie" for name, _ in sent["headers"])
        )
        if not keep:
            start_response(sent["status"], sent["headers"], sent["exc_info"])
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(body) <= MAX_BODY_BYTES:
            entry = (environ[VERSION_ENVIRON], expires, sent["status"], sent["headers"], body)
            timeout = max(1, int(expires - time.time()) + 1)
            try:
                cache.set(key, entry, timeout=timeout)
            except Exception:
                logger.exception("Page cache: could not store a page")
            self.local.put(key, entry)
        start_response(sent["status"], sent["headers"])
        return [body]
