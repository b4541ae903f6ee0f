from dataclasses import dataclass

from django import template

from easyread.models import EasyReadVersion, page_type_of
from easyread.pairings import has_published_easy_read

register = template.Library()

# Where a page's template context holds the page: detail views give `object`
# (the priority page also `priority`); the accessibility statement, `statement`.
PAGE_CONTEXT_NAMES = ("object", "statement")


@dataclass(frozen=True)
class PairedPage:
    url: str
    to_easy_read: bool  # True: a link to the Easy Read version; False: back to the standard one


@register.simple_tag(takes_context=True)
def paired_page(context):
    """The other page of an Easy Read pair, or None.

    On a standard page: its Easy Read version, if one is published (from the
    cached list of pairings, so no query while the cache is warm). On an Easy
    Read page: the standard page.
    """
    version = context.get("easy_read")
    if isinstance(version, EasyReadVersion) and context.get("page") is not None:
        return PairedPage(url=context["page"].get_absolute_url(), to_easy_read=False)
    for name in PAGE_CONTEXT_NAMES:
        page = context.get(name)
        page_type = page_type_of(page)
        if page_type is not None and has_published_easy_read(
            page, page_type, context.get("request")
        ):
            return PairedPage(url=page_type.easy_read_url(page), to_easy_read=True)
    return None


@register.simple_tag(takes_context=True)
def easy_read_address(context, page):
    """The address of `page`'s published Easy Read version, or "" if it has none.

    For lists of pages (search results, the priority cards): from the cached list
    of pairings, read once per request, so a list of any length costs no query
    while the cache is warm and one cache read.
    """
    page_type = page_type_of(page)
    if page_type is not None and has_published_easy_read(page, page_type, context.get("request")):
        return page_type.easy_read_url(page)
    return ""
