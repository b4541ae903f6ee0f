"""
What search engines read: /sitemap.xml and /robots.txt.

Only what the public can see is listed: published press releases and decisions
(never drafts, items in review or items scheduled for later), the priorities and
the section pages. Each entry's last-modified date is its `updated_at`.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority


def site_root(request):
    """The site's address, without a trailing slash.

    `SITE_URL` when it is set, so feeds, the sitemap and robots.txt give the same
    canonical addresses as the pages' link previews; otherwise this request's
    scheme and host (which Django has checked against ALLOWED_HOSTS).
    """
    configured = getattr(settings, "SITE_URL", "") or ""
    if configured:
        return configured.rstrip("/")
    return request.build_absolute_uri("/").rstrip("/")


def absolute_url(request, path):
    return site_root(request) + path


class SiteUrlSitemap(Sitemap):
    """Addresses on SITE_URL's scheme and host when it is set, else the request's."""

    def get_protocol(self, protocol=None):
        configured = getattr(settings, "SITE_URL", "")
        return urlsplit(configured).scheme if configured else super().get_protocol(protocol)

    def get_domain(self, site=None):
        configured = getattr(settings, "SITE_URL", "")
        return urlsplit(configured).netloc if configured else super().get_domain(site)


class SectionSitemap(SiteUrlSitemap):
    """The home page and the section pages."""

    def items(self):
        return [
            "home",
            "priorities:index",
            "news:index",
            "decisions:index",
            "accessibility:statement",
            "accessibility:formats",
        ]

    def location(self, item):
        return reverse(item)


class PrioritySitemap(SiteUrlSitemap):
    # Lists, not querysets: the sitemap's paginator then counts them with len() rather
    # than a COUNT query of its own (one query per section, not two).
    def items(self):
        return list(Priority.objects.order_by("strategy", "number"))

    def lastmod(self, item):
        return item.updated_at


class PressReleaseSitemap(SiteUrlSitemap):
    def items(self):
        return list(
            PressRelease.objects.published()
            .order_by("-published_at", "-pk")
            .only("slug", "updated_at", "published_at")
        )

    def lastmod(self, item):
        return item.updated_at


class DecisionSitemap(SiteUrlSitemap):
    def items(self):
        return list(
            CabinetDecision.objects.published()
            .order_by("-published_at", "-pk")
            .only("slug", "updated_at", "published_at")
        )

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "sections": SectionSitemap,
    "priorities": PrioritySitemap,
    "news": PressReleaseSitemap,
    "decisions": DecisionSitemap,
}


def top_folder(path):
    """ "/preview/abc/" -> "/preview/": a Disallow line covers everything below it."""
    return "/" + path.strip("/").split("/")[0] + "/"


@require_safe
@cache_control(max_age=60 * 60)
def robots_txt(request):
    """Crawlers may read every public page, but not the admin, private preview
    links or the editors' Markdown endpoints; the sitemap lists the pages."""
    private = [
        reverse("admin:index"),
        reverse("preview", kwargs={"token": "token"}),
        reverse("markdownx_markdownify"),
    ]
    lines = ["User-agent: *", *(f"Disallow: {top_folder(path)}" for path in private)]
    lines += ["", f"Sitemap: {absolute_url(request, reverse('sitemap'))}", ""]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")
