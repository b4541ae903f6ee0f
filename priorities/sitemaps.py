"""This app's entries in /sitemap.xml (registered in priorities/content.py)."""

from sharing.sitemaps import SiteUrlSitemap

from .models import Priority


class PrioritySitemap(SiteUrlSitemap):
    # Lists, not querysets: the sitemap's paginator then counts them with len() rather
    # than a COUNT query of its own (one query per section, not two).
    def items(self):
        return list(Priority.objects.order_by("strategy", "number"))

    def lastmod(self, item):
        return item.updated_at
