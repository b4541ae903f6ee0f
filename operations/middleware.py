"""
Response headers Django does not set itself, and the client address behind a proxy.

Django's SecurityMiddleware sends HSTS, nosniff, Referrer-Policy and
Cross-Origin-Opener-Policy; django-csp sends the Content-Security-Policy. What is
left is here, so every response carries the whole set: pages, errors, the admin,
media and (because this runs before WhiteNoise) static files.
"""

import ipaddress
import logging

from django.conf import settings
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Browser features this site never uses, denied to it and to anything it could embed.
# Only names Chromium recognises: an unknown name is logged as an error in every
# visitor's console. `browsing-topics` replaces FLoC's withdrawn `interest-cohort`.
DENIED_FEATURES = [
    "accelerometer",
    "autoplay",
    "browsing-topics",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


class SecurityHeadersMiddleware:
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response.

    A view that needs something else (none does yet) can set its own value first. On
    the way in it also notices a proxy the settings do not know about: it sees every
    request that reaches Django, first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        notice_unexpected_proxy(request)
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        # Our images, scripts and styles are for our own pages, not other sites'.
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response


STAFF_PATH_PREFIXES = ("/admin/", "/markdownx/")


class StaffNoStoreMiddleware:
    """What a signed-in member of staff sees is never kept by a browser or a proxy.

    The admin and the editor endpoints are never cached, whoever asks (the admin
    login page included). A public page viewed by staff may show drafts and the
    staff banner, so it is not cached either; reading `request.user` also makes
    the session middleware add `Vary: Cookie`, so a shared cache never hands a
    visitor's copy to staff or the other way round. Anonymous public pages keep
    their normal caching and conditional GETs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(STAFF_PATH_PREFIXES) or (
            request.user.is_authenticated and request.user.is_staff
        ):
            add_never_cache_headers(response)
        return response


def client_ip(request):
    """The visitor's address, for django-axes (settings.AXES_CLIENT_IP_CALLABLE).

    With no proxy in front (DJANGO_TRUSTED_PROXY_COUNT=0) it is REMOTE_ADDR:
    X-Forwarded-For is typed by the client and would let an attacker pick a fresh
    address for every guess. Behind N proxies, each appends the address it heard
    from, so the client is the Nth entry from the right; anything further left was
    written by the client and is ignored. A header too short to have passed
    through every proxy, or an entry that is not an address, falls back to
    REMOTE_ADDR.
    """
    remote_addr = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote_addr
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [entry for entry in forwarded if entry]
    if len(forwarded) < count:
        return remote_addr
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote_addr


class OncePerProcess:
    """A warning logged the first time its condition is met in this process, and never
    again: a setting that is wrong for every request would otherwise fill the log."""

    def __init__(self, message):
        self.message = message
        self.given = False

    def __call__(self):
        if not self.given:
            self.given = True
            logger.warning(self.message)


FORWARDED_FOR_WITHOUT_PROXY_COUNT = OncePerProcess(
    "A request arrived with X-Forwarded-For, but DJANGO_TRUSTED_PROXY_COUNT is 0, so the "
    "header is ignored and each visitor's address is the connecting one. Behind a proxy "
    "that is the proxy's, shared by every visitor: one visitor's wrong passwords lock the "
    "username for everyone, and the feedback limit is shared by the whole site. Set "
    "DJANGO_TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
    "(1 behind deploy/nginx.conf). With no proxy in front, a client sent the header itself "
    "and ignoring it is right. (Logged once per process.)"
)


def notice_unexpected_proxy(request):
    """Warn once when X-Forwarded-For arrives but no proxy is trusted: the address that
    client_ip() gives django-axes and the feedback limit is then the proxy's. (The
    deployment check operations.W001 catches most such settings before this runs.)"""
    if (
        not FORWARDED_FOR_WITHOUT_PROXY_COUNT.given
        and settings.TRUSTED_PROXY_COUNT <= 0
        and "HTTP_X_FORWARDED_FOR" in request.META
    ):
        FORWARDED_FOR_WITHOUT_PROXY_COUNT()
