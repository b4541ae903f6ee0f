"""What visitors said about a page: "Was this page useful?" and an optional comment.

Nothing here identifies the visitor: no address, browser, cookie or account (the rate
limit's count, in ratelimits, holds a keyed hash of the address, and only while its
window lasts). The
comment box asks people not to type personal details, but some will, so staff read
the answers in the admin only and may delete them.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils.http import url_has_allowed_host_and_scheme

PATH_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 200
COMMENT_MAX_LENGTH = 1200


def validate_local_path(value):
    """A path on this site, such as /news/some-story/: never another site's address.

    The path is linked back to from the thank-you page, so anything a browser could
    read as another site (//evil.example, /\\evil.example, https://...) or as a
    different page of ours (?query, #fragment) is refused. Paths are sent
    percent-encoded (the form uses |urlencode), so only printable ASCII is valid.
    """
    problem = ValidationError("This is not the address of a page on this site.", code="not_local")
    if not value.startswith("/") or value.startswith(("//", "/\\")):
        raise problem
    if not value.isascii() or not value.isprintable() or any(c in value for c in " \\?#"):
        raise problem
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not url_has_allowed_host_and_scheme(value, None):
        raise problem


class PageFeedback(models.Model):
    page_path = models.CharField(
        "page",
        max_length=PATH_MAX_LENGTH,
        validators=[validate_local_path],
        help_text="The address of the page on this site, such as /news/some-story/.",
    )
    page_title = models.CharField(
        "page title",
        max_length=TITLE_MAX_LENGTH,
        blank=True,
        help_text="The page's title when the answer was given (sent by the page itself).",
    )
    useful = models.BooleanField("useful?", help_text="What the visitor chose: Yes or No.")
    comment = models.TextField(
        blank=True,
        max_length=COMMENT_MAX_LENGTH,
        help_text=f"What the visitor typed, if anything (up to {COMMENT_MAX_LENGTH:,} characters).",
    )
    created_at = models.DateTimeField("sent at", auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "page feedback answer"
        verbose_name_plural = "page feedback"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(page_path__startswith="/"),
                name="feedback_page_path_is_local",
            ),
            # The limit holds in the database too, whatever saves the row.
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("comment"), COMMENT_MAX_LENGTH),
                name="feedback_comment_within_limit",
            ),
        ]

    def __str__(self):
        answer = "Yes" if self.useful else "No"
        return f"{answer} on {self.page_path}"

    def get_absolute_url(self):
        """The page the answer is about (a local path, checked by validate_local_path)."""
        return self.page_path
