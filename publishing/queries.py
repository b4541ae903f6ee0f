"""
Which answers to a query string may be kept for everyone.

Anyone can invent query strings (`/?q=junk1`, `/news/?priority=junk2`, `?page=02`), and
each distinct one would be a page of its own to the page cache (in Redis), to nginx
and to browsers. So an answer to a query string is left to be kept only when its view
says the query string is its own (`own_query`): every parameter in it is one the view
reads, written as the page itself writes it in its links, and the page found something
for it. Any other answer is sent exactly as before (same status, same text), marked
`Cache-Control: no-cache` by `QueryStringMiddleware`, which every cache respects.

A view that reads no query parameter never calls `own_query`, so whatever query string
it is given (`/?q=x` on the home page) is marked. Why: docs/notes/cache.md ("What a
flood can fill").
"""

from django.utils.cache import patch_cache_control


def own_query(request, *, found=True, **values):
    """Say what the view made of the request's query string.

    `values` holds each parameter the view reads, as the page would write it in a link
    to what it shows: "2", not "02" or "last"; the slug it matched, not a slug it did
    not know; "" for a filter left empty. `found` is whether anything was found. The
    answer stays cacheable only if every parameter sent is in `values`, once, with
    that value, and something was found.
    """
    request.own_query = found and all(
        request.GET.getlist(name) == [values.get(name)] for name in request.GET
    )


class QueryStringMiddleware:
    """`Cache-Control: no-cache` on an answer to a query string its view did not call
    its own (`own_query`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # The raw query string, not request.GET: a page that reads no parameter answers
        # even a query string Django would refuse to parse (too many fields).
        if request.META.get("QUERY_STRING") and not getattr(request, "own_query", False):
            patch_cache_control(response, no_cache=True)
        return response
