"""
Two small views for the site's defences: uploaded images, and the admin lockout page.
"""

from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.http import FileResponse, Http404
from django.template.response import TemplateResponse
from django.utils.http import http_date
from django.views.decorators.http import require_safe

# Uploads are re-encoded to these formats; nothing else is ever served from /media/.
# The type comes from this table, never from guessing, and browsers may not sniff it.
MEDIA_TYPES = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
}
# An image opened on its own gets nothing else: no scripts, styles, forms or plugins,
# and `sandbox` gives it an opaque origin, so even a file that is not really an
# image (and so could not be rendered as one) could never act as our site.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'none'; sandbox"


@require_safe
def serve_media(request, path):
    """An uploaded image from MEDIA_ROOT, in development and production alike.

    404 for anything else: other extensions (SVG and HTML included), folders,
    hidden files, and any path that leads outside MEDIA_ROOT (`..`, symlinks).
    """
    # Every part a plain name: no "", ".", ".." or hidden file, no trailing slash.
    if "\x00" in path or any(part[:1] in ("", ".") for part in path.split("/")):
        raise Http404("No such image")
    suffix = Path(path).suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise Http404("No such image")
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        file = (root / path).resolve(strict=True)
    except (OSError, RuntimeError):
        raise Http404("No such image") from None
    if not file.is_relative_to(root) or not file.is_file():
        raise Http404("No such image")

    response = FileResponse(file.open("rb"), content_type=MEDIA_TYPES[suffix])
    response["Last-Modified"] = http_date(file.stat().st_mtime)
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    # Names are random and never reused, but a removed photo should not linger for long.
    response["Cache-Control"] = "public, max-age=3600"
    return response


def cool_off_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def admin_lockout(request, original_response=None, credentials=None):
    """What the admin login says once django-axes has locked a username at an address.

    settings.AXES_LOCKOUT_CALLABLE. 429 Too Many Requests, on the admin's own
    layout, saying why and what to do, rather than a bare line of text.
    """
    context = {
        **admin.site.each_context(request),
        "title": "Account locked",
        "cool_off_minutes": cool_off_minutes(),
        "failure_limit": settings.AXES_FAILURE_LIMIT,
    }
    return TemplateResponse(request, "axes/lockout.html", context, status=429).render()
