"""The Python serving floor: a WSGI callable that returns a page's bytes, no framework.

Served by gunicorn with the same settings as the site, it is the fastest any Python
page can be here; the site's cached pages are compared with it. It serves one
reference per measured page, each a copy of that page's bytes (saved by bench/run.py
into BENCH_REFERENCE_DIR), at `/ref/<page key>`: a big page is compared with a floor
that sends as many bytes. All are read once at start-up; a request costs one dict
lookup, which any real Python server would pay too.

Content-Type: the page's own (text/html, application/rss+xml, application/xml), as
the site sent it, so every reference answers with the same headers as its page.
"""

import json
import os
from pathlib import Path

NOT_FOUND = b"Not a reference page"


def load(directory):
    """{path: (headers, body)} for every reference page listed in pages.json."""
    directory = Path(directory)
    manifest = json.loads((directory / "pages.json").read_text())
    responses = {}
    for reference in manifest.values():
        body = (directory / "pages" / reference["file"]).read_bytes()
        headers = [
            ("Content-Type", reference["content_type"]),
            ("Content-Length", str(len(body))),
        ]
        responses[reference["path"]] = (headers, body)
    return responses


RESPONSES = load(os.environ["BENCH_REFERENCE_DIR"])


def application(environ, start_response):
    found = RESPONSES.get(environ.get("PATH_INFO", ""))
    if found is None:
        start_response(
            "404 Not Found",
            [("Content-Type", "text/plain"), ("Content-Length", str(len(NOT_FOUND)))],
        )
        return [NOT_FOUND]
    headers, body = found
    start_response("200 OK", headers)
    return [body]
