"""This app's entries in /sitemap.xml (registered in glossary/content.py)."""

from django.urls import reverse

from sharing.sitemaps import SiteUrlSitemap

from .marking import shown_terms


class GlossarySitemap(SiteUrlSitemap):
    """The glossary page, last changed when its newest shown term was."""

    def items(self):
        return ["glossary:index"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        return shown_terms().last_changed  # from the cache the pages use


SITEMAPS = {"glossary": GlossarySitemap}
