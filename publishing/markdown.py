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

import html as html_lib
import re
from functools import lru_cache

import markdown as markdown_lib
import nh3
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions.toc import TocExtension
from markdown.extensions.toc import slugify as toc_slugify

MARKDOWN_EXTENSIONS = ["sane_lists", "tables", "abbr", "def_list", "smarty"]

# Ids the site's own templates give elements on pages that show Markdown. A heading
# an editor types never takes one, so the skip link, the menu and the page's own
# section links keep working ("## News" becomes id="news-section").
PAGE_IDS = {
    "main-content", "navigation", "app-header-mark-cutout", "site-search",
    "draft-banner-title", "related-priorities-heading", "related-items-heading",
    "share-heading", "share-url", "priorities", "our-pledge", "news", "decisions",
    "for-families", "formal-record", "what-was-decided", "reasons", "discussion",
}  # fmt: skip

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
    # Only the ids the renderer gives headings survive (see heading_id_filter).
    **{heading: {"id"} for heading in ("h2", "h3", "h4", "h5", "h6")},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def sanitise_html(html: str, heading_ids=frozenset()) -> SafeString:
    def heading_id_filter(tag, attribute, value):
        # An id typed as raw HTML could hijack the skip link's target; ours are slugs.
        if attribute == "id" and value not in heading_ids:
            return None
        return value

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=heading_id_filter,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 has just sanitised it


def heading_ids(id_prefix=""):
    """Python-Markdown's `toc` extension, giving every heading a slug id (no [TOC] marker)."""

    def slugify(value, separator):
        slug = id_prefix + (toc_slugify(value, separator) or "section")
        return f"{slug}{separator}section" if slug in PAGE_IDS else slug

    return TocExtension(slugify=slugify, permalink=False, marker="")


def toc_ids(tokens):
    for token in tokens:
        yield token["id"]
        yield from toc_ids(token["children"])


SECTION_HEADING = re.compile(r'(<h([23]) id="([^"]+)">.*?)(</h\2>)', re.DOTALL)


def section_link(section_id):
    """A small link to a heading, just after it, so a reader can copy a link to it.
    Templates put it beside their own headings, the two in a `div.app-section-heading`,
    with {% section_link "id" %} (seo_tags).

    It sits beside the heading rather than inside it so the heading's name, in a screen
    reader's list of headings, is only its words. The "#" it shows comes from the
    stylesheet; assistive technology reads the label."""
    return format_html(
        '<a class="app-heading-anchor" href="#{}" aria-label="Link to this section"></a>',
        section_id,
    )


def add_section_links(html):
    return SECTION_HEADING.sub(
        lambda match: (
            f'<div class="app-section-heading">{match[1]}{match[4]}'
            f"{section_link(html_lib.unescape(match[3]))}</div>"
        ),
        html,
    )


# How many rendered texts each process remembers (see render_markdown).
RENDERED_KEPT = 1024


def render_markdown(text: str | None, *, id_prefix: str = "") -> SafeString:
    """Render editor Markdown to sanitised HTML that is safe to put in a page.

    Headings get ids ("## How it works" → id="how-it-works") and a link to themselves,
    so a councillor can share a section. `id_prefix` keeps ids apart on a page that
    shows several Markdown fields.
    """
    if not text:
        return mark_safe("")
    return _render_markdown(str(text), id_prefix)


# The output depends only on the text and the prefix, so each process keeps its last
# RENDERED_KEPT results: Markdown and nh3 are a large part of rendering a page with
# the page cache off, and a page's own text rarely changes. A
# changed text is a different key, so nothing shown is ever stale.
@lru_cache(maxsize=RENDERED_KEPT)
def _render_markdown(text: str, id_prefix: str) -> SafeString:
    md = markdown_lib.Markdown(extensions=[*MARKDOWN_EXTENSIONS, heading_ids(id_prefix)])
    html = md.convert(text)
    # An editor's "# Heading" becomes a section heading under the page's own <h1>.
    html = re.sub(r"<(/?)h1\b", r"<\1h2", html)
    cleaned = sanitise_html(html, heading_ids=set(toc_ids(md.toc_tokens)))
    return mark_safe(add_section_links(cleaned))  # noqa: S308 - only our own link is added
