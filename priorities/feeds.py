"""/priorities/<slug>/feed/ (and its Atom twin): every kind in the all-updates feed
(news and decisions today) that is about one priority."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from sharing.feeds import UpdatesFeed, feed_items, feed_kinds, newest_first
from sharing.sitemaps import absolute_url

from .models import Priority


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
            *(feed_items(kind, kind.about_priority(kind.published(), obj)) for kind in feed_kinds())
        )
