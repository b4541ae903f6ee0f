"""How the feedback endpoint tells a real visitor's answer from forgery and floods,
without a cookie.

Public pages are cached for everyone and set no cookies, so the form cannot carry
Django's cookie-based CSRF token. A browser posting a form always says where the
page came from (Origin, or at least Referer), so the endpoint accepts only posts
from this site's own pages, and counts posts per client in the database: not in the
cache, where a flood of pages could evict the counts and Redis being down would lose
them.
"""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.utils.http import is_same_domain

from operations.middleware import client_ip
from ratelimits.limits import allow, key_for

RATE_LIMIT = 10  # answers per client...
RATE_WINDOW_SECONDS = 10 * 60  # ...in ten minutes


def is_trusted_origin(request, origin):
    """Is `origin` ("https://host[:port]") this site, as Django's CSRF check decides?

    The same rules as CsrfViewMiddleware's Origin check: the scheme and host the
    request came to, or an entry of CSRF_TRUSTED_ORIGINS (exact, or a
    "https://*.example.gov.uk" wildcard for subdomains).
    """
    try:
        own_origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        own_origin = None
    if origin == own_origin:
        return True
    trusted = settings.CSRF_TRUSTED_ORIGINS
    if origin in [entry for entry in trusted if "*" not in entry]:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    return any(
        is_same_domain(parts.netloc, urlsplit(entry).netloc.lstrip("*"))
        for entry in trusted
        if "*" in entry and urlsplit(entry).scheme == parts.scheme
    )


def is_from_this_site(request):
    """True when the post came from one of this site's pages.

    Every current browser sends Origin with a form post; without it, the origin of
    the Referer is checked instead. With neither (or Origin "null", as from a
    sandboxed frame or a file), there is no telling, so the answer is refused.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        referer = request.headers.get("Referer", "")
        try:
            parts = urlsplit(referer)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False
        origin = f"{parts.scheme}://{parts.netloc}"
    return is_trusted_origin(request, origin)


def rate_limit_key(request):
    """The client as the rate limit knows it: a keyed hash of its address (salted with
    the secret key), so the address itself is never kept, and the key cannot be
    reversed by trying every address."""
    return key_for("feedback.client", client_ip(request))


def is_over_rate_limit(request):
    """True once this client has sent RATE_LIMIT posts in its window (which starts at
    its first post and lasts RATE_WINDOW_SECONDS); else this post is counted."""
    window = timedelta(seconds=RATE_WINDOW_SECONDS)
    return not allow(rate_limit_key(request), RATE_LIMIT, window)
