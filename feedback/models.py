"""What visitors said about a page: "Was this page useful?" and an optional comment.

Nothing here identifies the visitor: no address, browser, cookie or account (the rate
limit's count holds a keyed hash of the address, and only while its window lasts). The
comment box asks people not to type personal details, but some will, so staff read
the answers in the admin only and may delete them.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
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


class AnswerCountQuerySet(models.QuerySet):
    def take_one(self, client, limit, window, now=None):
        """Count one more answer from `client` (a keyed hash of its address) if it has
        sent fewer than `limit` in its window (from its first answer, `window` long),
        and say whether it was counted.

        Exact with several workers and servers, on PostgreSQL and SQLite alike: an
        answer is counted by one UPDATE that only succeeds under the limit, and a
        window is started by one INSERT that only one of two racing answers can make
        (the other is then counted in it). Rows of ended windows are deleted whenever
        a window starts, so the table holds little more than the last `window`'s
        clients.
        """
        now = now or timezone.now()
        current = self.filter(client=client, window_started_at__gt=now - window)

        def counted():
            return bool(current.filter(answers__lt=limit).update(answers=F("answers") + 1))

        if counted():
            return True
        if not current.exists():
            self.filter(window_started_at__lte=now - window).delete()
            try:
                with transaction.atomic():
                    self.create(client=client, window_started_at=now)
                return True
            except IntegrityError:  # another answer from this client started it just now
                pass
        return counted()


class AnswerCount(models.Model):
    """How many answers one address has sent lately, for the rate limit
    (feedback/protection.py). Kept in the database, not the cache, so neither a full
    cache nor Redis being down can lose it."""

    client = models.CharField(
        max_length=64,
        unique=True,
        help_text="A keyed hash of the visitor's address, never the address itself.",
    )
    window_started_at = models.DateTimeField(
        db_index=True, help_text="When this address's first answer of the window came."
    )
    answers = models.PositiveIntegerField(
        default=1, help_text="Answers counted since then (those over the limit are not)."
    )

    objects = AnswerCountQuerySet.as_manager()

    class Meta:
        verbose_name = "answers from one address"
        verbose_name_plural = "answers from one address"

    def __str__(self):
        return f"{self.answers} since {self.window_started_at:%Y-%m-%d %H:%M}"
