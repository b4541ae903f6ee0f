"""
Short links and how often they are followed (sharing/shortlinks.py says how they work).

A `ShortLink` is an address such as /s/k7q2 for one public page: an item of a kind with
`short_link` (found through the content protocol by content type and id, so a new slug
changes nothing), or a page registered with `content.register_page` (by its name). It is
made the first time the page's share panel is shown, and is never changed, deleted or
given to another page: a code printed on paper keeps meaning the same page, and answers
410 Gone once that page is withdrawn.

`FollowCount` is the only thing kept about the people who follow one: a number per
link per ISO week, for the link and for its QR code. No cookie, address or browser
detail is stored, so no person can be told apart or followed from page to page.
"""

from datetime import timedelta

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ShortLink(models.Model):
    code = models.CharField(
        max_length=12,
        unique=True,
        editable=False,
        help_text="The short address is the site's address, then /s/ and this code. "
        "It is made once and never changes.",
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    item = GenericForeignKey("content_type", "object_id")
    page = models.CharField(
        max_length=60,
        blank=True,
        editable=False,
        help_text="For a page that is not one item (the home page, Get help): its name.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "short link"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(page=""),
                name="one_short_link_per_item",
            ),
            models.UniqueConstraint(
                fields=["page"], condition=~Q(page=""), name="one_short_link_per_page"
            ),
        ]

    def __str__(self):
        return f"/s/{self.code}"


def week_of(day):
    """The Monday that starts the ISO week of `day`."""
    return day - timedelta(days=day.weekday())


def this_week():
    return week_of(timezone.localdate())


class FollowCount(models.Model):
    """How many times a short link was followed in one week: nothing else."""

    link = models.ForeignKey(ShortLink, on_delete=models.CASCADE, related_name="follow_counts")
    week = models.DateField(help_text="The Monday the week starts, UK time.")
    link_follows = models.PositiveIntegerField(
        "followed from the link", default=0, help_text="Typed, clicked or tapped."
    )
    qr_follows = models.PositiveIntegerField(
        "followed from the QR code", default=0, help_text="Scanned with a phone's camera."
    )

    class Meta:
        verbose_name = "weekly count"
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["link", "week"], name="one_count_per_link_per_week")
        ]

    def __str__(self):
        return f"{self.link}, week of {self.week:%d %B %Y}"

    @property
    def total(self):
        return self.link_follows + self.qr_follows

    @property
    def iso_week(self):
        year, number, _ = self.week.isocalendar()
        return f"Week {number}, {year}"
