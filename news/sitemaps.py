"""This app's entries in /sitemap.xml (registered in news/content.py)."""

from sharing.sitemaps import SiteUrlSitemap

from .models import CabinetDecision, PressRelease


class PressReleaseSitemap(SiteUrlSitemap):
    slug_url_name = "news:detail"  # listed with the other slug sections at once

    def items(self):
        return PressRelease.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at


class DecisionSitemap(SiteUrlSitemap):
    slug_url_name = "decisions:detail"

    def items(self):
        return CabinetDecision.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at
