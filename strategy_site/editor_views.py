"""
django-markdownx's upload and preview views, for signed-in staff only.

The package's own views check no permissions: anyone could render Markdown
on our server or write files to our media folder. Here anonymous and
non-staff requests get 403 and nothing is written.
"""

import posixpath
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.http import require_POST
from markdownx.settings import MARKDOWNX_IMAGE_MAX_SIZE, MARKDOWNX_MEDIA_PATH

from strategy_site import images
from strategy_site.markdown import render_markdown


def staff_only(view):
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


@staff_only
@require_POST
def markdown_preview(request):
    """The admin's live preview: the same renderer as the public pages."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Nothing to preview.")
    return HttpResponse(render_markdown(request.POST["content"]))


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
