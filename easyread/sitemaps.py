"""This app's entries in /sitemap.xml (registered in easyread/content.py)."""

from sharing.sitemaps import SiteUrlSitemap

from .models import EasyReadVersion


class EasyReadSitemap(SiteUrlSitemap):
    """Published Easy Read versions whose standard page the public can also see."""

    def items(self):
        versions = EasyReadVersion.objects.published().prefetch_related("page")
        return [
            version
            for version in versions.order_by("content_type", "object_id")
            if version.page is not None and getattr(version.page, "is_published", True)
        ]

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"easy-read": EasyReadSitemap}
