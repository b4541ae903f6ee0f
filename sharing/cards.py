"""
Link-preview images ("social cards") for pages that have no photo of their own.

When a councillor shares a page in WhatsApp, Facebook, X or LinkedIn, the preview
shows the page's `og:image`. A page with no photo gets a card drawn here with
Pillow: 1200 × 630 (the size those sites ask for), the council's colour, the
site's name and the page's title, wrapped and shrunk to fit.

Each card has a stable address, /social-cards/<kind>/<slug>.png, and a version:
a hash of everything drawn on it. Pages link to the address with `?v=<version>`,
so a renamed page links to a new image while the old one may stay cached for a
year. The PNG is drawn once per version and kept in the media storage as
social-cards/<kind>/<slug>.<version>.png, so it is drawn again only when the title
changes, never per request. The address always shows the current version, whatever
`?v=` asks for (an old `?v=` only gets a shorter cache life), so a stored PNG of an
old version is never read again: `manage.py prune_social_cards` deletes those, and
at once those of an item that is gone, whose name in storage says whose card it was.

The font is DejaVu Sans, shipped in static/fonts/ with its licence, so cards look
the same on every machine whatever fonts the server has.
"""

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from publishing import content
from publishing.queries import own_query

# Change when the drawing changes, so every card is drawn again in the new design.
CARD_VERSION = 1

WIDTH, HEIGHT = 1200, 630
# The council's colour ($app-brand-colour in static/src/scss/main.scss). White on it
# is 7.2:1, well above the 4.5:1 WCAG AA asks for text of any size.
BRAND = (0x00, 0x62, 0x5E)
WHITE = (0xFF, 0xFF, 0xFF)
# A light tint of the brand colour for the band along the foot (decoration only).
TINT = (0xB2, 0xCF, 0xCE)

FONT_DIR = settings.BASE_DIR / "static" / "fonts"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
REGULAR = FONT_DIR / "DejaVuSans.ttf"

MARGIN = 80
TITLE_TOP, TITLE_BOTTOM = 196, 500
TITLE_SIZES = range(76, 39, -4)  # the largest size at which the whole title fits
LINE_HEIGHT = 1.2

STORAGE_FOLDER = "social-cards"
ONE_YEAR = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class Card:
    """What a card shows, and where it lives."""

    kind: str  # "page", or a registered kind of content: "priority", "news"...
    slug: str
    title: str
    label: str  # a line under the title: "Press release, 18 September 2024"
    public: bool = True  # a draft's card is drawn for staff but never stored or cached

    @property
    def version(self):
        """Everything drawn on the card, hashed: a new title is a new version."""
        drawn = [CARD_VERSION, settings.ORGANISATION_NAME, settings.SITE_NAME]
        text = json.dumps([*drawn, self.title, self.label], ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()[:20]

    @property
    def path(self):
        address = reverse("social-card", kwargs={"kind": self.kind, "slug": self.slug})
        return f"{address}?v={self.version}"

    @property
    def alt(self):
        return f"{self.title}. {self.label}. {settings.SITE_NAME}, {settings.ORGANISATION_NAME}."

    @property
    def storage_name(self):
        # Kind and slug in the name, so pruning can tell a deleted item's card at once.
        # "." never occurs in a slug, so the name splits back unambiguously.
        return f"{STORAGE_FOLDER}/{self.kind}/{self.slug}.{self.version}.png"


# Which card a page has ---------------------------------------------------------------
# The kinds of content with a card, and the pages with one, are those registered with
# the content protocol (publishing/content.py): `has_card` kinds and `register_page`.


def page_names():
    """The names of the pages with a card of their own, in registration order."""
    return [page.name for page in content.pages()]


def card_kinds():
    """The kinds in /social-cards/<kind>/...: "page", then every kind with a card."""
    return ["page", *(kind.kind for kind in content.kinds() if kind.has_card)]


def page_card(name, context=None):
    """The card of a page that is not one item ("home", "news"...): from the page's
    template context when it is being rendered, else from the database."""
    page = content.page(name)
    if page is None:
        raise ValueError(f"No card for the page {name!r}")
    text = page.text(context)
    return Card("page", name, text.title, text.label)


def item_card(item):
    """The card of an item of a kind with a card."""
    kind = content.of(item)
    if kind is None or not kind.has_card:
        raise ValueError(f"No card for {item!r}")
    text = kind.card_text(item)
    return Card(kind.kind, item.slug, text.title, text.label, kind.is_public(item))


def find_card(kind, slug, *, staff=False):
    """The card at /social-cards/<kind>/<slug>.png, or None. Only staff see drafts' cards."""
    if kind == "page":
        return page_card(slug) if slug in page_names() else None
    registered = content.by_kind(kind)
    if registered is None or not registered.has_card:
        return None
    items = registered.model._default_manager.all() if staff else registered.published()
    item = items.filter(slug=slug).first()
    return item_card(item) if item is not None else None


def public_cards():
    """Every card the public can be shown now, at its current version: the ones worth
    keeping in storage. Drafts' and scheduled items' cards are never stored, so they
    are not here, and neither is the card a withdrawn item had while it was public."""
    for name in page_names():
        yield find_card("page", name)
    for kind in content.kinds():
        if kind.has_card:
            yield from (item_card(item) for item in kind.published().iterator())


# Drawing -------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def font(path, size):
    return ImageFont.truetype(str(path), size)


def wrap(text, face, width):
    """`text` in lines no wider than `width`; a word too long for a line is broken."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if face.getlength(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while face.getlength(word) > width:  # a very long word: break it where it must
            fits = [i for i in range(1, len(word)) if face.getlength(word[:i]) <= width]
            cut = max(fits, default=1)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return lines


def fit_title(title, width, height):
    """The largest font size at which the title fits the box, and its lines.

    A title too long even at the smallest size is cut short with an ellipsis.
    """
    for size in TITLE_SIZES:
        face = font(BOLD, size)
        lines = wrap(title, face, width)
        if len(lines) * round(size * LINE_HEIGHT) <= height:
            return face, size, lines
    most = height // round(size * LINE_HEIGHT)
    kept = lines[:most]
    last = kept[-1]
    while last and face.getlength(f"{last}…") > width:
        last = last[:-1].rstrip()
    kept[-1] = f"{last.rstrip(' ,;:-')}…"
    return face, size, kept


def draw_mark(draw, x, y, size):
    """The site's mark, as in the header: a rounded square with an M cut out of it."""
    scale = size / 32
    draw.rounded_rectangle((x, y, x + size, y + size), radius=6 * scale, fill=WHITE)
    points = [(9, 23), (9, 9), (16, 17), (23, 9), (23, 23)]
    points = [(x + px * scale, y + py * scale) for px, py in points]
    stroke = round(3.5 * scale)
    draw.line(points, fill=BRAND, width=stroke, joint="curve")
    for px, py in (points[0], points[-1]):  # round ends, as the SVG's stroke-linecap
        r = stroke / 2
        draw.ellipse((px - r, py - r, px + r, py + r), fill=BRAND)


def draw_card(card):
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BRAND)
    draw = ImageDraw.Draw(image)

    mark = 72
    draw_mark(draw, MARGIN, 64, mark)
    names_x = MARGIN + mark + 24
    draw.text((names_x, 64), settings.ORGANISATION_NAME, font=font(BOLD, 26), fill=WHITE)
    draw.text((names_x, 98), settings.SITE_NAME, font=font(BOLD, 38), fill=WHITE)

    box_width = WIDTH - 2 * MARGIN
    face, size, lines = fit_title(card.title, box_width, TITLE_BOTTOM - TITLE_TOP)
    y = TITLE_TOP
    for line in lines:
        draw.text((MARGIN, y), line, font=face, fill=WHITE)
        y += round(size * LINE_HEIGHT)

    draw.rectangle((MARGIN, 528, MARGIN + 96, 533), fill=WHITE)
    label_face = font(REGULAR, 30)
    label = card.label
    while label_face.getlength(label) > box_width:
        label = label[:-2] + "…"
    draw.text((MARGIN, 552), label, font=label_face, fill=WHITE)
    draw.rectangle((0, HEIGHT - 16, WIDTH, HEIGHT), fill=TINT)

    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def card_png(card):
    """The card's PNG: from storage if this version was drawn before, else drawn and kept."""
    if not card.public:
        return draw_card(card)
    name = card.storage_name
    if default_storage.exists(name):
        with default_storage.open(name) as stored:
            return stored.read()
    png = draw_card(card)
    saved = default_storage.save(name, ContentFile(png))
    if saved != name:  # drawn at the same moment by another request: keep one copy
        default_storage.delete(saved)
    return png


# Serving -------------------------------------------------------------------------------


@require_safe
def social_card(request, kind, slug):
    """/social-cards/<kind>/<slug>.png: a page's link-preview image."""
    card = find_card(kind, slug, staff=request.user.is_staff)
    if card is None:
        raise Http404("No such card")
    response = HttpResponse(card_png(card), content_type="image/png")
    own_query(request, v=card.version)  # any other ?v= is answered, and kept by no cache
    if not card.public:
        add_never_cache_headers(response)
    elif request.GET.get("v") == card.version:
        # This address only ever shows this picture: cache it for a year.
        patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
    else:
        # The unversioned address follows renames: cache it briefly.
        patch_cache_control(response, public=True, max_age=60 * 60)
    # Made to be shown by other sites' link previews, unlike the rest of our files.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
