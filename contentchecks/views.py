"""The live preview's findings: staff only, like the preview itself."""

from django.http import HttpResponseBadRequest
from django.shortcuts import render
from django.views.decorators.http import require_POST

from contentchecks.checks import check
from images.views import staff_only


@staff_only
@require_POST
def check_text(request):
    """The findings about one Markdown text, as the HTML the change form shows beside
    the text's preview (its script asks as the editor types)."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Nothing to check.")
    report = check(request.POST["content"], user=request.user)
    return render(request, "admin/contentchecks/findings.html", {"report": report})
