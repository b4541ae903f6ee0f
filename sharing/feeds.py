"""
RSS 2.0 and Atom feeds, so families and partners can follow updates in a feed
reader or an email service that reads feeds.

- /feed/ and /feed/atom/: every kind of content registered with `in_feed`
  (publishing/content.py), newest first
- `KindFeed`: one kind's feed (news/feeds.py: /news/feed/, /decisions/feed/)
- `UpdatesFeed` with its own `items()`: any other selection (priorities/feeds.py: one
  priority's news and decisions)

Each entry carries the whole text, as its kind's `feed_entry()` gives it (rendered by
the one Markdown renderer, and so sanitised like the page). Only published items
appear, and a scheduled item appears at its moment (`published()` reads the clock at
query time). Each feed costs the same few queries whatever its length.
"""

import copy
from heapq import merge

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseNotAllowed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from publishing import content
from publishing.models import ChangeNote
from sharing.sitemaps import absolute_url

FEED_LENGTH = 20


def with_last_note(queryset):
    """Each item's latest change note date as `last_note_at`: a subquery run for the
    feed's few rows, rather than a query of its own for every kind of item."""
    notes = ChangeNote.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model), object_id=OuterRef("pk")
    )
    return queryset.annotate(
        last_note_at=Subquery(notes.order_by("-created_at").values("created_at")[:1])
    )


def feed_items(kind, queryset=None):
    """The newest FEED_LENGTH of a kind's public items (or of `queryset`, some of them),
    with what their entries read."""
    queryset = kind.published() if queryset is None else queryset
    return with_last_note(kind.feed_queryset(queryset.order_by("-published_at", "-pk")))[
        :FEED_LENGTH
    ]


def feed_kinds():
    """The kinds of content in the all-updates feed, in registration order."""
    return [kind for kind in content.kinds() if kind.in_feed]


def newest_first(*querysets):
    """The newest FEED_LENGTH items of several querysets that are each newest first."""
    merged = merge(*querysets, key=lambda item: item.published_at, reverse=True)
    return list(merged)[:FEED_LENGTH]


class UpdatesFeed(Feed):
    """RSS 2.0; each feed has an Atom twin made with `atom()`."""

    language = "en-gb"
    section_name = "all updates"

    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        # One Feed instance serves every request (it is made in urls.py); a copy per
        # request can safely hold the request for building absolute addresses.
        feed = copy.copy(self)
        feed.request = request
        return Feed.__call__(feed, request, *args, **kwargs)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {self.section_name}"

    def description(self, obj):
        return (
            f"Updates from {settings.ORGANISATION_NAME} about the SEND, Inclusion and "
            f"Alternative Provision Strategy: {self.section_name}."
        )

    def subtitle(self, obj):  # Atom's name for the description
        return self.description(obj)

    def author_name(self, obj):
        return settings.ORGANISATION_NAME

    def link(self, obj):
        return absolute_url(self.request, reverse("home"))

    def feed_url(self, obj):
        return absolute_url(self.request, self.request.path)

    def items(self, obj):
        return newest_first(*(feed_items(kind) for kind in feed_kinds()))

    def item_title(self, item):
        return content.of(item).title(item)

    def item_description(self, item):
        return content.of(item).feed_entry(item)

    def item_link(self, item):
        return absolute_url(self.request, content.of(item).address(item))

    def item_pubdate(self, item):
        return content.of(item).published_at(item)

    def item_updateddate(self, item):
        """The latest public change note, or the last save when there is none."""
        return item.last_note_at or item.updated_at

    def item_categories(self, item):
        return content.of(item).feed_categories(item)

    @classmethod
    def atom(cls):
        return type(f"{cls.__name__}Atom", (cls,), {"feed_type": Atom1Feed})()


class KindFeed(UpdatesFeed):
    """One kind's feed: set `kind` (its slug in the registry), `section_name` and
    `index_view_name` (the URL name of its list, the feed's link)."""

    kind = ""
    index_view_name = ""

    def link(self, obj):
        return absolute_url(self.request, reverse(self.index_view_name))

    def items(self, obj):
        return feed_items(content.by_kind(self.kind))
