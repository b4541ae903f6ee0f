"""This app's entries in /sitemap.xml (merged in strategy_site/urls.py)."""

SITEMAPS = {}
