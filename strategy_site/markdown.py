"""
The one Markdown renderer for everything an editor types.

The admin's live preview (django-markdownx, via MARKDOWNX_MARKDOWNIFY_FUNCTION)
and the public pages (the `markdown` template filter) both call
`render_markdown`, so what an editor previews is exactly what the public sees.

Markdown lets raw HTML through, so its output is never trusted: nh3 keeps only
an allow-list of tags and attributes and only http, https and mailto links (and
relative ones). A `<script>`, an `onerror=` attribute or a `javascript:` link
typed by an editor, or pasted from elsewhere, never reaches a page.
"""

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

MARKDOWN_EXTENSIONS = ["sane_lists", "tables", "abbr", "def_list", "smarty"]

# No <h1>: every page has exactly one, its title, which is not editor Markdown.
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "img", "li", "ol", "p", "pre", "strong", "sub", "sup",
    "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    "th": {"scope"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it


def render_markdown(text: str | None) -> SafeString:
    """Render editor Markdown to sanitised HTML that is safe to put in a page."""
    if not text:
        return mark_safe("")
    html = markdown_lib.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    # An editor's "# Heading" becomes a section heading under the page's own <h1>.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return sanitise_html(html)
