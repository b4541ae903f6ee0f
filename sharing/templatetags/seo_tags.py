"""
How a page presents itself to other sites: its canonical address, its link preview
(Open Graph and Twitter Card tags, with a photo or a drawn social card), its
structured data (JSON-LD) and its share links.

base.html captures the page's title and description blocks, then asks
`{% shared_page as shared_page %}` once; templates/includes/meta.html,
templates/includes/share.html and the print footer read from that.

Addresses are absolute, from settings.SITE_URL, never from the request's Host
header: a link preview is fetched by another site, and a header is typed by
whoever sends the request.
"""

import html
import json
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from publishing import content
from publishing.markdown import section_link
from sharing import cards as social_cards
from sharing import shortlinks

register = template.Library()

# What each kind of content says about itself (its card, its dates, its structured
# data) comes from its registered Content (publishing/content.py): only the kinds with
# `has_card` present themselves as something to share.


def shared_kind(item):
    """The registered kind of `item` if it has a card (a page to share), else None."""
    kind = content.of(item) if item is not None else None
    return kind if kind is not None and kind.has_card else None


def item_views():
    """Views that show one item: without an item in the context, the page is an error
    page (410 Gone, say) and presents nothing to share."""
    names = {kind.detail_view_name for kind in content.kinds() if kind.has_card}
    return names - {""} | {"preview"}


def list_pages():
    """{view name: page card name} of the pages with a card of their own."""
    return {page.view_name: page.name for page in content.pages()}


# json_script's escapes: the data cannot close the <script> element or open a comment.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def absolute(path):
    return path if path.startswith(("https://", "http://")) else f"{settings.SITE_URL}{path}"


def plain(text):
    """A captured block (escaped HTML) as the words it shows."""
    return " ".join(html.unescape(str(text or "")).split())


def iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


@dataclass(frozen=True)
class PreviewImage:
    url: str
    width: int | None
    height: int | None
    alt: str
    content_type: str


def photo_image(photo, title):
    """An item's photo (an images.Image), at its largest rendition, as the link preview."""
    renditions = photo.renditions or {}
    if renditions.get("fallback"):
        largest = renditions["fallback"][-1]
        url = default_storage.url(largest["name"])
        width, height = largest["width"], largest["height"]
        content_type = renditions.get("fallback_type", "image/jpeg")
    else:  # a photo stored before renditions were made
        url, width, height = photo.file.url, photo.width, photo.height
        content_type = "image/png" if photo.file.name.lower().endswith(".png") else "image/jpeg"
    return PreviewImage(absolute(url), width, height, photo.alt_text or title, content_type)


def card_image(card, *, versioned=True):
    path = card.path if versioned else card.path.split("?")[0]
    alt = card.alt if versioned else f"{settings.SITE_NAME}, {settings.ORGANISATION_NAME}"
    return PreviewImage(absolute(path), social_cards.WIDTH, social_cards.HEIGHT, alt, "image/png")


def preview_image(item=None, page_card=None):
    if item is not None:
        kind = content.of(item)
        photo = kind.image(item)
        if photo is not None:
            return photo_image(photo, kind.title(item))
        return card_image(social_cards.item_card(item))
    if page_card is not None:
        return card_image(page_card)
    # Any other page (search, say): the home page's card at its unversioned address,
    # which needs no query to name.
    return card_image(social_cards.Card("page", "home", "", ""), versioned=False)


def canonical_path(context, request, item):
    """The page's own address: an item's current address; a list's, with its filters
    (those that matched something: see news.views.FilteredListView), search words
    and page number.
    Anything else in the query string (?utm_source=...) is not part of the page.

    A view may add `canonical_params` (a dict) to its context for other query
    parameters that make a different page.
    """
    if item is not None:
        return item.get_absolute_url()
    params = {}
    if request.resolver_match.view_name == "search" and context.get("query"):
        params["q"] = context["query"]  # as cleaned by the search (a results page: noindex)
    if context.get("selected_priority") is not None:
        params["priority"] = context["selected_priority"].slug
    if context.get("selected_year") is not None:
        params["year"] = context["selected_year"]
    params.update(context.get("canonical_params") or {})
    page_obj = context.get("page_obj")
    if page_obj is not None and page_obj.number > 1:
        params["page"] = page_obj.number
    query = urlencode(params, doseq=True)
    return f"{request.path}?{query}" if query else request.path


@dataclass(frozen=True)
class SharedPage:
    url: str  # canonical and absolute
    title: str  # plain text, as in the page's <title> before the site's name
    description: str
    image: PreviewImage
    item: object = None
    view_name: str = ""
    private: bool = False  # changes prepared to a live page, shown before publication

    @property
    def kind(self):
        return shared_kind(self.item)

    @property
    def is_article(self):
        return self.kind is not None and self.kind.article

    @property
    def type(self):
        return "article" if self.is_article else "website"

    @property
    def published(self):
        return self.kind.published_at(self.item) if self.is_article else None

    @property
    def modified(self):
        """As the page says "last updated": the latest public change note, if any."""
        published = self.published
        if published is None:
            return None
        return max(filter(None, [published, self.kind.updated_at(self.item)]))

    @property
    def published_time(self):
        return iso(self.published)

    @property
    def modified_time(self):
        return iso(self.modified)

    @property
    def offers_sharing(self):
        """Share links only where the public can follow them: never on a private
        preview or a draft that staff are checking, whose page says not to share it,
        nor on a live page shown with changes not yet published."""
        if self.private:
            return False
        return self.item is None or self.kind.is_public(self.item)

    @property
    def share_title(self):
        return self.kind.title(self.item) if self.is_article else self.title

    @property
    def share_links(self):
        return share_links(self.url, self.share_title)

    @property
    def structured_data(self):
        data = structured_data(self)
        if data is None:
            return ""
        text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
        return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def share_links(url, title):
    """Plain links to share a page: no third-party script, no tracker, nothing loaded
    until the reader chooses one. Spaces are %20, as mailto: needs (RFC 6068)."""

    def query(**params):
        return urlencode(params, quote_via=quote)

    body = f"{title}\n\n{url}"
    return {
        "url": url,
        "email": f"mailto:?{query(subject=title, body=body)}",
        "whatsapp": f"https://wa.me/?{query(text=f'{title} {url}')}",
        "facebook": f"https://www.facebook.com/sharer/sharer.php?{query(u=url)}",
        "x": f"https://twitter.com/intent/tweet?{query(url=url, text=title)}",
        "linkedin": f"https://www.linkedin.com/sharing/share-offsite/?{query(url=url)}",
    }


def organisation():
    return {
        "@type": "GovernmentOrganization",
        "@id": f"{settings.SITE_URL}/#organisation",
        "name": settings.ORGANISATION_NAME,
    }


def structured_data(page):
    """schema.org data for search engines, or None for pages that need none."""
    item = page.item
    if page.view_name == "home":
        return {
            "@context": "https://schema.org",
            "@graph": [
                organisation(),
                {
                    "@type": "WebSite",
                    "@id": f"{settings.SITE_URL}/#website",
                    "url": f"{settings.SITE_URL}/",
                    "name": settings.SITE_NAME,
                    "description": page.description,
                    "inLanguage": "en-GB",
                    "publisher": {"@id": organisation()["@id"]},
                },
            ],
        }
    if not page.is_article:
        return None
    article = {
        "@context": "https://schema.org",
        "headline": page.kind.title(item),
        "description": page.description,
        "url": page.url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page.url},
        "image": [page.image.url],
        "inLanguage": "en-GB",
        "author": organisation(),
        "publisher": organisation(),
    }
    if page.published:
        article["datePublished"] = page.published_time
        article["dateModified"] = page.modified_time
    return page.kind.structured_data(item, article)


def find_shared_page(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None or "exception" in context:  # 500, or a 404 from the resolver
        return None
    if match.app_name == "sharing":
        # A short link's answer (410 Gone) or a handout: the page to share is the one
        # they lead to or print (sharing/views.py).
        return None
    item = context.get("object")
    item = item if shared_kind(item) is not None else None
    if item is None and match.view_name in item_views():
        return None  # an error page shown at an item's address (410 Gone)
    page_card = None
    pages = list_pages()
    if item is None and match.view_name in pages:
        page_card = social_cards.page_card(pages[match.view_name], context)
    return SharedPage(
        url=absolute(canonical_path(context, request, item)),
        title=plain(context.get("page_title")),
        description=plain(context.get("page_description")),
        image=preview_image(item, page_card),
        item=item,
        view_name=match.view_name,
        private=getattr(request, "prepared_change", None) is not None,
    )


@register.simple_tag(takes_context=True, name="shared_page")
def shared_page_tag(context):
    """`{% shared_page as shared_page %}`: how this page is shared, or None."""
    return find_shared_page(context)


@register.simple_tag(takes_context=True)
def share_pack(context):
    """`{% share_pack as pack %}`: the page's short link, QR code, handout and text to
    paste (sharing.shortlinks.SharePack), or None for a page without them. An item of
    a kind with short links has one once public; a page registered with
    `content.register_page` has one too."""
    page = context.get("shared_page")
    if not page:
        return None
    item = context.get("object")
    if item is not None and (pack := shortlinks.pack_for_item(item)) is not None:
        return pack
    pages = list_pages()
    if page.item is None and page.view_name in pages:
        return shortlinks.pack_for_page(pages[page.view_name], page.title, page.description)
    return None


@register.simple_tag(takes_context=True)
def page_address(context):
    """The address to print at the foot of a page: canonical, or at least absolute."""
    page = context.get("shared_page")
    if page:
        return page.url
    request = context.get("request")
    return absolute(request.path) if request is not None else ""


register.simple_tag(section_link)  # {% section_link "our-pledge" %}, after a heading's text


class CaptureNode(template.Node):
    child_nodelists = ("nodelist",)  # so {% block %} inside still takes a child's content

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """`{% capture page_title %}{% block title %}{% endblock %}{% endcapture %}`: render
    once, use as often as needed (a block can only appear once in a template)."""
    try:
        _, name = token.split_contents()
    except ValueError:
        raise template.TemplateSyntaxError("{% capture name %} takes one name") from None
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, name)
