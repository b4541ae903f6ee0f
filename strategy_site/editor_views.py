"""
django-markdownx's upload and preview views, for signed-in staff only.

The package's own views check no permissions: anyone could render Markdown
on our server or write files to our media folder. Here anonymous and
non-staff requests get 403 and nothing is written.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_POST
from markdownx.views import ImageUploadView

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


image_upload = staff_only(require_POST(ImageUploadView.as_view()))
