"""
One-page handouts: a priority, a press release or a decision on one sheet of A4 or A5,
to print and hand over at a surgery, pin to a school noticeboard or slip into a
parish magazine. Each kind with `handout` in the content protocol has one.

The sheet (templates/sharing/handout_sheet.html, styled by static/css/handout.css) says
who it is from (the council and the site), what it is, its title, a few plain-English
sentences (`handout_text`), the QR code and the short address to type, and the date it
was printed. Black on white, so it photocopies.

It is served twice from the same template:
- as a page (/share/<code>/handout/, and .../a5/), to print from the browser: its
  print stylesheet keeps the sheet and drops the site's header and footer;
- as a PDF (/share/<code>/handout.pdf, and handout-a5.pdf), drawn on the server by
  WeasyPrint. WeasyPrint writes PDF/UA-1: a tagged PDF whose structure follows the
  HTML (the heading is an H1, the paragraphs P, the QR code a Figure with its alt
  text), with the document's title, author and language (en-GB) set, and real text
  that can be selected, searched and read aloud. Its fonts are DejaVu Sans, from
  static/fonts/, embedded, so it looks the same wherever it is opened.

WeasyPrint fetches nothing from the network: its URL fetcher (`local_only`) reads the
site's own static files and data: URLs only, so no address typed by an editor is ever
requested by the server.
"""

import base64
from pathlib import Path
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from sharing import qr

STATIC = (settings.BASE_DIR / "static").resolve()
SIZES = {"a4": "A4", "a5": "A5"}
# The most words of text that leave room on the page for the rest, at the type sizes of
# static/css/handout-a4.css and handout-a5.css, under a title of two lines; a longer
# text ends "…", and the QR code leads to the whole of it. The PDF is sure to be one
# page: it is drawn again with fewer words while it is not.
WORDS = {"a4": 240, "a5": 130}


def local_only():
    """WeasyPrint's URL fetcher, made to fetch data: URLs and the site's own static
    files, and to refuse anything else (made on the first PDF, with WeasyPrint)."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("file:"):
                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if path.is_relative_to(STATIC) and path.is_file():
                    return super().fetch(url, headers)
            elif url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"Handouts load nothing from {url[:80]!r}")

    return LocalOnly(allowed_protocols=("file", "data"), allow_redirects=False)


def context(pack, found, size, words=None):
    """What the sheet shows, for the page and the PDF alike."""
    kind, item = found.kind, found.item
    return {
        "pack": pack,
        "size": size,
        "paper": SIZES[size],
        "title": kind.title(item),
        "label": kind.card_text(item).label if kind.has_card else kind.label,
        # Safe HTML (rendered Markdown), cut between words with its tags closed.
        "text": mark_safe(
            Truncator(kind.handout_text(item)).words(words or WORDS[size], html=True)
        ),
        "qr_size": pack.qr_size,
        "page_url": f"{settings.SITE_URL}{found.address}",
        "today": timezone.localdate(),
        "organisation_name": settings.ORGANISATION_NAME,
        "site_name": settings.SITE_NAME,
    }


def qr_data_url(pack):
    svg = qr.image(pack.code, pack.qr_url, pack.words, "svg")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode()


def pdf(pack, found, size):
    """The handout as PDF bytes (PDF/UA-1: tagged, titled, in en-GB), on one page."""
    # Loaded on the first PDF, not with the site: it needs Pango (deploy/README.md).
    from weasyprint import CSS, HTML

    fetcher = local_only()
    stylesheets = [
        CSS(filename=str(STATIC / "css" / name), url_fetcher=fetcher)
        for name in ("handout.css", f"handout-{size}.css", "handout-pdf.css")
    ]
    qr_src = qr_data_url(pack)
    words = WORDS[size]
    while True:
        html = render_to_string(
            "sharing/handout_pdf.html",
            {**context(pack, found, size, words), "qr_src": qr_src},
        )
        document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=stylesheets, pdf_variant="pdf/ua-1"
        )
        if len(document.pages) == 1 or words <= 10:
            return document.write_pdf(pdf_variant="pdf/ua-1")
        words = words * 2 // 3
