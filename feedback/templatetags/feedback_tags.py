import html

from django import template
from django.utils.encoding import escape_uri_path

from feedback.models import COMMENT_MAX_LENGTH

register = template.Library()

# Where the form is left off: the admin has its own pages; feedback's own pages are
# about the answer just given; a preview's address holds its secret token.
NO_FORM_NAMESPACES = {"admin", "feedback"}
NO_FORM_VIEWS = {"preview"}


@register.inclusion_tag("feedback/form.html", takes_context=True)
def page_feedback_form(context):
    """The "Was this page useful?" form for the page being rendered, or nothing.

    Without a request (Django renders the 500 page with an empty context) there is
    no page address to send, so there is no form.
    """
    request = context.get("request")
    if request is None or context.get("preview_link"):
        return {"shown": False}
    match = request.resolver_match  # None on a 404 for an address nothing matches
    if match and (NO_FORM_NAMESPACES & set(match.namespaces) or match.url_name in NO_FORM_VIEWS):
        return {"shown": False}
    return {
        "shown": True,
        # Percent-encoded, so "?" or "#" in a decoded path cannot become a query.
        "page_path": escape_uri_path(request.path),
        # The captured <title> block is escaped HTML; the form sends the words.
        "page_title": " ".join(html.unescape(str(context.get("page_title") or "")).split()),
        "limit": COMMENT_MAX_LENGTH,
    }
