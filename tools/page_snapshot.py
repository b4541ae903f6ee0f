#!/usr/bin/env python
"""Snapshot every public page of the site, and compare two snapshots.

    .venv/bin/python tools/page_snapshot.py snapshot OUTDIR    # from a checkout's root
    .venv/bin/python tools/page_snapshot.py compare DIR_A DIR_B

Made for reshaping the code without changing anything a visitor sees: take a
snapshot before, another after, and compare them. The comparison is of what a
visitor gets for each address: the status code, the content type, the Location
and Content-Disposition headers and the body: its exact text (after the few
normalisations explained below), or a sha256 of its bytes for binary answers
(social card PNGs) and for the files under /static/ and /media/.

What `snapshot` does, all in this one process:

1. Makes a throwaway environment: a fresh SQLite database and media folder in a
   temporary directory under /tmp, this process's memory as the cache (never
   Redis: CACHE_URL=locmem:// wins over any REDIS_URL), the whole-page cache off
   (DJANGO_PAGE_CACHE=0, so every answer is rendered by Django), DJANGO_DEBUG=1,
   SITE_URL=http://127.0.0.1:8000, and every other DJANGO_*, SITE_*, DATABASE_*,
   CACHE_URL and REDIS_URL variable removed from the environment, so the shell it
   runs in makes no difference. Python's hash seed is fixed (PYTHONHASHSEED=0
   unless already set), so set iteration orders are the same in every run.
2. Freezes the clock at FROZEN_AT (time-machine, from the project's dev extras),
   so "today", "3 days ago", scheduled items and feed dates are the same in every
   run.
3. Runs `migrate` and `load_content` (the real content), then requests every page
   (phase "1-real"). Then adds content through the ORM (models found by class
   name through django.apps, never imported by module path) so that every page
   type and state is reached: pagination, filters, photos, quotes, change notes,
   decision points, deliverables with updates and milestones, "You said, we
   did", Easy Read versions of every page type, contact details, help contacts, a
   renamed item (301), unpublished and deleted items (410), drafts with preview
   links. Then requests everything again (phase "2-extended").
4. Requests go through the site's real WSGI application (settings.WSGI_APPLICATION,
   i.e. the middleware and everything a visitor's request goes through), as
   host 127.0.0.1:8000 over http. The URLs come from a hand-written list (below)
   and from a crawl: every same-site address in every page, feed, sitemap, open
   data file and redirect is requested too (not /admin/ or /markdownx/).

The only project names used are the settings module (strategy_site.settings,
and its WSGI_APPLICATION), the management commands `migrate` and `load_content`,
the URLs, and model and field names.

Output: OUTDIR/index.json (address -> file), OUTDIR/meta.json (when, which
commit: informational, never compared) and one text file per address under
OUTDIR/1-real/ and OUTDIR/2-extended/.

`snapshot` exits 2 (after writing everything) if any request raised an error.
`compare` prints, per address, "identical" or a unified diff (and any address
found in one snapshot only), then "N pages compared, M identical, K differ".
Exit code 0 when everything is identical, 1 otherwise (an address missing from
one snapshot counts as differing).
"""

import argparse
import contextlib
import difflib
import hashlib
import html
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote_to_bytes, urlencode, urljoin

TOOL = "page_snapshot"
FORMAT_VERSION = 1

# The instant the clock is frozen at, in UTC (also UK time in December). It must be
# after every date in fixtures/ (the Easy Read versions are dated 23 November 2026:
# before that they are "scheduled" and their pages 404). The generated content is
# dated relative to it, over 2025 and 2026.
FROZEN_AT = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
SITE_URL = "http://127.0.0.1:8000"
HOST, PORT = "127.0.0.1", "8000"

# Never requested: staff-only, and not what the public sees.
SKIPPED_PREFIXES = ("/admin/", "/markdownx/")
# Answers stored as a sha256 of their bytes rather than their text: files served
# as they are (the crawl still requests every one a page links to).
HASHED_PREFIXES = ("/static/", "/media/")
MAX_REQUESTS_PER_PHASE = 3000

PHASES = ("1-real", "2-extended")


# --- normalisation ------------------------------------------------------------------
#
# Only what differs between two runs of the same code on the same content, through
# no fault of the code, is rewritten, and only here. Everything else is compared
# byte for byte.

# 1. Hashed static file names. With a manifest storage (production's
#    CompressedManifestStaticFilesStorage) /static/css/main.css is served as
#    /static/css/main.3f2a1b4c5d6e.css: 12 hex digits of the file's md5. The brief
#    is to ignore asset hashes, so only the file name's hash is replaced, and only
#    under /static/. (With DJANGO_DEBUG=1, as here, names are not hashed, so this
#    normally changes nothing.)
STATIC_HASH = re.compile(r"(/static/[^\s\"'<>?#]*?)\.[0-9a-f]{12}(\.[A-Za-z0-9]+)")

# 2. CSP nonces: random per response when a policy uses them (this site's does
#    not today: no inline scripts). nonce="..." attributes and 'nonce-...' sources.
CSP_NONCE_ATTRIBUTE = re.compile(r"""\bnonce=(["'])[A-Za-z0-9+/=_-]+\1""")
CSP_NONCE_SOURCE = re.compile(r"'nonce-[A-Za-z0-9+/=_-]+'")

# 3. CSRF tokens: masked with a new random salt on every response. Public pages
#    carry none today (the feedback form is checked by Origin instead), but a form
#    that gets one must not make every page differ.
CSRF_INPUT = re.compile(
    r"""(<input\b[^>]*?\bname=(["'])csrfmiddlewaretoken\2[^>]*?\bvalue=)(["'])[A-Za-z0-9]+\3"""
    r"""|(<input\b[^>]*?\bvalue=)(["'])[A-Za-z0-9]{32,64}\5([^>]*?\bname=(["'])csrfmiddlewaretoken\7)"""
)

# Nothing else is random per run in what the public sees, because the inputs are
# made deterministic instead of the output being rewritten:
# - preview tokens are given explicitly when the preview links are made;
# - uploaded photos get "random" names from secrets.token_hex, which is replaced by
#   a counter only while the snapshot's own photos are saved (see counted_tokens);
# - the clock is frozen; the database, media folder and cache start empty;
# - the page cache's and glossary's random version tokens never reach a body.


def normalise(text):
    text = STATIC_HASH.sub(r"\1.HASH\2", text)
    text = CSP_NONCE_ATTRIBUTE.sub(r'nonce="NONCE"', text)
    text = CSP_NONCE_SOURCE.sub("'nonce-NONCE'", text)

    def csrf(match):
        if match.group(1):
            return f"{match.group(1)}{match.group(3)}CSRF-TOKEN{match.group(3)}"
        return f"{match.group(4)}{match.group(5)}CSRF-TOKEN{match.group(5)}{match.group(6)}"

    return CSRF_INPUT.sub(csrf, text)


# --- the addresses ------------------------------------------------------------------


class Request:
    def __init__(self, method, target, label="", data=None, headers=None):
        self.method = method
        self.target = target  # path plus query string, as a browser would send it
        self.label = label  # tells apart two POSTs to one address
        self.data = data
        self.headers = headers or {}

    @property
    def key(self):
        key = f"{self.method} {normalise(self.target)}"
        return f"{key} [{self.label}]" if self.label else key


def get(target):
    return Request("GET", target)


def search_urls():
    queries = [
        "",  # the empty search page
        "priority",
        "priorities",  # stemming on PostgreSQL, the simpler search on SQLite
        "families",
        "EHCP",
        "send",
        '"true partners"',  # a quoted phrase
        "cabinet decision strategy",
        "zzqxjv",  # no results
        "<script>alert(1)</script>",  # shown back escaped
        "café ٢٠٢٤ 🙂",  # non-ASCII
        "words " * 50,  # over 200 characters: cut and said so
    ]
    urls = ["/search/"] + [f"/search/?{urlencode({'q': q})}" for q in queries]
    urls += [
        f"/search/?{urlencode({'q': 'families', 'page': 2})}",
        f"/search/?{urlencode({'q': 'the', 'page': 2})}",
        f"/search/?{urlencode({'q': 'families', 'page': 99})}",  # no such page: 404
        f"/search/?{urlencode({'q': 'families', 'page': 'x'})}",
    ]
    return urls


def seed_requests(priority_slugs):
    """The hand-written list: the crawl finds the rest (items, pagination, cards...)."""
    urls = [
        "/",
        "/priorities/",
        "/news/",
        "/decisions/",
        "/progress/",
        "/you-said-we-did/",
        "/data/",
        "/glossary/",
        "/accessibility/",
        "/accessibility/alternative-formats/",
        "/accessibility/easy-read/",
        "/get-help/",
        "/feedback/thanks/",
        "/feedback/thanks/?page=%2Fnews%2F",
        "/feedback/thanks/?page=https%3A%2F%2Fexample.com%2F",  # not a page here: ignored
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        # Feeds, RSS and Atom (each priority's are added below).
        "/feed/",
        "/feed/atom/",
        "/news/feed/",
        "/news/feed/atom/",
        "/decisions/feed/",
        "/decisions/feed/atom/",
        # List filters and pagination, good and bad values.
        "/news/?page=2",
        "/news/?page=3",
        "/news/?page=99",
        "/news/?page=abc",
        "/news/?year=2024",
        "/news/?year=2025",
        "/news/?year=2026",
        "/news/?year=1999",
        "/news/?year=twenty",
        "/news/?priority=no-such-priority",
        "/news/?year=2025&page=2",
        "/news/?year=2026&page=2",
        "/decisions/?page=2",
        "/decisions/?page=99",
        "/decisions/?year=2024",
        "/decisions/?year=2025",
        "/decisions/?year=2026",
        "/decisions/?year=abcd",
        "/decisions/?priority=no-such-priority",
        "/you-said-we-did/?page=2",
        "/you-said-we-did/?page=99",
        "/you-said-we-did/?priority=no-such-priority",
        # Open data, every dataset and format, and a bad one.
        *[
            f"/data/{dataset}.{fmt}"
            for dataset in ("deliverables", "milestones", "progress-updates", "decisions", "news")
            for fmt in ("csv", "json")
        ],
        "/data/nothing.csv",
        "/data/news.xml",
        # Social cards of the section pages, without their ?v= version.
        "/social-cards/page/home.png",
        "/social-cards/page/priorities.png",
        "/social-cards/page/news.png",
        "/social-cards/page/decisions.png",
        "/social-cards/page/unknown.png",
        "/social-cards/news/no-such-item.png",
        "/social-cards/unknown/home.png",
        # Not found (404), and the missing slash (301 from CommonMiddleware).
        "/this-page-does-not-exist/",
        "/news/no-such-press-release/",
        "/decisions/no-such-decision/",
        "/priorities/no-such-priority/",
        "/priorities/no-such-priority/feed/",
        "/progress/no-such-deliverable/",
        "/you-said-we-did/no-such-entry/",
        "/news/no-such-press-release/easy-read/",
        "/glossary/ehcp/",
        "/preview/not-a-real-token/",
        "/media/nothing.txt",
        "/news",
        "/priorities",
        *search_urls(),
    ]
    for slug in priority_slugs:
        urls += [
            f"/priorities/{slug}/",
            f"/priorities/{slug}/feed/",
            f"/priorities/{slug}/feed/atom/",
            f"/priorities/{slug}/easy-read/",
            f"/social-cards/priority/{slug}.png",
            f"/news/?priority={slug}",
            f"/news/?priority={slug}&year=2024",
            f"/decisions/?priority={slug}",
            f"/you-said-we-did/?priority={slug}",
        ]
    return [get(url) for url in urls]


def feedback_requests():
    """POST /feedback/: answers as the form at the foot of a page sends them."""
    own = {"Origin": SITE_URL}
    answer = {"page_path": "/news/", "page_title": "News", "useful": "yes", "comment": ""}
    return [
        get("/feedback/"),  # 405, with a page that explains
        Request("POST", "/feedback/", "yes", answer, own),
        Request(
            "POST",
            "/feedback/",
            "no with a comment",
            {**answer, "useful": "no", "comment": "I could not find the dates.\r\nThanks."},
            own,
        ),
        Request("POST", "/feedback/", "referer only", answer, {"Referer": f"{SITE_URL}/news/"}),
        Request("POST", "/feedback/", "another site", answer, {"Origin": "https://example.com"}),
        Request("POST", "/feedback/", "no origin", answer),
        Request("POST", "/feedback/", "no answer", {**answer, "useful": ""}, own),
        Request("POST", "/feedback/", "no page", {**answer, "page_path": ""}, own),
        Request("POST", "/feedback/", "comment too long", {**answer, "comment": "x" * 1300}, own),
        Request("POST", "/feedback/", "honeypot", {**answer, "website": "spam"}, own),
    ]


# Page types, for the summary printed after a snapshot (first match wins).
PAGE_TYPES = [
    ("feedback POST", r"^POST /feedback/"),
    ("feedback form (GET: 405) and thanks page", r"^GET /feedback/"),
    ("home", r"^GET /$"),
    ("priority feed (RSS/Atom)", r"^GET /priorities/[^/]+/feed/"),
    (
        "Easy Read page",
        r"^GET /(priorities|news|decisions)/[^/?]+/easy-read/|/accessibility/easy-read/",
    ),
    ("priorities list", r"^GET /priorities/?$"),
    ("priority detail", r"^GET /priorities/[^/?]+/$"),
    ("news/decisions/all feeds (RSS/Atom)", r"^GET /(news/|decisions/)?feed/"),
    ("news list (+ filters, pages)", r"^GET /news/?(\?.*)?$"),
    ("press release detail (incl. 301/404/410)", r"^GET /news/[^/?]+/"),
    ("decisions list (+ filters, pages)", r"^GET /decisions/?(\?.*)?$"),
    ("decision detail (incl. 301/404/410)", r"^GET /decisions/[^/?]+/"),
    ("progress", r"^GET /progress/$"),
    ("deliverable detail", r"^GET /progress/[^/?]+/"),
    ("you said, we did list", r"^GET /you-said-we-did/(\?.*)?$"),
    ("you said, we did detail", r"^GET /you-said-we-did/[^/?]+/"),
    ("open data page", r"^GET /data/$"),
    ("open data download (CSV/JSON)", r"^GET /data/."),
    ("glossary", r"^GET /glossary/"),
    ("accessibility pages", r"^GET /accessibility/"),
    ("get help", r"^GET /get-help/"),
    ("search", r"^GET /search/"),
    ("sitemap.xml", r"^GET /sitemap\.xml"),
    ("robots.txt", r"^GET /robots\.txt"),
    ("social card PNG", r"^GET /social-cards/"),
    ("preview link page", r"^GET /preview/"),
    ("healthz", r"^GET /healthz"),
    ("static file (sha256)", r"^GET /static/"),
    ("media file (sha256)", r"^GET /media/"),
    ("404 page (an address that is nothing)", r"^GET /this-page-does-not-exist/"),
    ("other", r"."),
]


# --- running the site ---------------------------------------------------------------


def prepare_environment(workdir):
    for name in list(os.environ):
        if name.startswith(("DJANGO_", "SITE_", "DATABASE_")) or name in (
            "CACHE_URL",
            "REDIS_URL",
        ):
            del os.environ[name]
    media = os.path.join(workdir, "media")
    static = os.path.join(workdir, "staticfiles")
    os.makedirs(media)
    os.makedirs(static)  # empty: WhiteNoise serves from the finders in debug
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "strategy_site.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{os.path.join(workdir, 'db.sqlite3')}",
            # This process's memory, never Redis; read by the settings' cache_config.
            "CACHE_URL": "locmem://",
            # The whole-page cache off: every answer rendered by Django.
            "DJANGO_PAGE_CACHE": "0",
            "DJANGO_MEDIA_ROOT": media,
            "DJANGO_STATIC_ROOT": static,
            "SITE_URL": SITE_URL,
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )


class Site:
    """The site's WSGI application, called in this process."""

    def __init__(self):
        from django.conf import settings
        from django.core.servers.basehttp import get_internal_wsgi_application
        from django.core.signals import got_request_exception

        # Built with DEBUG on (as DJANGO_DEBUG=1 says: WhiteNoise serves static files
        # from the app and project folders, no manifest needed)...
        self.application = get_internal_wsgi_application()
        # ...then answered with DEBUG off, so a 404 or 500 is the page a visitor gets
        # (templates/404.html), not Django's debug page, which names the view's
        # module and lists every URL pattern: those change when code moves, pages don't.
        settings.DEBUG = False
        self.errors = []
        got_request_exception.connect(self.on_exception, weak=False)
        self.current = None

    def on_exception(self, sender, request=None, **kwargs):
        self.errors.append(self.current.key)
        print(f"!! server error for {self.current.key}", file=sys.stderr)
        traceback.print_exc(file=sys.stderr)

    def __call__(self, request):
        self.current = request
        path, _, query = request.target.partition("?")
        body = b""
        content_type = ""
        if request.data is not None:
            body = urlencode(request.data).encode()
            content_type = "application/x-www-form-urlencoded"
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            # WSGI: the path percent-decoded, its bytes as latin-1 (PEP 3333).
            "PATH_INFO": unquote_to_bytes(path).decode("iso-8859-1"),
            "QUERY_STRING": query,
            "SERVER_NAME": HOST,
            "SERVER_PORT": PORT,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": f"{HOST}:{PORT}",
            "HTTP_USER_AGENT": "page-snapshot",
            "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9",
            "CONTENT_TYPE": content_type,
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers.items():
            environ["HTTP_" + name.upper().replace("-", "_")] = value
        started = {}

        def start_response(status, headers, exc_info=None):
            started["status"] = status
            started["headers"] = headers

        result = self.application(environ, start_response)
        try:
            content = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = {}
        for name, value in started["headers"]:
            headers.setdefault(name.lower(), value)
        return int(started["status"].split()[0]), headers, content


# --- the crawl ----------------------------------------------------------------------

ATTRIBUTE = re.compile(r"""\b(?:href|src|action)\s*=\s*(["'])(.*?)\1""", re.S)
SRCSET = re.compile(r"""\bsrcset\s*=\s*(["'])(.*?)\1""", re.S)
ABSOLUTE = re.compile(re.escape(SITE_URL) + r"""(/[^\s"'<>\\),]*)""")
# In style sheets and scripts: url(...) and ES module imports, relative or not.
ASSET_REFERENCE = re.compile(
    r"""url\(\s*["']?([^"')]+?)["']?\s*\)|\b(?:from|import)\s*["']([^"']+\.m?js)["']"""
)
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/javascript",
    "image/svg+xml",
)


def is_text(content_type):
    return content_type.split(";")[0].strip().startswith(TEXT_TYPES) or "+xml" in content_type


def links_in(text, path, content_type):
    if content_type.startswith(("text/css", "text/javascript", "application/javascript")):
        found = [urljoin(path, a or b) for a, b in ASSET_REFERENCE.findall(text)]
        return [target for value in found if (target := local_target(value))]
    found = [match.group(2) for match in ATTRIBUTE.finditer(text)]
    for match in SRCSET.finditer(text):
        found += [part.strip().split()[0] for part in match.group(2).split(",") if part.strip()]
    found += [match.group(1) for match in ABSOLUTE.finditer(text)]
    return [target for value in found if (target := local_target(html.unescape(value)))]


def local_target(value):
    """The path and query of a link to a page of this site that we request, or None."""
    value = value.strip()
    if value.startswith(SITE_URL + "/"):
        value = value[len(SITE_URL) :]
    if not value.startswith("/") or value.startswith("//"):
        return None  # another site, mailto:, a #fragment, or relative
    value = value.split("#", 1)[0]
    if value.startswith(SKIPPED_PREFIXES):
        return None
    return value


def record(request, status, headers, content):
    """The text kept for one address."""
    content_type = headers.get("content-type", "-")
    lines = [
        request.key,
        f"status: {status}",
        f"content-type: {content_type}",
        f"location: {normalise(headers.get('location', '-'))}",
        f"content-disposition: {headers.get('content-disposition', '-')}",
    ]
    path = request.target.split("?", 1)[0]
    if is_text(content_type) and not path.startswith(HASHED_PREFIXES):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            return "\n".join([*lines, f"body-bytes: {len(content)}", "", normalise(text)])
    digest = hashlib.sha256(content).hexdigest()
    return "\n".join([*lines, f"body-bytes: {len(content)}", f"body-sha256: {digest}", ""])


def crawl(site, requests, phase, pages):
    """Request each of `requests`, then every same-site address found in the answers."""
    queue = list(requests)
    seen = set()
    count = 0
    while queue:
        request = queue.pop(0)
        if request.key in seen:
            continue
        seen.add(request.key)
        count += 1
        if count > MAX_REQUESTS_PER_PHASE:
            raise SystemExit(f"More than {MAX_REQUESTS_PER_PHASE} addresses in {phase}: a loop?")
        status, headers, content = site(request)
        pages[f"{phase} {request.key}"] = record(request, status, headers, content)
        found = []
        if "location" in headers:
            found.append(local_target(headers["location"]))
        if is_text(headers.get("content-type", "")):
            text = content.decode("utf-8", errors="replace")
            found += links_in(text, request.target.split("?", 1)[0], headers["content-type"])
        for target in filter(None, found):
            candidate = get(target)
            if candidate.key not in seen:
                queue.append(candidate)
    return count


# --- content ------------------------------------------------------------------------


def model(name):
    """The model class called `name`, wherever its app now is."""
    from django.apps import apps

    matches = [m for m in apps.get_models() if m.__name__ == name]
    if len(matches) != 1:
        raise SystemExit(f"Expected one model called {name}, found {len(matches)}")
    return matches[0]


class counted_tokens:
    """secrets.token_hex made deterministic while our photos are saved, so their
    "random" file names (and the pages that show them) are the same in every run."""

    def __enter__(self):
        import secrets

        self.secrets = secrets
        self.original = secrets.token_hex
        self.count = 0

        def token_hex(nbytes=None):
            self.count += 1
            return f"{self.count:0{2 * (nbytes or 32)}x}"

        secrets.token_hex = token_hex

    def __exit__(self, *exc):
        self.secrets.token_hex = self.original


def with_picture(item, content, folder, **words):
    """Give `item` a picture with `words` (alt, caption, credit, shows_people,
    consent_recorded), then save it. Pictures are Image rows that the item refers
    to (images.Image); before there was one, they were columns of the item."""
    from django.apps import apps

    if not any(m.__name__ == "Image" and m._meta.app_label == "images" for m in apps.get_models()):
        for name, value in words.items():
            setattr(item, f"image_{name}", value)
        item.image = content
        item.save()
        return
    image = model("Image")(**words)
    image.upload_folder = folder  # where the item's own pictures always went
    image.file = content
    image.save()
    item.image = image
    item.save()


def photo_png(width, height, seed):
    """A made-up photo: bands of colour, the same bytes every time."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (40 + seed * 20, 90, 120))
    draw = ImageDraw.Draw(image)
    for i in range(0, width, 80):
        draw.rectangle((i, 0, i + 40, height), fill=((i * 7 + seed * 50) % 256, 150, 80))
    draw.ellipse(
        (width // 3, height // 4, width // 3 + height // 2, height * 3 // 4), fill=(250, 220, 60)
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def at(days_ago, hour=10):
    """A moment `days_ago` days before the frozen clock."""
    return (FROZEN_AT - timedelta(days=days_ago)).replace(hour=hour, minute=0)


def day(days_ago):
    """The day `days_ago` days before the frozen clock's (negative: after it)."""
    return FROZEN_AT.date() - timedelta(days=days_ago)


def add_content():
    """Everything the real content does not show. Deterministic: fixed values and
    dates, made in a fixed order (so database ids are the same in every run)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile

    Priority = model("Priority")
    PressRelease = model("PressRelease")
    Quote = model("Quote")
    CabinetDecision = model("CabinetDecision")
    DecisionPoint = model("DecisionPoint")
    PreviewLink = model("PreviewLink")
    Deliverable = model("Deliverable")
    Milestone = model("Milestone")
    ProgressUpdate = model("ProgressUpdate")
    EvidenceLink = model("EvidenceLink")
    YouSaidWeDid = model("YouSaidWeDid")
    EasyReadVersion = model("EasyReadVersion")
    EasyReadPoint = model("EasyReadPoint")
    AccessibilityStatement = model("AccessibilityStatement")
    SiteSettings = model("SiteSettings")
    HelpContact = model("HelpContact")

    priorities = list(Priority.objects.order_by("number"))

    # Press releases: enough for three pages of the list, over two years.
    press_releases = []
    for n in range(1, 23):
        published = at(7 + n * 25)
        item = PressRelease.objects.create(
            title=f"Update {n} on meeting needs together",
            standfirst=f"Standfirst of update {n}: what has happened and what comes next.",
            body=(
                f"## What happened\n\nParagraph about update {n}. An EHCP is mentioned here, "
                "and so is the SENCo.\n\n- one point\n- another point with a "
                "[link](https://www.example.org/page)\n\n## What comes next\n\nMore words."
            ),
            status="published",
            published_at=published,
        )
        item.priorities.set([priorities[n % 6], priorities[(n + 2) % 6]] if n % 3 else [])
        press_releases.append(item)
    for order, item in enumerate(press_releases[:3]):
        Quote.objects.create(
            press_release=item,
            order=order,
            speaker=f"Cllr Speaker {order}",
            role="Cabinet Member for Children's Services",
            text="We are listening to families and acting on what they tell us.",
        )
    noted = press_releases[1]
    noted.change_notes.create(note="Added the date of the next meeting.", created_at=at(20))
    noted.change_notes.create(note="Corrected the name of the board.", created_at=at(3))

    # Markdown an editor might type, sanitising included.
    PressRelease.objects.create(
        title="A press release with every kind of formatting",
        standfirst="Headings, lists, links, a table of contents and things that are removed.",
        body=(
            "## A heading\n\nSome **bold** and *italic* words, `code`, and a "
            "[link](https://www.example.org/).\n\n### A smaller heading\n\n1. First\n2. Second\n\n"
            "> A quotation from a parent.\n\n<script>alert('removed')</script>\n\n"
            '<img src="x" onerror="alert(1)">\n\n[a javascript link](javascript:alert(1))\n\n'
            "Education, Health and Care plan, EHC plans, SEND and send, Local Offer."
        ),
        status="published",
        published_at=at(2, hour=8),
    ).priorities.set(priorities[:2])

    PressRelease.objects.create(
        title=(
            "A very long headline that goes on and on to see how the link-preview card wraps "
            "and shrinks a title that will not fit on it at the largest size, and then some more "
            "words to make it longer still than any real headline should ever be"
        )[:200],
        standfirst="A long headline.",
        body="Body.",
        status="published",
        published_at=at(1, hour=9),
    )

    # A photo (with consent recorded), and its renditions.
    with counted_tokens():
        with_photo = PressRelease(
            title="Families meet the new SEND team",
            standfirst="A press release with a photo.",
            body="The team met families at the library.",
            status="published",
            published_at=at(4, hour=14),
        )
        with_picture(
            with_photo,
            ContentFile(photo_png(1400, 800, 1), name="team.png"),
            "news/%Y/",
            alt="Parents and staff talking round a table in the library",
            caption="At the library in Trowbridge",
            credit="Council photographer",
            shows_people=True,
            consent_recorded=True,
        )
        with_photo.priorities.set([priorities[0]])

    # Renamed after publishing: the old address answers 301 (the Easy Read one too).
    renamed = PressRelease.objects.create(
        title="Headline before the rename",
        slug="headline-before-the-rename",
        standfirst="This press release was renamed after it was published.",
        body="Body.",
        status="published",
        published_at=at(30),
    )
    renamed.priorities.set([priorities[3]])
    renamed.slug = "headline-after-the-rename"
    renamed.title = "Headline after the rename"
    renamed.save()

    # Unpublished after publishing, and deleted after publishing: 410 Gone.
    withdrawn = PressRelease.objects.create(
        title="A withdrawn press release",
        standfirst="Withdrawn.",
        body="Body.",
        status="published",
        published_at=at(40),
    )
    withdrawn.status = "draft"
    withdrawn.save()
    PressRelease.objects.create(
        title="A deleted press release",
        standfirst="Deleted.",
        body="Body.",
        status="published",
        published_at=at(41),
    ).delete()

    # Never public: a draft (with a preview link), one in review, one scheduled.
    draft = PressRelease.objects.create(
        title="A draft press release for sign-off",
        standfirst="Not published yet.",
        body="## Draft\n\nWords to be signed off.",
        status="draft",
    )
    draft.priorities.set([priorities[1]])
    PressRelease.objects.create(
        title="A press release in review", standfirst="In review.", body="Body.", status="in_review"
    )
    PressRelease.objects.create(
        title="A scheduled press release",
        standfirst="Scheduled for later.",
        body="Body.",
        status="published",
        published_at=FROZEN_AT + timedelta(days=3),
    )

    # Decisions: enough for two pages, two meeting years, every status.
    decision_statuses = ["approved", "amended", "rejected", "deferred", "called_in"]
    point_kinds = ["noted", "approved", "agreed", "resolved", "recommended", "delegated"]
    decisions = []
    for n in range(1, 13):
        decision = CabinetDecision.objects.create(
            title=f"Cabinet decision {n} about SEND provision",
            meeting_body="Cabinet" if n % 4 else "Children's Select Committee",
            meeting_date=day(560 - n * 45),
            item_number=str(100 + n) if n % 2 else "",
            purpose="To consider the report." if n % 3 else "",
            summary_for_families="What it means for families, in plain words." if n % 2 else "",
            reasons="The reasons, as in the record." if n % 3 else "",
            discussion="Councillors discussed it." if n % 5 else "",
            decision_type=["key", "non_key", ""][n % 3],
            decision_status=decision_statuses[n % 5] if n % 6 else "",
            lead_member="Cllr Lead Member, Cabinet Member for Education" if n % 2 else "",
            official_record_url="https://cms.example.gov.uk/decision/1" if n % 4 == 1 else "",
            status="published",
            published_at=at(557 - n * 45, hour=16),
        )
        decision.priorities.set([priorities[n % 6]] if n % 5 else [])
        for number in range(1, 1 + n % 4):
            DecisionPoint.objects.create(
                decision=decision,
                number=number,
                kind=point_kinds[(n + number) % 6],
                text=f"Point {number} of decision {n}.",
            )
        decisions.append(decision)
    decisions[0].change_notes.create(note="Added the link to the record.", created_at=at(10))
    renamed_decision = CabinetDecision.objects.create(
        title="Decision before the rename",
        slug="decision-before-the-rename",
        meeting_date=day(90),
        status="published",
        published_at=at(60),
    )
    renamed_decision.slug = "decision-after-the-rename"
    renamed_decision.save()
    CabinetDecision.objects.create(
        title="A deleted decision",
        meeting_date=day(100),
        status="published",
        published_at=at(70),
    ).delete()
    draft_decision = CabinetDecision.objects.create(
        title="A draft decision", meeting_date=day(-10), status="draft"
    )

    # Deliverables: every status, months and quarters, overdue and due next.
    statuses = ["on_track", "at_risk", "delayed", "complete", ""]
    deliverables = []
    for n in range(1, 10):
        deliverable = Deliverable.objects.create(
            priority=priorities[n % 6],
            title=f"Deliverable {n}: a guide for families",
            for_families=f"Families will notice change {n}.",
            lead_organisation=["Wiltshire Council", "BSW Integrated Care Board", "Schools"][n % 3],
            target_date=day(300 - n * 60),
            target_precision="quarter" if n % 3 == 0 else "month",
            starting_status="not_started",
            order=n,
            status="published",
            published_at=at(200 - n),
        )
        deliverables.append(deliverable)
        Milestone.objects.create(
            deliverable=deliverable,
            title="First step",
            due_on=day(330 - n * 10),
            completed_on=day(328 - n * 10) if n % 2 else None,
        )
        Milestone.objects.create(
            deliverable=deliverable, title="Second step", due_on=day(-30 - n * 7)
        )
        for u in range(n % 3 + 1):
            update = ProgressUpdate.objects.create(
                deliverable=deliverable,
                date=day(160 - n * 9 - u * 17),
                title=f"Update {u + 1} on deliverable {n}",
                body=f"What happened: step {u + 1}. An EHCP was mentioned.",
                new_status=statuses[(n + u) % 5],
                status="published",
                published_at=at(150 - n * 9 - u * 17),
            )
            if u == 0:
                EvidenceLink.objects.create(
                    update=update, title="Minutes of the board", url="https://www.example.org/m"
                )
    # A draft update (its status change is not public) and a scheduled one.
    ProgressUpdate.objects.create(
        deliverable=deliverables[0],
        date=day(2),
        title="Draft update",
        body="Not yet.",
        new_status="complete",
        status="draft",
    )
    ProgressUpdate.objects.create(
        deliverable=deliverables[1],
        date=day(-4),
        title="Scheduled update",
        body="Later.",
        new_status="complete",
        status="published",
        published_at=FROZEN_AT + timedelta(days=4),
    )
    draft_deliverable = Deliverable.objects.create(
        priority=priorities[0],
        title="A draft deliverable",
        for_families="Not yet.",
        lead_organisation="Wiltshire Council",
        target_date=day(-60),
        status="draft",
    )

    # You said, we did: enough for two pages.
    for n in range(1, 13):
        entry = YouSaidWeDid.objects.create(
            title=f"You said {n}: information after 16",
            you_said=f"Families said thing {n}.",
            heard_at="A co-production event with the Parent Carer Council",
            heard_on=day(400 - n * 30),
            we_did=f"We did thing {n}, with a [link](https://www.example.org/{n}).",
            status="published",
            published_at=at(100 - n * 5),
        )
        entry.priorities.set([priorities[n % 6]])
        if n % 3 == 0:
            entry.deliverables.set([deliverables[n % 9]])

    # Easy Read versions of a press release (the renamed one), a decision and the
    # accessibility statement, one point with a picture.
    statement = AccessibilityStatement.objects.filter().first()
    for page, title in (
        (renamed, "News: the renamed headline"),
        (decisions[0], "A decision about SEND"),
        (statement, "How easy this website is to use"),
    ):
        version = EasyReadVersion.objects.create(
            content_type=ContentType.objects.get_for_model(page),
            object_id=page.pk,
            title=title,
            intro="This page tells you about it.\nIt uses easy words.",
            status="published",
            published_at=at(5),
            checked_at=at(5),
        )
        for order in range(3):
            EasyReadPoint.objects.create(
                version=version, order=order, text=f"Point {order + 1}.\nOne idea a line."
            )
    with counted_tokens():
        point = EasyReadPoint(version=version, order=9, text="A point with a picture.")
        with_picture(
            point,
            ContentFile(photo_png(700, 500, 2), name="screen.png"),
            "easyread/%Y/",
            alt="A computer screen with large writing",
            shows_people=False,
        )

    # Contact details for other formats, a review date, help contacts.
    settings_row = SiteSettings.objects.filter().first() or SiteSettings()
    settings_row.formats_email = "send.strategy@example.gov.uk"
    settings_row.formats_phone = "0300 456 0100"
    settings_row.formats_postal_address = "County Hall\nBythesea Road\nTrowbridge\nBA14 8JN"
    settings_row.relay_note = "Call through Relay UK on 18001 then the number."
    settings_row.response_time = "within 10 working days"
    settings_row.save()
    statement.last_reviewed_on = day(45)
    statement.save()
    contact = HelpContact.objects.create(
        organisation="A service for one priority",
        helps_with="Only on the first priority's page.",
        website="https://www.example.org/help",
        phone="01632 960000",
        opening_hours="Monday to Friday",
        order=3,
    )
    contact.priorities.set([priorities[0]])
    HelpContact.objects.create(
        organisation="A hidden service",
        helps_with="Not shown.",
        website="https://x.example/",
        active=False,
    )
    HelpContact.objects.filter(is_council=True).update(email="help@example.gov.uk")

    # Preview links: usable for a draft press release, decision and deliverable;
    # expired and revoked ones answer 404. Tokens given, so addresses are stable.
    def preview(item, token, expires_at=FROZEN_AT + timedelta(days=7), **extra):
        PreviewLink.objects.create(
            content_type=ContentType.objects.get_for_model(item),
            object_id=item.pk,
            token=token,
            expires_at=expires_at,
            **extra,
        )
        return get(f"/preview/{token}/")

    return [
        preview(draft, "snapshot-press-release-preview-token"),
        preview(draft_decision, "snapshot-decision-preview-token"),
        preview(draft_deliverable, "snapshot-deliverable-preview-token"),
        preview(draft, "snapshot-revoked-preview-token", revoked_at=at(1)),  # 404
        preview(draft, "snapshot-expired-preview-token", expires_at=at(1)),  # 404
        get("/news/headline-before-the-rename/"),  # 301
        get("/news/headline-before-the-rename/easy-read/"),  # 301
        get("/decisions/decision-before-the-rename/"),  # 301
        get("/news/a-withdrawn-press-release/"),  # 410
        get("/news/a-deleted-press-release/"),  # 410
        get("/decisions/a-deleted-decision/"),  # 410
        get("/news/a-draft-press-release-for-sign-off/"),  # 404 to the public
        get("/news/a-scheduled-press-release/"),  # 404 until its moment
        get("/progress/a-draft-deliverable/"),  # 404
        get("/social-cards/news/a-draft-press-release-for-sign-off.png"),  # 404
    ]


# --- snapshot -----------------------------------------------------------------------


def git_commit():
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def file_name(key):
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", key).strip("_")[:90]
    return f"{readable}--{hashlib.sha1(key.encode()).hexdigest()[:10]}.txt"


def prepare_outdir(outdir):
    if os.path.exists(outdir):
        meta = os.path.join(outdir, "meta.json")
        if os.path.isfile(meta):
            with open(meta) as file:
                if json.load(file).get("tool") == TOOL:
                    shutil.rmtree(outdir)  # an older snapshot: replaced
        elif os.listdir(outdir):
            raise SystemExit(f"{outdir} exists and is not an earlier snapshot: not touching it")
    os.makedirs(outdir, exist_ok=True)


def snapshot(outdir):
    if not (os.path.isfile("manage.py") and os.path.isfile("strategy_site/settings.py")):
        raise SystemExit("Run this from the root of a checkout (where manage.py is).")
    if "PYTHONHASHSEED" not in os.environ:
        # Set iteration order (and so anything built from a set) the same in every run.
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    outdir = os.path.abspath(outdir)
    checkout = os.getcwd()
    workdir = tempfile.mkdtemp(prefix="page_snapshot_", dir="/tmp")
    try:
        prepare_environment(workdir)
        sys.path.insert(0, checkout)
        import time_machine

        traveller = time_machine.travel(FROZEN_AT, tick=False)
        traveller.start()
        try:
            pages, counts, errors = take(workdir)
        finally:
            traveller.stop()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    prepare_outdir(outdir)
    index = {}
    for key in sorted(pages):
        phase = key.split(" ", 1)[0]
        name = f"{phase}/{file_name(key)}"
        index[key] = name
        path = os.path.join(outdir, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as file:
            file.write(pages[key])
    with open(os.path.join(outdir, "index.json"), "w") as file:
        json.dump(index, file, indent=1, ensure_ascii=False, sort_keys=True)
        file.write("\n")
    import django

    meta = {
        "tool": TOOL,
        "format": FORMAT_VERSION,
        "checkout": checkout,
        "commit": git_commit(),
        "frozen_at": FROZEN_AT.isoformat(),
        "django": django.get_version(),
        "python": sys.version.split()[0],
        "requests_per_phase": counts,
        "server_errors": errors,
        "taken_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with open(os.path.join(outdir, "meta.json"), "w") as file:
        json.dump(meta, file, indent=1)
        file.write("\n")
    print_summary(pages, outdir)
    if errors:
        print(f"WARNING: {len(errors)} server errors (500), see above: {errors}", file=sys.stderr)
        return 2
    return 0


def take(workdir):
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    with contextlib.redirect_stdout(io.StringIO()):  # loaddata's "Installed 89 object(s)"
        call_command("load_content")

    site = Site()
    # Django logs every 404 and 410 as a warning: not news here. (After Site(): the
    # WSGI application's setup configures logging again.)
    logging.getLogger("django.request").setLevel(logging.ERROR)
    logging.getLogger("django.security").setLevel(logging.ERROR)
    Priority = model("Priority")
    slugs = list(Priority.objects.order_by("number").values_list("slug", flat=True))
    pages, counts = {}, {}

    real, extended = PHASES
    print(f"{real}: the real content (load_content)", file=sys.stderr)
    counts[real] = crawl(site, seed_requests(slugs), real, pages)

    print(f"{extended}: adding content", file=sys.stderr)
    extra = add_content()
    requests = seed_requests(slugs) + extra + feedback_requests()
    counts[extended] = crawl(site, requests, extended, pages)
    return pages, counts, site.errors


def print_summary(pages, outdir):
    by_type = {}
    statuses = {}
    for key, text in pages.items():
        phase, request_key = key.split(" ", 1)
        for name, pattern in PAGE_TYPES:
            if re.search(pattern, request_key):
                by_type.setdefault(name, {}).setdefault(phase, 0)
                by_type[name][phase] += 1
                break
        status = text.split("\n", 2)[1].split(": ", 1)[1]
        statuses[status] = statuses.get(status, 0) + 1
    print(f"{len(pages)} addresses written to {outdir}")
    print("statuses: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    for name, _ in PAGE_TYPES:
        if name in by_type:
            per_phase = ", ".join(f"{p}: {n}" for p, n in sorted(by_type[name].items()))
            print(f"  {name}: {per_phase}")


# --- compare ------------------------------------------------------------------------


def load_index(directory):
    path = os.path.join(directory, "index.json")
    if not os.path.isfile(path):
        raise SystemExit(f"{directory} is not a snapshot (no index.json)")
    with open(path, encoding="utf-8") as file:
        return json.load(file)


def read(directory, name):
    with open(os.path.join(directory, name), encoding="utf-8", newline="") as file:
        return file.read()


def describe(directory):
    try:
        with open(os.path.join(directory, "meta.json")) as file:
            meta = json.load(file)
    except (OSError, ValueError):
        return f"{directory}: no meta.json"
    return (
        f"{directory}: {meta.get('checkout')} at {meta.get('commit', '?')[:12]}, "
        f"taken {meta.get('taken_at')}, clock frozen at {meta.get('frozen_at')}"
    )


def compare(dir_a, dir_b):
    index_a, index_b = load_index(dir_a), load_index(dir_b)
    print(f"A = {describe(dir_a)}")
    print(f"B = {describe(dir_b)}")
    keys = sorted(set(index_a) | set(index_b))
    identical = differ = missing = 0
    for key in keys:
        if key not in index_a or key not in index_b:
            where = dir_a if key not in index_a else dir_b
            print(f"MISSING    {key}  (not in {where})")
            missing += 1
            differ += 1
            continue
        text_a, text_b = read(dir_a, index_a[key]), read(dir_b, index_b[key])
        if text_a == text_b:
            print(f"identical  {key}")
            identical += 1
            continue
        differ += 1
        print(f"DIFFERS    {key}")
        sys.stdout.writelines(
            difflib.unified_diff(
                text_a.splitlines(keepends=True),
                text_b.splitlines(keepends=True),
                fromfile=os.path.join(dir_a, index_a[key]),
                tofile=os.path.join(dir_b, index_b[key]),
                n=3,
            )
        )
        print()
    if missing:
        print(f"({missing} of them found in one snapshot only)")
    print(f"{len(keys)} pages compared, {identical} identical, {differ} differ")
    return 1 if differ else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    take_parser = commands.add_parser("snapshot", help="snapshot every public page into OUTDIR")
    take_parser.add_argument("outdir")
    compare_parser = commands.add_parser("compare", help="compare two snapshots")
    compare_parser.add_argument("dir_a")
    compare_parser.add_argument("dir_b")
    args = parser.parse_args()
    if args.command == "snapshot":
        return snapshot(args.outdir)
    return compare(args.dir_a, args.dir_b)


if __name__ == "__main__":
    sys.exit(main())
