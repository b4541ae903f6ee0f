"""Which changes become alerts, and when.

A kind of content takes part by naming its list in the content protocol
(`Content.alert_list`, publishing/content.py); this module knows no content type.

- An item is announced once, when the public can first see it: saving it as published
  records a Change due at its publication time, and the `announce` task runs at that
  moment (a scheduled item at its time, never at save). Taking it back to draft before
  then forgets the change. A later minor edit records nothing.
- A public change note on a public item is announced at once.

Recording happens as the item is saved (post_save, alerts/apps.py), in the same
transaction; nothing is sent from a signal. Announcing, later, reads the item through
the registry, keeps what the email will say, and queues one email per person
(`fan_out`). `manage.py send_alerts` announces anything whose task was lost.
"""

from itertools import islice

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from publishing import content
from publishing.models import Status

from .models import Change, Delivery, Digest, Frequency, Reason, Subscription, What

EVERYTHING = What.EVERYTHING.value


def alert_kind(model):
    """The item's Content if its kind sends alerts, else None."""
    kind = content.of(model)
    return kind if kind is not None and kind.alert_list else None


def is_signed_off(item):
    """Published, now or at a time to come (a model without a status is always public)."""
    return getattr(item, "status", Status.PUBLISHED) == Status.PUBLISHED


def publication_time(item):
    return (
        getattr(item, "first_published_at", None)
        or getattr(item, "published_at", None)
        or timezone.now()
    )


def was_signed_off(model, pk):
    """Whether the stored item, before this save, was published (or scheduled)."""
    if pk is None or not hasattr(model, "status"):
        return False
    return model._default_manager.filter(pk=pk, status=Status.PUBLISHED).exists()


def item_saved(item, was_published):
    """Record, or move, or forget the item's publication, as its save changed it."""
    content_type = ContentType.objects.get_for_model(item)
    publication = Change.objects.filter(
        content_type=content_type, object_id=item.pk, reason=Reason.PUBLISHED
    )
    if not is_signed_off(item):
        publication.pending().delete()  # back to draft before its moment: nothing to say
        return
    due = publication_time(item)
    change = publication.first()
    if change is None:
        if was_published:
            return  # public before alerts began; a minor edit sends nothing
        change = Change.objects.create(
            content_type=content_type, object_id=item.pk, reason=Reason.PUBLISHED, due_at=due
        )
    elif change.announced_at is not None or change.due_at == due:
        return  # announced already (edits send nothing), or its moment has not moved
    else:
        change.due_at = due
        change.save(update_fields=["due_at"])
    schedule(change)


def change_note_saved(note):
    """A public change note on an item the public can see now is announced at once."""
    kind = alert_kind(note.content_type.model_class())
    item = note.item
    if kind is None or item is None or not kind.is_public(item):
        return  # its publication, still to come, will say what is new
    change, created = Change.objects.get_or_create(
        change_note=note,
        reason=Reason.UPDATED,
        defaults={
            "content_type": note.content_type,
            "object_id": note.object_id,
            "due_at": note.created_at,
        },
    )
    if created:
        schedule(change)


def schedule(change):
    """Run `announce` at the change's moment, once the save that made it is committed."""
    from .tasks import announce

    when = change.due_at if change.due_at > timezone.now() else None
    transaction.on_commit(lambda: announce.using(run_after=when).enqueue(change.pk))


def lists_of(kind, item):
    """The lists a change to this item belongs to."""
    priorities = [f"priority:{priority.pk}" for priority in kind.priorities(item)]
    return [EVERYTHING, kind.alert_list, *priorities]


def describe(change, kind, item):
    """Fill in what the emails about this change say, from the item as it is now: at
    announcing, and for a publisher's preview (alerts/preview.py), so both say the same."""
    change.kind_label = kind.label
    change.title = kind.title(item)[:300]
    change.summary = kind.summary(item)
    change.address = kind.address(item)
    change.note = change.change_note.note if change.change_note else ""
    change.lists = lists_of(kind, item)


def announce(change_id, now=None):
    """If the change's moment has come and its item is public: keep what the emails
    will say, queue one email per person who gets alerts as they happen, and return
    True. Otherwise leave it for later (its task, or `send_alerts`) and return False."""
    now = now or timezone.now()
    with transaction.atomic():
        change = (
            Change.objects.select_for_update(of=("self",))
            .pending()
            .filter(pk=change_id, due_at__lte=now)
            .select_related("content_type", "change_note")
            .first()
        )
        if change is None:
            return False
        item = change.item
        kind = alert_kind(change.content_type.model_class())
        if item is None or kind is None or not kind.is_public(item):
            return False  # not public (yet): a later save or send_alerts tries again
        describe(change, kind, item)
        change.announced_at = now
        change.save()
        fan_out(change)
    enqueue_sending(change=change)
    return True


def subscribers_for(lists, frequency):
    """The people with a confirmed subscription to any of these lists, at this frequency."""
    generic = [key for key in lists if not key.startswith("priority:")]
    priority_ids = [int(key.split(":", 1)[1]) for key in lists if key.startswith("priority:")]
    return (
        Subscription.objects.confirmed()
        .filter(frequency=frequency)
        .filter(Q(what__in=generic) | Q(what=What.PRIORITY, priority_id__in=priority_ids))
        .values_list("subscriber_id", flat=True)
        .distinct()
    )


def fan_out(change, batch_size=2000):
    """One email per person, however many of their lists the change is in. A batch at a
    time (bulk_create makes a list of all it is given), so a worker's memory does not
    grow with the list."""
    ids = (
        subscribers_for(change.lists, Frequency.IMMEDIATELY)
        .order_by("subscriber_id")
        .iterator(chunk_size=batch_size)
    )
    while batch := list(islice(ids, batch_size)):
        Delivery.objects.bulk_create(
            [Delivery(subscriber_id=pk, change=change) for pk in batch], ignore_conflicts=True
        )


def enqueue_sending(*, change=None, digest=None):
    """Queue the send task once per worker that should share the emails."""
    from .tasks import send

    kwargs = {"change_id": change.pk} if change else {"digest_id": digest.pk}

    def enqueue():
        for _ in range(settings.ALERTS_SENDERS):
            send.enqueue(**kwargs)

    transaction.on_commit(enqueue)


def catch_up(now=None):
    """What `send_alerts` does: announce every due change whose task was lost, and queue
    sending for every change and digest with emails waiting (a worker that stopped
    mid-send leaves its emails to be taken over when their lease ends). Safe to run at
    any time, as often as wanted. Returns (announced, resumed)."""
    now = now or timezone.now()
    announced = sum(
        announce(pk, now) for pk in Change.objects.due(now).values_list("pk", flat=True)
    )
    waiting = Delivery.objects.claimable(now)
    changes = set(waiting.exclude(change=None).values_list("change_id", flat=True))
    digests = set(waiting.exclude(digest=None).values_list("digest_id", flat=True))
    for change in Change.objects.filter(pk__in=changes):
        enqueue_sending(change=change)
    for digest in Digest.objects.filter(pk__in=digests):
        enqueue_sending(digest=digest)
    return announced, len(changes) + len(digests)
