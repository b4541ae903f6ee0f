import json

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.urls import path

# Each measured page's template, title and Content-Type (the page's own, as the site
# sent it), read once at start-up like the floor's bytes.
REFERENCES = json.loads((settings.REFERENCE_DIR / "pages.json").read_text())


def page(request, key):
    reference = REFERENCES.get(key)
    if reference is None:
        raise Http404("Not a reference page")
    return render(
        request,
        reference["template"],
        {"title": reference["title"]},
        content_type=reference["content_type"],
    )


urlpatterns = [path("ref/<slug:key>", page)]
