"""This app's entries in /sitemap.xml (registered in progress/content.py)."""

from django.urls import reverse

from sharing.sitemaps import SiteUrlSitemap

from .models import Deliverable, YouSaidWeDid


class ProgressSectionSitemap(SiteUrlSitemap):
    def items(self):
        return ["progress:index", "progress:you-said-we-did", "progress:data"]

    def location(self, item):
        return reverse(item)


class DeliverableSitemap(SiteUrlSitemap):
    slug_url_name = "progress:deliverable"  # listed with the other slug sections at once

    def items(self):
        return Deliverable.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class YouSaidWeDidSitemap(SiteUrlSitemap):
    slug_url_name = "progress:you-said-we-did-detail"

    def items(self):
        return YouSaidWeDid.objects.published().order_by("pk")

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "progress": ProgressSectionSitemap,
    "deliverables": DeliverableSitemap,
    "you-said-we-did": YouSaidWeDidSitemap,
}
