"""
Uploaded images: the admin's upload endpoint (staff only) and serving them to the public.

django-markdownx's own upload view checks no permissions: anyone could write files
to our media folder. Here anonymous and non-staff requests get 403 and nothing is
written.
"""

import posixpath
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.utils.http import http_date
from django.views.decorators.http import require_POST, require_safe
from markdownx.settings import MARKDOWNX_IMAGE_MAX_SIZE, MARKDOWNX_MEDIA_PATH

from images import models as images


def staff_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
@require_POST
def image_upload(request):
    """An image dropped into a Markdown field: the admin's photo checks and cleaning.

    markdownx's script inserts `image_code` at the cursor. A refusal answers 400
    with the errors keyed by field, as markdownx's own view does.
    """
    upload = request.FILES.get("image")
    try:
        if upload is None:
            raise ValidationError("Choose an image to upload.")
        clean = images.clean_copy(upload, max_size=MARKDOWNX_IMAGE_MAX_SIZE.get("size"))
    except ValidationError as error:
        return JsonResponse({"image": error.messages}, status=400)
    name = default_storage.save(posixpath.join(MARKDOWNX_MEDIA_PATH, clean.name), clean)
    return JsonResponse({"image_code": f"![]({default_storage.url(name)})"})


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
