"""Who asked for email alerts, about what, and how often.

No account and no password: a person is their email address, proven by a link sent to
it. A subscription counts only once its link has been clicked (`confirmed_at`); nothing
but that link is sent before. The links carry signed ids (alerts/tokens.py), never the
address, so no secret is stored here. An address with no subscriptions left is deleted.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

CONFIRM_DAYS = 7  # how long a confirmation link works, and an unconfirmed request is kept


class SubscriberQuerySet(models.QuerySet):
    def for_email(self, email):
        return self.filter(email__iexact=email.strip())


def forget_unconfirmed(now=None):
    """Delete what was asked for and never confirmed within the link's life: the
    subscriptions, then any address left with none. Returns how many addresses went."""
    cutoff = (now or timezone.now()) - timedelta(days=CONFIRM_DAYS)
    Subscription.objects.filter(confirmed_at__isnull=True, updated_at__lt=cutoff).delete()
    deleted, _ = Subscriber.objects.filter(
        created_at__lt=cutoff, subscriptions__isnull=True
    ).delete()
    return deleted


class Subscriber(models.Model):
    email = models.EmailField(
        "email address",
        max_length=254,
        help_text="Where the alerts go. Each address appears once, whatever its capital letters.",
    )
    confirmed_at = models.DateTimeField(
        "confirmed at",
        null=True,
        blank=True,
        help_text="When the person first clicked the link in our email. Empty until then.",
    )
    created_at = models.DateTimeField("signed up at", auto_now_add=True)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "email alert subscriber"
        verbose_name_plural = "subscriber addresses"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="alerts_subscriber_email_unique_ci"),
        ]
        permissions = [("view_subscriber_address", "View subscriber addresses")]

    def __str__(self):
        return self.email

    def delete_if_unsubscribed(self):
        """An address with no subscriptions left is not kept."""
        if not self.subscriptions.exists():
            self.delete()
            return True
        return False


class What(models.TextChoices):
    EVERYTHING = "everything", "Everything on this site"
    PRIORITY = "priority", "One priority"
    NEWS = "news", "News"
    DECISIONS = "decisions", "Decisions"
    PROGRESS = "progress", "Progress updates"


class Frequency(models.TextChoices):
    IMMEDIATELY = "immediately", "As it happens"
    DAILY = "daily", "Once a day, a summary"
    WEEKLY = "weekly", "Once a week, a summary"


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def counts_per_list(self):
        """How many confirmed subscriptions each list has, per how often: numbers only,
        no addresses, in one query."""
        return (
            self.confirmed()
            .values("what", "priority__number", "priority__short_title", "frequency")
            .annotate(subscribers=models.Count("pk"))
            .order_by("what", "priority__number", "frequency")
        )


class Subscription(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    what = models.CharField(
        "about",
        max_length=20,
        choices=What.choices,
        help_text="Which updates the person asked for.",
    )
    priority = models.ForeignKey(
        "priorities.Priority",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The priority, when they asked about one priority only.",
    )
    frequency = models.CharField(
        "how often",
        max_length=20,
        choices=Frequency.choices,
        default=Frequency.IMMEDIATELY,
        help_text="An email for each change, or a summary once a day or once a week.",
    )
    confirmed_at = models.DateTimeField(
        "confirmed at",
        null=True,
        blank=True,
        help_text="When the person clicked the link in our email. Nothing is sent until then.",
    )
    created_at = models.DateTimeField("asked for at", auto_now_add=True)
    updated_at = models.DateTimeField("changed at", auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["what", "priority__number"]
        verbose_name = "email alert subscription"
        verbose_name_plural = "people per list"
        constraints = [
            models.UniqueConstraint(
                "subscriber",
                "what",
                condition=~models.Q(what="priority"),
                name="alerts_subscription_one_per_list",
            ),
            models.UniqueConstraint(
                "subscriber",
                "priority",
                condition=models.Q(what="priority"),
                name="alerts_subscription_one_per_priority",
            ),
            models.CheckConstraint(
                condition=models.Q(what="priority", priority__isnull=False)
                | (~models.Q(what="priority") & models.Q(priority__isnull=True)),
                name="alerts_subscription_priority_only_for_priority",
            ),
        ]

    def __str__(self):
        return f"{self.describe()}, {self.get_frequency_display().lower()}"

    @property
    def list_key(self):
        """The list it is, as a change names the lists it belongs to (Change.lists)."""
        return f"priority:{self.priority_id}" if self.what == What.PRIORITY else self.what

    def describe(self):
        """What they get, in words: "Priority 2: ..." or "News"."""
        if self.what == What.PRIORITY and self.priority_id:
            return str(self.priority)
        return self.get_what_display()

    def confirm(self, frequency):
        now = timezone.now()
        self.frequency = frequency
        self.confirmed_at = self.confirmed_at or now
        self.save()
        if self.subscriber.confirmed_at is None:
            self.subscriber.confirmed_at = now
            self.subscriber.save(update_fields=["confirmed_at"])


# What is sent -------------------------------------------------------------------------


class Reason(models.TextChoices):
    PUBLISHED = "published", "Published"
    UPDATED = "updated", "Updated (a public change note)"


class ChangeQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(announced_at__isnull=True)

    def due(self, now=None):
        """Waiting to be announced, and its moment has come."""
        return self.pending().filter(due_at__lte=now or timezone.now())

    def announced_between(self, start, end):
        return self.filter(announced_at__gte=start, announced_at__lt=end)

    def with_counts(self):
        """Each change with how many of its emails are waiting, sent and failed, in one
        query."""
        return self.annotate(**email_counts())


def email_counts():
    """How many of a change's or digest's emails are waiting, sent and failed: the
    annotations of their `with_counts()`."""
    return {
        "emails_queued": models.Count(
            "deliveries",
            filter=models.Q(
                deliveries__status__in=[Delivery.Status.QUEUED, Delivery.Status.SENDING]
            ),
        ),
        "emails_sent": models.Count(
            "deliveries", filter=models.Q(deliveries__status=Delivery.Status.SENT)
        ),
        "emails_failed": models.Count(
            "deliveries", filter=models.Q(deliveries__status=Delivery.Status.FAILED)
        ),
    }


class Change(models.Model):
    """Something families may be told about: an item that became public, or a public
    change note on a public item. Recorded when it is saved; announced (its emails
    queued, what it says kept) when its moment comes, so a scheduled item is announced
    when it goes public, never at save. An item is announced as published once, ever."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    change_note = models.ForeignKey(
        "publishing.ChangeNote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The public change note, for an update.",
    )
    due_at = models.DateTimeField(
        "due at", db_index=True, help_text="When the public can see it: the alert goes then."
    )
    announced_at = models.DateTimeField(
        "announced at",
        null=True,
        blank=True,
        db_index=True,
        help_text="When its emails were queued. Empty while it waits for its moment.",
    )
    # What the emails say, kept as it was at the moment of announcing.
    kind_label = models.CharField("what it is", max_length=100, blank=True)
    title = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    note = models.CharField("change note", max_length=300, blank=True)
    address = models.CharField("web address", max_length=500, blank=True)
    lists = models.JSONField(
        default=list,
        blank=True,
        help_text="The lists it is in: everything, news, decisions, progress, priority:<id>.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-due_at", "-pk"]
        verbose_name = "email alert"
        verbose_name_plural = "email alerts sent"
        constraints = [
            models.UniqueConstraint(
                "content_type",
                "object_id",
                condition=models.Q(reason="published"),
                name="alerts_change_one_publication_per_item",
            ),
            models.UniqueConstraint(
                "change_note",
                condition=models.Q(reason="updated"),
                name="alerts_change_one_per_change_note",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        title = self.title or f"{self.content_type.name} {self.object_id}"
        return f"{self.get_reason_display()}: {title}"

    @property
    def subject(self):
        prefix = "New" if self.reason == Reason.PUBLISHED else "Updated"
        return f"{prefix}: {self.title}"


class DigestQuerySet(models.QuerySet):
    def with_counts(self):
        """Each summary with how many of its emails are waiting, sent and failed, in one
        query."""
        return self.annotate(**email_counts())


class Digest(models.Model):
    """One daily or weekly summary: the changes announced in its period, gathered into
    one email per person who asked for that. Made once per period (a unique
    constraint), so running the digest command twice sends nothing twice."""

    frequency = models.CharField("how often", max_length=20, choices=Frequency.choices)
    period_start = models.DateTimeField("from")
    period_end = models.DateTimeField("until")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DigestQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        verbose_name = "daily or weekly summary"
        verbose_name_plural = "daily and weekly summaries sent"
        constraints = [
            models.UniqueConstraint(
                "frequency", "period_start", name="alerts_digest_one_per_period"
            )
        ]

    def __str__(self):
        return (
            f"{self.get_frequency_display()} from {timezone.localtime(self.period_start):%d %b %Y}"
        )


class DeliveryQuerySet(models.QuerySet):
    def claimable(self, now=None):
        """Waiting, or taken by a worker whose time ran out (it stopped mid-send)."""
        now = now or timezone.now()
        return self.filter(
            models.Q(status=Delivery.Status.QUEUED)
            | models.Q(status=Delivery.Status.SENDING, lease_until__lt=now),
            subscriber__isnull=False,
        )


class Delivery(models.Model):
    """One email to one person: about one change, or one digest. Recorded once (unique
    constraints), so nobody gets the same alert twice, however many of their lists it
    matched and however often a worker retries."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to send"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.SET_NULL,
        null=True,
        related_name="deliveries",
        help_text="Empty once the person has stopped their emails.",
    )
    change = models.ForeignKey(
        Change, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    digest = models.ForeignKey(
        Digest, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    digest_changes = models.JSONField(
        default=list, blank=True, help_text="For a digest: the changes it gathers for this person."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = "email to one subscriber"
        verbose_name_plural = "emails to one subscriber"
        constraints = [
            models.UniqueConstraint(
                "subscriber",
                "change",
                condition=models.Q(change__isnull=False),
                name="alerts_delivery_once_per_person_and_change",
            ),
            models.UniqueConstraint(
                "subscriber",
                "digest",
                condition=models.Q(digest__isnull=False),
                name="alerts_delivery_once_per_person_and_digest",
            ),
            models.CheckConstraint(
                condition=models.Q(change__isnull=False, digest__isnull=True)
                | models.Q(change__isnull=True, digest__isnull=False),
                name="alerts_delivery_of_a_change_or_a_digest",
            ),
        ]
        indexes = [
            models.Index(fields=["change", "status"]),
            models.Index(fields=["digest", "status"]),
        ]

    def __str__(self):
        return f"{self.get_status_display()}: {self.change or self.digest}"


class Sending(models.Model):
    """The switch that pauses all alert emails (one row). Paused, nothing is sent and
    nothing is lost: emails wait, and go when sending is switched back on."""

    paused = models.BooleanField(
        "pause all alert emails",
        default=False,
        help_text="Tick to stop every alert email and summary going out. They wait and "
        "are sent when you untick it. Confirmation and manage-link emails still go.",
    )
    changed_at = models.DateTimeField(auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )

    class Meta:
        verbose_name = "sending switch"
        verbose_name_plural = "sending switch"

    def __str__(self):
        return "Alert emails are paused" if self.paused else "Alert emails are being sent"

    @classmethod
    def is_paused(cls):
        return cls.objects.filter(pk=1, paused=True).exists()
