"""The glossary's place in the shared apps (its section of the sitemap): the content
protocol of publishing/content.py. Imported by GlossaryConfig.ready(). Terms have no
page of their own: they are listed on the glossary page and marked in other pages."""

from publishing import content

from .sitemaps import SITEMAPS

content.register_sitemaps(SITEMAPS)
