"""
QR codes of short links, for paper: a noticeboard, a newsletter, a handout.

Drawn with segno (a kept, pure-Python QR library) from the short address with /qr
after it, so a scan is counted apart from a click (sharing/shortlinks.py):

- error correction level H, the highest: a code read back with up to 30% of it
  smudged, folded or covered by a drawing pin;
- a quiet zone of four modules all round, as the standard asks, in white even on a
  transparent page, and black modules only: it prints in black and white;
- the short address beneath in words (DejaVu Sans, shipped in static/fonts/), for
  anyone who cannot scan: it is what they type.

A code's image depends only on its short address, which never changes, so each is
drawn once, kept in the media storage under a name made of what is drawn
(qr-codes/<code>.<version>.svg), and served with a year's caching.
"""

import hashlib
from functools import lru_cache
from html import escape
from io import BytesIO

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

# Change when the drawing changes, so every code is drawn again.
QR_VERSION = 1
BORDER = 4  # modules of quiet zone
PNG_MODULE = 16  # pixels per module in the PNG: about 3 cm across at 300 dots an inch
CAPTION_MODULES = 5  # the band under the code for the address, in modules
STORAGE_FOLDER = "qr-codes"
FONT = settings.BASE_DIR / "static" / "fonts" / "DejaVuSans-Bold.ttf"


def make(data):
    return segno.make(data, error="h", micro=False, boost_error=False)


def runs(qrcode):
    """(x, y, length) of each horizontal run of dark modules, quiet zone included."""
    for y, row in enumerate(qrcode.matrix_iter(scale=1, border=BORDER)):
        x = 0
        row = list(row)
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                yield start, y, x - start
            else:
                x += 1


@lru_cache(maxsize=16)
def font(size):
    return ImageFont.truetype(str(FONT), size)


def caption_size(words, width, height):
    """The largest font size, in pixels, at which `words` fit `width` and `height`."""
    size = int(height * 0.6)
    while size > 6 and font(size).getlength(words) > width:
        size -= 1
    return size


@lru_cache(maxsize=256)
def shown_size(data, module=4):
    """(width, height) in CSS pixels of the SVG shown on a page, `module` a module."""
    side = make(data).symbol_size(scale=1, border=BORDER)[0]
    return side * module, (side + CAPTION_MODULES) * module


def storage_name(code, data, words, extension):
    version = hashlib.sha256(f"{QR_VERSION} {data} {words}".encode()).hexdigest()[:12]
    return f"{STORAGE_FOLDER}/{code}.{version}.{extension}"


def draw_svg(data, words):
    """The code as SVG: one path of black modules on white, the address beneath."""
    qrcode = make(data)
    side = qrcode.symbol_size(scale=1, border=BORDER)[0]
    height = side + CAPTION_MODULES
    path = "".join(f"M{x} {y}h{n}v1h-{n}z" for x, y, n in runs(qrcode))
    # Sized in modules; the font size fits the words into the code's width (measured
    # with the PNG's font, at 10 pixels a module, so the two look alike).
    size = caption_size(words, (side - 2) * 10, CAPTION_MODULES * 10) / 10
    label = escape(f"QR code for {words}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {height}" '
        f'width="{side * 8}" height="{height * 8}" role="img" aria-label="{label}">'
        f"<title>{label}</title>"
        f'<rect width="{side}" height="{height}" fill="#fff"/>'
        f'<path fill="#000" shape-rendering="crispEdges" d="{path}"/>'
        f'<text x="{side / 2}" y="{side + CAPTION_MODULES * 0.45}" text-anchor="middle" '
        f'font-family="DejaVu Sans, Verdana, Arial, sans-serif" font-weight="bold" '
        f'font-size="{size:.2f}" fill="#000">{escape(words)}</text>'
        "</svg>"
    ).encode()


def draw_png(data, words):
    """The code as a black and white PNG, the address beneath."""
    qrcode = make(data)
    side = qrcode.symbol_size(scale=1, border=BORDER)[0]
    modules = Image.new("1", (side, side), 1)
    modules.putdata([0 if dark else 1 for row in qrcode.matrix_iter(border=BORDER) for dark in row])
    image = Image.new("L", (side * PNG_MODULE, (side + CAPTION_MODULES) * PNG_MODULE), 255)
    image.paste(modules.resize((side * PNG_MODULE,) * 2, Image.Resampling.NEAREST), (0, 0))
    draw = ImageDraw.Draw(image)
    width, band = (side - 2) * PNG_MODULE, CAPTION_MODULES * PNG_MODULE
    face = font(caption_size(words, width, band))
    draw.text(
        (image.width / 2, side * PNG_MODULE + band * 0.45), words, font=face, fill=0, anchor="mm"
    )
    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True, dpi=(300, 300))
    return buffer.getvalue()


DRAW = {"svg": draw_svg, "png": draw_png}


def image(code, data, words, extension):
    """The image of the short link `code`, holding `data` with `words` beneath: from
    storage if drawn before, else drawn and kept."""
    name = storage_name(code, data, words, extension)
    if default_storage.exists(name):
        with default_storage.open(name) as stored:
            return stored.read()
    drawn = DRAW[extension](data, words)
    saved = default_storage.save(name, ContentFile(drawn))
    if saved != name:  # drawn at the same moment by another request: keep one copy
        default_storage.delete(saved)
    return drawn
