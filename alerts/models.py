"""Who asked for email alerts, about what, and how often.

No account and no password: a person is their email address, proven by a link sent to
it. A subscription counts only once its link has been clicked (`confirmed_at`); nothing
but that link is sent before. The links carry signed ids (alerts/tokens.py), never the
address, so no secret is stored here. An address with no subscriptions left is deleted.
"""

from datetime import timedelta

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
