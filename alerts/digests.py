"""Daily and weekly summaries: the changes announced in a period, one email per person.

The periods are whole days and whole weeks (Monday to Monday) in UK time, ending before
the command runs: `send_digests daily` at 07:00 sends yesterday's changes. A Digest is
made once per period (a unique constraint) with its emails in the same transaction, so
running the command again, or after a crash, sends nothing twice; a person whose lists
had no changes gets nothing, and a period with no changes makes no emails at all.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from .changes import enqueue_sending
from .models import Change, Delivery, Digest, Frequency, Subscription

DAYS = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}


def period(frequency, now=None):
    """The last whole day, or week from Monday, before `now`, in local (UK) time."""
    today = timezone.localdate(now or timezone.now())
    end_day = today - timedelta(days=today.weekday()) if frequency == Frequency.WEEKLY else today
    tz = timezone.get_current_timezone()
    end = timezone.make_aware(datetime.combine(end_day, time()), tz)
    start_day = end_day - timedelta(days=DAYS[frequency])
    return timezone.make_aware(datetime.combine(start_day, time()), tz), end


def make_digest(frequency, now=None, batch_size=2000):
    """The period's Digest with its emails queued, made once. Returns (digest, emails
    made now): 0 emails if it was made before or nothing changed."""
    start, end = period(frequency, now)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(frequency=frequency, period_start=start, period_end=end)
            emails = queue_emails(digest, batch_size)
    except IntegrityError:
        return Digest.objects.get(frequency=frequency, period_start=start), 0
    if emails:
        enqueue_sending(digest=digest)
    return digest, emails


def queue_emails(digest, batch_size):
    lists = defaultdict(list)  # list key -> the period's changes in it, oldest first
    for pk, keys in (
        Change.objects.announced_between(digest.period_start, digest.period_end)
        .order_by("announced_at", "pk")
        .values_list("pk", "lists")
    ):
        for key in keys:
            lists[key].append(pk)
    if not lists:
        return 0
    wanted = defaultdict(set)  # subscriber id -> change ids
    for subscriber_id, what, priority_id in (
        Subscription.objects.confirmed()
        .filter(frequency=digest.frequency)
        .values_list("subscriber_id", "what", "priority_id")
        .iterator(chunk_size=batch_size)
    ):
        key = f"priority:{priority_id}" if priority_id else what
        wanted[subscriber_id].update(lists.get(key, ()))
    rows = (
        Delivery(subscriber_id=subscriber_id, digest=digest, digest_changes=sorted(ids))
        for subscriber_id, ids in wanted.items()
        if ids
    )
    return len(Delivery.objects.bulk_create(rows, batch_size=batch_size))
