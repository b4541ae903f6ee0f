"""Public views of the publishing machinery: detail pages with lasting links, preview
links for sign-off, and the admin's live Markdown preview (staff only)."""

import re

from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import resolve
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_POST, require_safe

from images.views import staff_only
from publishing import prepared
from publishing.markdown import render_markdown
from publishing.models import PreviewLink, SlugRecord


def moved_permanently(request, url):
    """301 to an item's current address, keeping the query string the old link carried
    (a newsletter's ?utm_source=..., say), as a moved page should."""
    query = request.GET.urlencode()  # parsed and encoded again: nothing odd gets through
    return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)


class PublishedDetailMixin:
    """Detail pages of publishable items, with links that keep working.

    - The public sees published items; staff can also open a draft or a
      scheduled item at its real address, with a clear banner, never cached.
    - An address the item had before a rename answers 301 to its current one, with
      the same query string.
    - The address of an item that was public and is now unpublished or
      deleted answers 410 Gone with a friendly page, not a bare 404.
    """

    def get_queryset(self):
        manager = self.model._default_manager
        queryset = manager.all() if self.request.user.is_staff else manager.published()
        return queryset.prefetch_related("change_notes")

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            return self.moved_or_gone(kwargs["slug"])

    def moved_or_gone(self, slug):
        record = SlugRecord.objects.for_model(self.model).filter(slug=slug).first()
        if record is None:
            raise Http404("No such page")
        item = self.model._default_manager.published().filter(pk=record.object_id).first()
        if item is not None:
            return moved_permanently(self.request, item.get_absolute_url())
        return render(self.request, "410.html", status=410)

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        if not self.object.is_published:
            add_never_cache_headers(response)
        return response


PREVIEW_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@require_safe  # GET and HEAD, like the public page it shows; anything else is 405
def preview(request, token):
    """An unpublished item, shown exactly as its public page will look, to whoever
    holds an unexpired, unrevoked preview link (no account needed). A live item with
    changes prepared to it is shown with them (publishing/prepared.py)."""
    # Tokens are URL-safe base64. Anything else (a NUL byte, say, which PostgreSQL
    # refuses in a query) cannot be one, so it is not looked up.
    if not PREVIEW_TOKEN.fullmatch(token):
        raise Http404("No such page")
    link = get_object_or_404(
        PreviewLink.objects.usable().select_related("content_type"), token=token
    )
    item = link.item
    if item is None:  # deleted since the link was made
        raise Http404("No such page")

    # Render with the item's own public view, so the preview cannot drift from the page.
    change = prepared.open_for(item)
    if change is not None:
        with prepared.in_place(change):
            request.prepared_change = change
            response = render_with_view(request, type(item)._default_manager.get(pk=item.pk), link)
    else:
        response = render_with_view(request, item, link)
    add_never_cache_headers(response)
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    # The token is the key: never send it to another site in a Referer header.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def render_with_view(request, item, link):
    match = resolve(item.get_absolute_url())
    view = match.func.view_class()
    view.setup(request, *match.args, **match.kwargs)
    view.object = item
    response = view.render_to_response(view.get_context_data(object=item, preview_link=link))
    return response.render()  # now: the prepared changes may be in place only meanwhile


@staff_only
@require_POST
def markdown_preview(request):
    """The admin's live preview: the same renderer as the public pages."""
    if "content" not in request.POST:
        return HttpResponseBadRequest("Nothing to preview.")
    return HttpResponse(render_markdown(request.POST["content"]))
