"""The share pack's public addresses: short links, their QR codes and the handouts.

Every one of them starts from a code typed or scanned by anyone: a code that cannot be
one (sharing.shortlinks.normalise) is 404 before any query, one that names no link is
404, and a link whose page is no longer public is 410 Gone with the friendly page.
"""

from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from sharing import handouts, qr, shortlinks

ONE_YEAR = 365 * 24 * 60 * 60


def found_or_gone(request, code):
    """(the link, where it leads now) or an answer: 404 for no such link, 410 for a
    page that is no longer public."""
    link = shortlinks.find(code)
    if link is None:
        raise Http404("No such short link")
    found = shortlinks.target(link)
    if found is None:
        return link, render(request, "410.html", status=410)
    return link, found


@require_safe
def follow(request, code):
    """/s/<code> (and /s/<code>/qr, from the QR code): to the page's current address.

    Counted before it gets here, by shortlinks.CountFollows in front of the page cache;
    so the page cache may keep this answer (marked `public`) like any page, and it is
    retired with every page when anything changes (a rename, a withdrawal). Browsers
    and nginx are told to ask again each time (max-age=0), so each follow reaches the
    site and is counted.
    """
    _, found = found_or_gone(request, code)
    if isinstance(found, HttpResponse):
        return found
    response = HttpResponseRedirect(found.address)
    patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
    return response


def pack_of(link):
    return shortlinks.SharePack(link.code)


@require_safe
def qr_image(request, code, extension):
    """The link's QR code, SVG or PNG, the short address beneath: never changes."""
    link = shortlinks.find(code)
    if link is None:
        raise Http404("No such short link")
    pack = pack_of(link)
    content_type = {"svg": "image/svg+xml", "png": "image/png"}[extension]
    response = HttpResponse(
        qr.image(link.code, pack.qr_url, pack.words, extension), content_type=content_type
    )
    response["Content-Disposition"] = f'inline; filename="qr-code-{link.code}.{extension}"'
    patch_cache_control(response, public=True, max_age=ONE_YEAR, immutable=True)
    return response


def handout_of(request, code):
    """(the pack, where it leads) of a page with a handout, or an answer (404, 410)."""
    link, found = found_or_gone(request, code)
    if isinstance(found, HttpResponse):
        return None, found
    if found.kind is None or not found.kind.handout:
        raise Http404("This page has no handout")
    kind, item = found.kind, found.item
    pack = shortlinks.SharePack(link.code, kind.title(item), kind.share_line(item), handout=True)
    return pack, found


@require_safe
def handout(request, code, size="a4"):
    """The handout as a page, to print from the browser."""
    pack, found = handout_of(request, code)
    if pack is None:
        return found
    return render(
        request,
        "sharing/handout.html",
        {**handouts.context(pack, found, size), "item_address": found.address},
    )


@require_safe
def handout_pdf(request, code, size="a4"):
    """The handout as a PDF to download."""
    pack, found = handout_of(request, code)
    if pack is None:
        return found
    response = HttpResponse(handouts.pdf(pack, found, size), content_type="application/pdf")
    name = getattr(found.item, "slug", "") or pack.code  # slugs are safe in a file name
    response["Content-Disposition"] = f'attachment; filename="{name}-handout-{size}.pdf"'
    return response
