from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from search.engine import MAX_QUERY_LENGTH, clean_query, search

RESULTS_PER_PAGE = 10


@require_safe
def search_view(request):
    """/search/?q=words: everything the public can see, best match first.

    Whatever is typed (nothing, 10,000 characters, NUL bytes, emoji, right-to-left
    text, HTML) gets a page, never an error: the query is cleaned and cut to
    MAX_QUERY_LENGTH characters, and everything shown back is escaped.
    """
    raw = request.GET.get("q", "")
    query = clean_query(raw)
    context = {"query": query, "truncated": len(" ".join(raw.split())) > MAX_QUERY_LENGTH}
    if query:
        paginator = Paginator(search(query), RESULTS_PER_PAGE)
        try:
            page = paginator.page(request.GET.get("page", 1))
        except InvalidPage as error:
            raise Http404("No such page of results") from error
        context.update(paginator=paginator, page_obj=page, results=page.object_list)
    return render(request, "search.html", context)
