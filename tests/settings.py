"""The test settings: the site's own, plus an app made only for the tests.

`tests.noticeboard` is a kind of content written as docs/adding-a-content-type.md
says, with nothing edited outside it: the tests show it appears in search, the sitemap,
the feed, with a card and structured data, as every kind does.
"""

from strategy_site.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.noticeboard"]  # noqa: F405
ROOT_URLCONF = "tests.urls"
