"""The Python serving floor: a WSGI callable that returns a page's bytes, no framework.

Served by gunicorn with the same settings as the site, it is the fastest any Python
page can be here; the site's cached pages are compared with it. The bytes are a
copy of a real page (the home page, saved by bench/run.py), read once at start-up.
"""

import os
from pathlib import Path

PAGE = Path(os.environ["BENCH_PAGE_FILE"]).read_bytes()
HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(PAGE))),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [PAGE]
