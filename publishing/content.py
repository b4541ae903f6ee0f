"""
The content protocol: how a kind of content presents itself to the shared apps.

The shared apps (feeds and the sitemap, search, social cards, SEO tags, the Easy Read
pairing) know no content type. Each content app says, once, what its kinds of content
are and how they appear, by subclassing `Content` for each public model in its own
`content.py` and registering it:

    # news/content.py, imported by NewsConfig.ready()
    from publishing import content

    @content.register
    class PressReleaseContent(content.Content):
        model = PressRelease
        kind = "news"
        label = "Press release"
        ...

The shared apps then ask the registry: `content.of(item)` (the Content of an item or a
model, or None), `content.by_kind("news")`, `content.kinds()` (every registered kind,
in the order the apps were installed) and the features a kind takes part in
(`kind.in_feed`, `kind.search`, `kind.has_card`, ...). They never test an item's class.

A Content is a stateless adapter: its methods take the item. The defaults suit a
`Publishable` model with `title`, `slug` and `get_absolute_url()`; a kind overrides
what differs, and sets the feature flags of the shared pages it appears in.
docs/adding-a-content-type.md walks through adding one.
"""

from dataclasses import dataclass

from django.db.models import Min
from django.utils.html import format_html

_registry = {}  # model -> Content instance, in registration order
_pages = []  # PageCard, in registration order
_sitemaps = {}  # section name -> Sitemap class, in registration order
_sections = []  # URL names of section pages (lists), for the sitemap's first section


@dataclass(frozen=True)
class CardText:
    """What a link-preview card shows: the title, and a line under it."""

    title: str
    label: str


@dataclass(frozen=True)
class PageCard:
    """A page that is not one item (a list, the home page) and has a card of its own.

    `text(context)` gives its CardText: from the page's template context when the page
    is rendered, or with context None when the card itself is asked for (it then reads
    what it needs from the database).
    """

    name: str  # the card's slug: /social-cards/page/<name>.png
    view_name: str  # the URL name of the page showing it
    text: object  # callable(context or None) -> CardText


@dataclass(frozen=True)
class RelatedText:
    """Text of related rows searched as part of an item (a press release's quotes)."""

    model: type
    to_item: str  # the related model's foreign key to the item
    accessor: str  # the item's name for the related rows (for prefetching)
    fields: tuple[str, ...]


@dataclass(frozen=True)
class SearchDocument:
    """What search reads of a kind: its fields, by weight."""

    title: tuple[str, ...]  # weight A
    summary: tuple[str, ...]  # weight B
    body: tuple[str, ...]  # weight C
    related: RelatedText | None = None  # searched and shown with the body
    dated: bool = True  # has `published_at`; undated kinds rank after dated ones
    # Fields the result template and get_absolute_url read (the rest are not loaded).
    shown: tuple[str, ...] = ("title", "slug", "published_at")
    # Related objects they read (`prefetch_related` names), fetched for a page at once.
    prefetch: tuple[str, ...] = ()
    # On PostgreSQL: the model keeps `search_vector` and `search_heading` columns up to
    # date (see search/engine.py). Without them the vectors are built at search time.
    stored_vectors: bool = False

    @property
    def fields(self):
        return self.title + self.summary + self.body

    @property
    def snippet_fields(self):
        return self.summary + self.body


@dataclass(frozen=True)
class EasyReadPairing:
    """A kind whose pages can have an Easy Read version, at `path` (beside the page)."""

    label: str  # what editors call the page type, e.g. "Press release"
    path: str  # the Easy Read page's route, e.g. "news/<slug:slug>/easy-read/"
    url_name: str  # its name in the easyread namespace
    section: tuple = ()  # (url name, label) of the section it is in, for breadcrumbs
    by_slug: bool = True  # False: a single page with no slug in its address


class Content:
    """The protocol. Subclass it for a public model, set what differs, register it."""

    model = None  # the model class
    kind = ""  # a slug, unique among kinds: in /social-cards/<kind>/<slug>.png and search
    label = ""  # what one is called, e.g. "Press release"

    # The shared pages it appears in.
    in_feed = False  # the all-updates feed (/feed/): needs feed_entry()
    has_card = False  # a link-preview card and share links on its page: needs card_text()
    article = False  # a dated article: og:type "article", its dates, JSON-LD
    search: SearchDocument | None = None  # found by site search
    easy_read: EasyReadPairing | None = None  # can have an Easy Read version
    # The email alert list it belongs to ("news", "decisions", "progress"), or "" for
    # none: its publication and its public change notes are sent to the people who
    # asked for that list, for everything, or for one of its priorities (alerts/).
    alert_list = ""
    # The URL name of its page, so an error page at such an address (410 Gone) is
    # not presented as something to share.
    detail_view_name = ""
    # Its pages have a short address (/s/k7q2), a QR code of it and the share panel's
    # text to paste (sharing/shortlinks.py): a kind with a page of its own.
    short_link = False
    # ... and a one-page handout to print or download as a PDF: needs handout_text().
    handout = False

    # The public queryset and dates -------------------------------------------------

    def published(self):
        """What the public may see now: the model's `published()` where it has one."""
        manager = self.model._default_manager
        return manager.published() if hasattr(manager, "published") else manager.all()

    def next_publication(self):
        """When its next scheduled item goes public (a datetime), or None: the moment a
        stored page that lists it must end."""
        manager = self.model._default_manager
        if not hasattr(manager, "scheduled"):
            return None
        return manager.scheduled().aggregate(next=Min("published_at"))["next"]

    def is_public(self, item):
        return getattr(item, "is_published", True)

    def published_at(self, item):
        return getattr(item, "published_at", None)

    def updated_at(self, item):
        """When it last changed, as the public is told: its latest public change note,
        if it has any, else None."""
        return item.last_updated_at if hasattr(item, "change_notes") else None

    def changes(self, item):
        """Its public change notes ("what changed"), newest first."""
        if not hasattr(item, "change_notes"):
            return []
        return sorted(item.change_notes.all(), key=lambda note: note.created_at, reverse=True)

    # What it says -------------------------------------------------------------------

    def address(self, item):
        return item.get_absolute_url()

    def title(self, item):
        return item.title

    def summary(self, item):
        """A sentence or two about it, as its page's description says it."""
        return ""

    def priorities(self, item):
        """The strategy's priorities it is about (objects with a `short_title`)."""
        return list(item.priorities.all()) if hasattr(item, "priorities") else []

    def image(self, item):
        """Its photo (an images.Image), or None."""
        return None

    # How other sites show it --------------------------------------------------------

    def card_text(self, item):
        """What its link-preview card shows (when `has_card`)."""
        return CardText(self.title(item), self.label)

    def handout_text(self, item):
        """A few plain-English sentences for its one-page handout (when `handout`), as
        safe HTML: its summary, by default."""
        return format_html("<p>{}</p>", self.summary(item)) if self.summary(item) else ""

    def share_line(self, item):
        """One line about it, under its title in a post or a message (the share panel's
        text to paste, with its short link): its summary, by default."""
        return self.summary(item)

    def share_title(self, item):
        """Its title as its page's <title> says it, before the site's name."""
        return self.title(item)

    def structured_data(self, item, article):
        """Its schema.org data (when `article`): `article` is the schema.org Article
        the shared code made of its title, description, address, image, dates and
        publisher; return it as it should be (a `NewsArticle`, say), or None."""
        return {"@type": "Article", **article}

    # Feeds and search ---------------------------------------------------------------

    def feed_queryset(self, queryset):
        """Its items in feeds: `queryset` (public, newest first) with what feed_entry
        reads fetched at once."""
        return (
            queryset.prefetch_related("priorities")
            if hasattr(self.model, "priorities")
            else queryset
        )

    def feed_entry(self, item):
        """Its whole text for a feed reader, as safe HTML (when `in_feed`)."""
        raise NotImplementedError(f"{type(self).__name__} must say what its feed entry is")

    def feed_categories(self, item):
        return [priority.short_title for priority in self.priorities(item)]

    def about_priority(self, queryset, priority):
        """Its items about one priority (the priority's feed): none, if it has no
        priorities."""
        if not hasattr(self.model, "priorities"):
            return queryset.none()
        return queryset.filter(priorities=priority)

    def search_word_forms(self):
        """Groups of words that mean the same to a reader, each a tuple of its forms (a
        glossary term, its abbreviation and its other forms): site search finds every
        form of a group when any one is searched for. Asked on every search: keep it
        cheap (cached). None by default."""
        return ()

    def search_result_template(self):
        """The template of one search result (templates/search/result.html's blocks)."""
        meta = self.model._meta
        return f"{meta.app_label}/{meta.model_name}_search_result.html"


def register(content_class):
    """Register a Content subclass (usable as a class decorator). Once per model."""
    kind = content_class()
    if not kind.model or not kind.kind:
        raise ValueError(f"{content_class.__name__} needs a model and a kind")
    for other in _registry.values():
        if other.model is not kind.model and other.kind == kind.kind:
            raise ValueError(f"Two kinds named {kind.kind!r}")
    _registry[kind.model] = kind
    return content_class


def register_page(name, view_name, text):
    """Register a page with a card of its own that shows no one item (see PageCard)."""
    if any(page.name == name for page in _pages):
        return
    _pages.append(PageCard(name, view_name, text))


def register_sitemaps(sitemaps):
    """Add an app's sections of /sitemap.xml ({name: Sitemap class}), in app order."""
    _sitemaps.update(sitemaps)


def register_sections(*url_names):
    """Add section pages (a list of news, say) to the sitemap's first section."""
    _sections.extend(name for name in url_names if name not in _sections)


def of(item_or_model):
    """The Content of an item or a model, or None when it is not registered."""
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    return _registry.get(model)


def by_kind(kind):
    """The Content registered under a kind slug, or None."""
    return next((content for content in _registry.values() if content.kind == kind), None)


def kinds():
    """Every registered Content, in registration (app) order."""
    return list(_registry.values())


def pages():
    return list(_pages)


def page(name):
    return next((page for page in _pages if page.name == name), None)


def sitemaps():
    return dict(_sitemaps)


def sections():
    return list(_sections)


__all__ = [
    "CardText",
    "Content",
    "EasyReadPairing",
    "PageCard",
    "RelatedText",
    "SearchDocument",
    "by_kind",
    "kinds",
    "of",
    "page",
    "pages",
    "register",
    "register_page",
    "register_sections",
    "register_sitemaps",
    "sections",
    "sitemaps",
]
