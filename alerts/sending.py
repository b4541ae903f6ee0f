"""Sending the emails of a change or a digest: a chunk at a time, never twice.

Each email is a Delivery row, made once per person and change (or digest) by a unique
constraint. A worker claims a chunk (ALERTS_CHUNK rows: status "sending", a random
claim, and a lease of ALERTS_LEASE_SECONDS), sends the chunk over one SMTP connection
for at most half its lease, gives back what it had no time for, and marks what the
server accepted as sent in one update. Several workers share a change's emails: on
PostgreSQL each skips rows another has locked; on SQLite writes take turns, and the
claim's update re-checks each row is still free.

A worker killed mid-chunk leaves that chunk "sending": when its lease ends, the next
send task (`manage.py send_alerts` queues one) takes it over and sends it again. So
nobody gets an email twice, except at most one chunk's emails already handed to the
mail server when the worker died. A refused address fails its email only; a mail
server that cannot be reached gives the rest of the chunk back and the task fails, to
be retried by `send_alerts`. While sending is paused (the admin's switch), nothing is
claimed and nothing is lost.
"""

import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.crypto import get_random_string

from .emails import alert_letter, digest_letter
from .models import Change, Delivery, Digest, Sending, Subscription

Status = Delivery.Status


def claim(deliveries, size):
    """Take up to `size` waiting emails for this worker; return them, ready to send."""
    now = timezone.now()
    token = get_random_string(32)
    with transaction.atomic():
        ids = list(
            deliveries.claimable(now)
            .order_by("pk")
            .select_for_update(skip_locked=True)
            .values_list("pk", flat=True)[:size]
        )
        if not ids:
            return []
        Delivery.objects.filter(pk__in=ids).claimable(now).update(
            status=Status.SENDING,
            claim=token,
            lease_until=now + timedelta(seconds=settings.ALERTS_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    return list(
        Delivery.objects.filter(claim=token)
        .select_related("subscriber")
        .prefetch_related(
            Prefetch(
                "subscriber__subscriptions",
                queryset=Subscription.objects.confirmed().select_related("priority"),
            )
        )
        .order_by("pk")
    )


def is_the_address(error):
    """A refusal of this one address or message (a 5xx reply), not of the server."""
    return isinstance(error, smtplib.SMTPRecipientsRefused) or (
        isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
    )


def deliver(batch, connection, make_email):
    """Send a claimed chunk; mark what went. Returns how many were sent.

    A worker sends only in the first half of its lease, then gives back what is left:
    so nobody takes over a chunk (as its lease ends) while its worker is still sending
    it, however slow the mail server. The other half covers the email in progress."""
    sent, failed = [], []
    stop_at = batch[0].lease_until - timedelta(seconds=settings.ALERTS_LEASE_SECONDS / 2)
    try:
        for delivery in batch:
            if (sent or failed) and timezone.now() >= stop_at:
                break  # the rest is given back below, while the lease is still ours
            try:
                connection.send_messages([make_email(delivery)])
            except smtplib.SMTPException as error:
                if not is_the_address(error):
                    raise
                failed.append((delivery.pk, str(error)[:300]))
            else:
                sent.append(delivery.pk)
    finally:
        done = set(sent) | {pk for pk, _ in failed}
        Delivery.objects.filter(
            pk__in=[d.pk for d in batch if d.pk not in done], claim=batch[0].claim
        ).update(status=Status.QUEUED, claim="", lease_until=None)
        Delivery.objects.filter(pk__in=sent).update(
            status=Status.SENT, sent_at=timezone.now(), claim="", lease_until=None
        )
        for pk, error in failed:
            Delivery.objects.filter(pk=pk).update(
                status=Status.FAILED, error=error, claim="", lease_until=None
            )
    return len(sent)


def send_waiting(change_id=None, digest_id=None):
    """Send this change's (or digest's) waiting emails until none are left or sending
    is paused. Returns how many this worker sent."""
    if change_id is not None:
        deliveries = Delivery.objects.filter(change_id=change_id)
        letter = alert_letter(Change.objects.get(pk=change_id))

        def make_email(delivery):
            return letter.to(delivery.subscriber)

    else:
        deliveries = Delivery.objects.filter(digest_id=digest_id)
        digest = Digest.objects.get(pk=digest_id)
        changes = {}
        # One letter per set of changes: people on the same lists share one. There are
        # few sets (one per combination of lists with changes in the period).
        letters = {}

        def make_email(delivery):
            key = tuple(delivery.digest_changes)
            if key not in letters:
                missing = [pk for pk in key if pk not in changes]
                if missing:
                    changes.update(Change.objects.in_bulk(missing))
                gathered = [changes[pk] for pk in key if pk in changes]
                letters[key] = digest_letter(digest, gathered)
            return letters[key].to(delivery.subscriber)

    sent = 0
    connection = get_connection()
    try:
        while not Sending.is_paused():
            batch = claim(deliveries, settings.ALERTS_CHUNK)
            if not batch:
                break
            if sent == 0:
                connection.open()
            sent += deliver(batch, connection, make_email)
    finally:
        connection.close()
    return sent
