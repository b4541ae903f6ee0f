"""One rate limit for every form: `allow(key, limit, window)`, and `key_for` to make the
key without keeping the address it counts."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .models import RequestCount


def key_for(purpose, value):
    """`purpose` (such as "feedback.client") and a keyed hash of `value` (an address):
    salted with the secret key, so the address is never kept and cannot be found again
    by trying every address. Different purposes never share a count."""
    digest = salted_hmac(f"ratelimits.{purpose}", value, algorithm="sha256").hexdigest()
    return f"{purpose}:{digest}"


def allow(key, limit, window, now=None):
    """Count one more request for `key` and say True if it made fewer than `limit` in
    its window (which starts at its first request and lasts `window`, a timedelta);
    over the limit, say False and count nothing.

    Exact with several workers and servers, on PostgreSQL and SQLite alike: a request
    is counted by one UPDATE that only succeeds under the limit, and a window is
    started by one INSERT that only one of two racing requests can make (the other is
    then counted in it). Rows whose windows have ended are deleted whenever a window
    starts, so the table holds little more than the clients of the longest window.
    """
    now = now or timezone.now()
    current = RequestCount.objects.filter(key=key, window_ends_at__gt=now)

    def counted():
        return bool(current.filter(count__lt=limit).update(count=F("count") + 1))

    if counted():
        return True
    if not current.exists():
        RequestCount.objects.filter(window_ends_at__lte=now).delete()
        try:
            with transaction.atomic():
                RequestCount.objects.create(key=key, window_ends_at=now + window)
            return True
        except IntegrityError:  # another request with this key started it just now
            pass
    return counted()
