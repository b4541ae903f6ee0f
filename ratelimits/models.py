"""How many requests each client (or email address) made lately, for the rate limits of
the forms on cached pages: feedback's answers, alerts' requests.

Kept in the database, not the cache, so neither a flood of pages filling the cache nor
Redis being down can lose a count. Each row holds its own window's end, so limits with
windows of different lengths share the table without one's clean-up ending another's
window early.
"""

from django.db import models


class RequestCount(models.Model):
    key = models.CharField(
        max_length=100,
        unique=True,
        help_text=(
            "What is counted: the form's purpose and a keyed hash of an address (an email "
            "address or a visitor's internet address), never the address itself."
        ),
    )
    window_ends_at = models.DateTimeField(
        db_index=True, help_text="When this count ends. After that the next request starts again."
    )
    count = models.PositiveIntegerField(
        "requests", default=1, help_text="Requests counted so far (those over the limit are not)."
    )

    class Meta:
        verbose_name = "rate-limit count"

    def __str__(self):
        return f"{self.count} until {self.window_ends_at:%Y-%m-%d %H:%M}"
