"""
RSS 2.0 and Atom feeds, so families and partners can follow updates in a feed
reader or an email service that reads feeds.

- /news/feed/ and /news/feed/atom/: press releases
- /decisions/feed/ and /decisions/feed/atom/: cabinet decisions
- /feed/ and /feed/atom/: both, newest first
- /priorities/<slug>/feed/ and .../feed/atom/: one priority's news and decisions

Each entry carries the whole text (a press release's standfirst, body and quotes; a
decision's "what this means for families"), rendered by the one Markdown renderer
and so sanitised like the page. Only published items appear, and a scheduled item
appears at its moment (`.published()` reads the clock at query time). Each feed costs
the same few queries whatever its length.
"""

import copy
from heapq import merge

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority
from publishing.markdown import render_markdown
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


def press_releases_for_feed(queryset):
    return with_last_note(
        queryset.published()
        .order_by("-published_at", "-pk")
        .prefetch_related("quotes", "priorities")
    )[:FEED_LENGTH]


def decisions_for_feed(queryset):
    return with_last_note(
        queryset.published().order_by("-published_at", "-pk").prefetch_related("priorities")
    )[:FEED_LENGTH]


def newest_first(*querysets):
    """The newest FEED_LENGTH items of several querysets that are each newest first."""
    merged = merge(*querysets, key=lambda item: item.published_at, reverse=True)
    return list(merged)[:FEED_LENGTH]


def press_release_html(item):
    quotes = format_html_join(
        "",
        "<blockquote><p>{}</p></blockquote><p>{}</p>",
        (
            (quote.text, f"{quote.speaker}, {quote.role}" if quote.role else quote.speaker)
            for quote in item.quotes.all()
        ),
    )
    return format_html("<p>{}</p>{}{}", item.standfirst, render_markdown(item.body), quotes)


def decision_html(item):
    status = f" {item.get_decision_status_display()}." if item.decision_status else ""
    summary = render_markdown(item.summary_for_families) or mark_safe(
        "<p>We have not written a plain-English summary of this decision yet. "
        "The formal record is on the page.</p>"
    )
    return format_html("<p>{}.{}</p>{}", item.meeting, status, summary)


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
        return newest_first(
            press_releases_for_feed(PressRelease.objects),
            decisions_for_feed(CabinetDecision.objects),
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        if isinstance(item, CabinetDecision):
            return decision_html(item)
        return press_release_html(item)

    def item_link(self, item):
        return absolute_url(self.request, item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        """The latest public change note, or the last save when there is none."""
        return item.last_note_at or item.updated_at

    def item_categories(self, item):
        return [priority.short_title for priority in item.priorities.all()]

    @classmethod
    def atom(cls):
        return type(f"{cls.__name__}Atom", (cls,), {"feed_type": Atom1Feed})()


class NewsFeed(UpdatesFeed):
    section_name = "news"

    def link(self, obj):
        return absolute_url(self.request, reverse("news:index"))

    def items(self, obj):
        return press_releases_for_feed(PressRelease.objects)


class DecisionsFeed(UpdatesFeed):
    section_name = "decisions"

    def link(self, obj):
        return absolute_url(self.request, reverse("decisions:index"))

    def items(self, obj):
        return decisions_for_feed(CabinetDecision.objects)


class PriorityFeed(UpdatesFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Priority, slug=slug)

    def title(self, obj):
        return f"{settings.SITE_NAME}: {obj}"

    def description(self, obj):
        return f"News and decisions about priority {obj.number}, {obj.short_title}."

    def link(self, obj):
        return absolute_url(self.request, obj.get_absolute_url())

    def items(self, obj):
        return newest_first(
            press_releases_for_feed(obj.press_releases), decisions_for_feed(obj.decisions)
        )
