"""
The publishing base shared by everything that is dated and published, in two layers,
and its plumbing.

- `Publishable`: status, scheduling and the permission to publish (the roles). Its
  `published()` is the one rule for "public now".
- `HasAddressHistory`, a `Publishable` with a public address of its own: every address
  it has had once public is kept as a `SlugRecord`, for 301 and 410 answers.

The plumbing (addresses an item has had, preview links for sign-off, public change
notes) points at its item through a generic relation, so every publishable model
shares one mechanism without this app knowing any of them.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import slugify


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """What the public may see: published, and not scheduled for later.

        The one place the site says what "public now" means: every list, feed, page,
        search, sitemap and data file asks through here (or, for an item already in
        memory, `Publishable.is_published`, which applies the same rule). `now()` is
        read at query time, so a scheduled item appears at its moment with no cron
        job and no restart.
        """
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self):
        """Signed off by a publisher, but not public until a moment still to come."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def in_review(self):
        return self.filter(status=Status.IN_REVIEW)


class Publishable(models.Model):
    """Status, scheduling and roles: Draft → In review → Published, optionally at a
    future moment, and a `publish_<model>` permission that only publishers hold.

    Every model that goes through the editorial workflow is one. A model with a public
    address of its own also keeps its address history: see `HasAddressHistory`.
    """

    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Draft: being written. In review: ready for a publisher to sign off. "
        "Published: on the site from the publication date. Only publishers can publish.",
    )
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "When this appears on the site, in UK time. Leave empty to publish now. "
            "A future date and time keeps it hidden until that moment."
        ),
    )
    first_published_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When the public could first see it. Once set, its address is never reused: "
        "it answers “gone” if unpublished.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Public notes about significant updates, shown as “last updated” (as GOV.UK does).
    change_notes = GenericRelation("publishing.ChangeNote")

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.follow_schedule()
        super().save(*args, **kwargs)

    def follow_schedule(self):
        """Set the dates the status implies. Doing it twice changes nothing."""
        if self.status == Status.PUBLISHED:
            if self.published_at is None:
                self.published_at = timezone.now()
            # Follows the schedule until the item has really been public.
            if self.first_published_at is None or self.first_published_at > timezone.now():
                self.first_published_at = self.published_at
        elif self.first_published_at and self.first_published_at > timezone.now():
            self.first_published_at = None  # unpublished before it ever went live

    @classmethod
    def publish_permission(cls):
        """The permission to publish, unpublish and schedule this kind of item, as
        `user.has_perm()` takes it. Each model declares it in its `Meta.permissions`,
        with words for the admin's list of permissions; `check()` makes sure it does."""
        return f"{cls._meta.app_label}.{cls.publish_codename()}"

    @classmethod
    def publish_codename(cls):
        return f"publish_{cls._meta.model_name}"

    @classmethod
    def check(cls, **kwargs):
        errors = super().check(**kwargs)
        declared = {codename for codename, _ in cls._meta.permissions}
        if not cls._meta.abstract and cls.publish_codename() not in declared:
            errors.append(
                checks.Error(
                    f"{cls._meta.label} is publishable but declares no permission to publish.",
                    hint=f"Add ({cls.publish_codename()!r}, 'Can publish, unpublish and "
                    "schedule ...') to its Meta.permissions.",
                    obj=cls,
                    id="publishing.E001",
                )
            )
        return errors

    @property
    def is_published(self):
        """Whether the public can see it now: `published()`'s rule, for an item in memory."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        """`scheduled()`'s rule, for an item in memory."""
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def was_ever_public(self):
        return self.first_published_at is not None and self.first_published_at <= timezone.now()

    @property
    def state_label(self):
        """What an editor needs to know at a glance: Draft, In review, Scheduled or Published."""
        if self.is_scheduled:
            when = date_format(timezone.localtime(self.published_at), r"j M Y \a\t H:i")
            return f"Scheduled for {when} (UK time)"
        return self.get_status_display()

    @property
    def last_updated_at(self):
        """The latest public change note's date, from prefetched notes when available."""
        notes = list(self.change_notes.all())
        return max((note.created_at for note in notes), default=None)


# The help for the `slug` of a `HasAddressHistory` model: what really happens on a rename.
ADDRESS_HELP = (
    "The last part of the web address, filled in from the title. You can change it, even "
    "after publishing: its old address keeps working and takes people to the new one."
)


class HasAddressHistory(Publishable):
    """A publishable item with a public address of its own, made from its `slug` field.

    Once the item has been public, every address it has had is kept (`SlugRecord`), so
    a shared link never breaks: its detail view (publishing.views.PublishedDetailMixin)
    answers an old address with 301 to the current one, and the address of an item
    unpublished or deleted with 410 Gone. An item shown only on another item's page (a
    progress update) or at another page's address (an Easy Read version) has no address
    of its own, and is a plain `Publishable`.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # The dates first, so `was_ever_public` is what this save will make it.
        self.follow_schedule()
        previous_slug = self.stored_slug() if self.was_ever_public else None
        super().save(*args, **kwargs)
        if self.was_ever_public:
            self.remember_addresses(previous_slug, self.slug)

    def delete(self, *args, **kwargs):
        if self.was_ever_public:
            self.remember_addresses(self.slug)  # so its address answers 410 Gone, not 404
        return super().delete(*args, **kwargs)

    def stored_slug(self):
        """The slug as the database has it, before this save changes it."""
        if self.pk is None:
            return None
        return type(self)._default_manager.filter(pk=self.pk).values_list("slug", flat=True).first()

    def remember_addresses(self, *slugs):
        """Keep every address this item has had since it first went public."""
        for slug in {slug for slug in slugs if slug}:
            SlugRecord.remember(self, slug)

    @classmethod
    def check(cls, **kwargs):
        errors = super().check(**kwargs)
        if not cls._meta.abstract and "slug" not in {f.name for f in cls._meta.get_fields()}:
            errors.append(
                checks.Error(
                    f"{cls._meta.label} keeps an address history but has no slug field.",
                    hint="Give it a `slug` field, or make it a plain Publishable.",
                    obj=cls,
                    id="publishing.E002",
                )
            )
        return errors


class SlugFromTitle(models.Model):
    """Fills in an empty slug from the title when saving.

    The admin prefills slugs as editors type; this is the safety net for
    fixtures, imports and the shell.
    """

    slug_source_field = "title"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self, getattr(self, self.slug_source_field))
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is used by the site itself. Choose another web address."}
            )


# Addresses the site's own pages use inside each section, e.g. /news/feed/.
RESERVED_SLUGS = {"feed", "atom"}


def unique_slug(instance, text, *, field="slug", queryset=None):
    """A slug made of lowercase words from `text`, unique among its siblings."""
    max_length = instance._meta.get_field(field).max_length
    base = slugify(text)[:max_length].strip("-") or "item"
    queryset = queryset if queryset is not None else type(instance)._default_manager.all()
    if instance.pk:
        queryset = queryset.exclude(pk=instance.pk)
    candidate, n = base, 2
    while candidate in RESERVED_SLUGS or queryset.filter(**{field: candidate}).exists():
        suffix = f"-{n}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return candidate


class SlugRecordQuerySet(models.QuerySet):
    def for_model(self, model):
        return self.filter(content_type=ContentType.objects.get_for_model(model))


class SlugRecord(models.Model):
    """Every address a published item has had, kept forever.

    A shared link never breaks: an old slug answers 301 to the item's current
    address, and the address of an item that was unpublished or deleted
    answers 410 Gone rather than “not found”.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    slug = models.SlugField(max_length=120)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SlugRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "published address"
        constraints = [
            models.UniqueConstraint(fields=["content_type", "slug"], name="slug_record_unique"),
        ]

    def __str__(self):
        return f"{self.content_type.model} {self.object_id}: {self.slug}"

    @classmethod
    def remember(cls, item, slug):
        cls.objects.update_or_create(
            content_type=ContentType.objects.get_for_model(item),
            slug=slug,
            defaults={"object_id": item.pk},
        )


def new_preview_token():
    return secrets.token_urlsafe(32)


def default_preview_expiry():
    return timezone.now() + timedelta(days=PreviewLink.DEFAULT_DAYS)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """An unguessable, expiring, revocable link to an unpublished item.

    For sign-off by someone without an account, such as a cabinet member.
    """

    DEFAULT_DAYS = 7

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    token = models.CharField(max_length=64, unique=True, default=new_preview_token, editable=False)
    expires_at = models.DateTimeField(default=default_preview_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.item} until {timezone.localtime(self.expires_at):%d %b %Y %H:%M}"

    def get_absolute_url(self):
        return reverse("preview", kwargs={"token": self.token})

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


class ChangeNote(models.Model):
    """A public note about a significant update, e.g. “Updated the list of partners”."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    note = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, editable=False
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return self.note


class ReviewQuerySet(models.QuerySet):
    def open(self):
        """Not yet answered by a new submission or by publication."""
        return self.filter(closed_at__isnull=True)

    def sent_back(self):
        return self.open().filter(sent_back_at__isnull=False)

    def for_item(self, item):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)

    def emails_not_sent(self, before):
        """Open reviews with an email still to send for something that happened before
        `before` (anything newer may still have its task on the way), that no worker is
        sending now. A closed review's emails would be out of date: they are never sent."""
        now = timezone.now()
        return (
            self.open()
            .filter(models.Q(emailing_until__isnull=True) | models.Q(emailing_until__lte=now))
            .filter(
                models.Q(submission_emailed_at__isnull=True, submitted_at__lte=before)
                | models.Q(sent_back_emailed_at__isnull=True, sent_back_at__lte=before)
            )
        )


class Review(models.Model):
    """One request for review: who set an item to “In review”, and when; and, if a
    publisher sent it back to be changed, who did, when and why.

    It stays open until the item is submitted again or published, so the admin home
    can show an editor what was sent back to them, with the publisher's comment.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when it was put in review outside the admin.",
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sent_back_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(
        blank=True, help_text="What the publisher asked to be changed before it goes live."
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was submitted again or published."
    )
    restored_from = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Put in review by restoring the version saved at this moment, rather than "
        "by an edit.",
    )
    # Whether each event's emails have gone (publishing/reviews.py), so a lost or failed
    # email is sent later (`manage.py send_review_emails`) and a sent one never again.
    submission_emailed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the Publishers were emailed that it waits for review (also set when "
        "there was nobody to email). Empty: not yet.",
    )
    sent_back_emailed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the editor was emailed that it was sent back (also set when there "
        "was nobody to email). Empty: not yet, or not sent back.",
    )
    emailing_until = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="A worker is sending its emails: no other may until then.",
    )

    objects = ReviewQuerySet.as_manager()

    class Event(models.TextChoices):
        SUBMITTED = "submitted", "Submitted for review"
        SENT_BACK = "sent_back", "Sent back"

    # Which field says that an event's emails have gone.
    EMAILED_AT = {
        Event.SUBMITTED: "submission_emailed_at",
        Event.SENT_BACK: "sent_back_emailed_at",
    }

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"Review of {self.item}"

    @classmethod
    def submit(cls, item, by, restored_from=None):
        """The item was set to “In review” (by restoring the version saved at
        `restored_from`, if given): earlier reviews of it are answered."""
        cls.close(item)
        return cls.objects.create(item=item, submitted_by=by, restored_from=restored_from)

    @classmethod
    def close(cls, item):
        cls.objects.for_item(item).open().update(closed_at=timezone.now())

    @classmethod
    def send_back(cls, item, by, comment):
        """A publisher sends the item back to its editor: the latest open review gets the
        comment (one is made if the item was put in review outside the admin)."""
        review = cls.objects.for_item(item).open().first() or cls(item=item)
        review.sent_back_by = by
        review.sent_back_at = timezone.now()
        review.comment = comment
        review.save()
        return review

    def emails_not_sent(self, before):
        """The events before `before` whose emails have not gone yet, oldest first."""
        events = []
        if self.submission_emailed_at is None and self.submitted_at <= before:
            events.append(self.Event.SUBMITTED)
        sent_back = self.sent_back_at is not None and self.sent_back_at <= before
        if sent_back and self.sent_back_emailed_at is None:
            events.append(self.Event.SENT_BACK)
        return events

    @classmethod
    def claim_emails(cls, review_id, event, lease):
        """Take the sending of an event's emails for `lease`, if they have not gone and no
        other worker has them. One conditional update, so two workers (the task and a
        catch-up's, say) never both send them."""
        now = timezone.now()
        return bool(
            cls.objects.filter(pk=review_id, **{f"{cls.EMAILED_AT[event]}__isnull": True})
            .filter(models.Q(emailing_until__isnull=True) | models.Q(emailing_until__lte=now))
            .update(emailing_until=now + lease)
        )

    @classmethod
    def emails_sent(cls, review_id, event):
        cls.objects.filter(pk=review_id).update(
            **{cls.EMAILED_AT[event]: timezone.now()}, emailing_until=None
        )

    @classmethod
    def release_emails(cls, review_id):
        """Give the sending back (it failed): a later try may take it."""
        cls.objects.filter(pk=review_id).update(emailing_until=None)


class ReviewEmail(models.Model):
    """One email of a review event to one person, recorded as the mail server answers:
    a try after a failure part-way through an event's emails emails nobody twice."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="emails")
    event = models.CharField(max_length=20, choices=Review.Event.choices)
    to = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)
    refused = models.CharField(
        max_length=300,
        blank=True,
        help_text="The mail server's answer when it refused the address for good (a mailbox "
        "that does not exist); empty when it took the email.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "event", "to"], name="review_email_once"),
        ]

    def __str__(self):
        return f"{self.get_event_display()}: {self.to}"


class PreparedChangeQuerySet(models.QuerySet):
    def open(self):
        """Not yet published or discarded."""
        return self.filter(closed_at__isnull=True)

    def for_item(self, item):
        return self.filter(content_type=ContentType.objects.get_for_model(item), object_id=item.pk)

    def waiting_for_review(self):
        return self.open().filter(wants_review=True)


class PreparedChange(models.Model):
    """Changes an editor has prepared to a live item, kept aside until a publisher
    publishes them (publishing/prepared.py): the public keeps seeing the live version.

    The prepared version is a revision of django-reversion's, like every version in an
    item's history, with the rows edited with the item (its quotes, its points) and
    its picture; it is kept out of the item's own list of versions (history.versions_of)
    so that "the current version" is always the live one. An item has at most one set
    of prepared changes open at a time: whoever edits the live item next works on it.
    """

    class Outcome(models.TextChoices):
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    item = GenericForeignKey("content_type", "object_id")
    revision = models.OneToOneField(
        "reversion.Revision", on_delete=models.CASCADE, related_name="prepared_change"
    )
    based_on = models.ForeignKey(
        "reversion.Version",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        help_text="The live version the changes were made to.",
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    prepared_at = models.DateTimeField(default=timezone.now)
    wants_review = models.BooleanField(
        "ready for a publisher",
        default=False,
        help_text="The editor asked a publisher to publish them.",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)

    objects = PreparedChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-prepared_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(closed_at__isnull=True),
                name="one_open_prepared_change_per_item",
            )
        ]

    def __str__(self):
        return f"Prepared changes to {self.item}"

    @property
    def is_open(self):
        return self.closed_at is None

    def close(self, outcome, by):
        self.closed_at = timezone.now()
        self.closed_by = by
        self.outcome = outcome
        self.save(update_fields=["closed_at", "closed_by", "outcome"])
