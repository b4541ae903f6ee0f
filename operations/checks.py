"""
System checks for a deployment (`manage.py check --deploy`).

SITE_URL: every canonical link, link preview and share link is built from it, never
from a request's Host header, so a deployment that leaves it unset shares links to
127.0.0.1, and one on plain http shares links that redirect.

A check sees the settings, not the requests, so it judges the proxy count by what the
settings say about a proxy: trusting a proxy's X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER,
set whenever debug is off) or its X-Forwarded-Host or -Port means a proxy is in front, and
then a count of 0 is almost certainly a mistake. At run time the middleware also warns,
once, when a request arrives with X-Forwarded-For while the count is 0
(operations.middleware.notice_unexpected_proxy).
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

PROXY_SETTINGS = ("SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST", "USE_X_FORWARDED_PORT")


@register(Tags.security, deploy=True)
def check_trusted_proxy_count(app_configs, **kwargs):
    if settings.TRUSTED_PROXY_COUNT > 0:
        return []
    trusted = [name for name in PROXY_SETTINGS if getattr(settings, name, None)]
    if not trusted:
        return []
    return [
        Warning(
            f"DJANGO_TRUSTED_PROXY_COUNT is {settings.TRUSTED_PROXY_COUNT}, but the settings "
            f"trust a proxy in front of the site ({', '.join(trusted)}). Behind a proxy every "
            "visitor then has the proxy's address: one visitor's wrong passwords lock the "
            "username for everyone, and the feedback limit is shared by the whole site.",
            hint="Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies that append to "
            "X-Forwarded-For (1 behind deploy/nginx.conf alone; 2 with a load balancer in "
            "front of it). See deploy/README.md, 'The proxy count'.",
            id="operations.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_site_url(app_configs, **kwargs):
    address = urlsplit(settings.SITE_URL)
    local = address.hostname in (None, "127.0.0.1", "localhost", "::1")
    if address.scheme == "https" and not local:
        return []
    return [
        Warning(
            f"SITE_URL is {settings.SITE_URL!r}: canonical links, link previews and the "
            "links people share are built from it, so they would lead "
            + ("to this machine, not the site." if local else "to plain http."),
            hint="Set SITE_URL to the site's public https address, for example "
            "https://example.gov.uk (no trailing slash). See deploy/README.md.",
            id="operations.W002",
        )
    ]
