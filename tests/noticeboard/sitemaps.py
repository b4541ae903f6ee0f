from sharing.sitemaps import SiteUrlSitemap

from .models import Notice


class NoticeSitemap(SiteUrlSitemap):
    slug_url_name = "noticeboard:detail"  # listed with the other slug sections at once

    def items(self):
        return Notice.objects.published().order_by("-published_at", "-pk")

    def lastmod(self, item):
        return item.updated_at
