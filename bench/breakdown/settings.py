"""The site's own settings with bench/breakdown/urls.py added: what a page rendered by
Django (the page cache off) spends its time on, one part at a time. See urls.py and
docs/notes/perf.md ("Cache off: what limits it")."""

from strategy_site.settings import *  # noqa: F403 - the site exactly as it runs

ROOT_URLCONF = "bench.breakdown.urls"
