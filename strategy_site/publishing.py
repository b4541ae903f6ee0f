"""
The publishing base shared by everything that is dated and published:
press releases and cabinet decisions today, progress updates later.
"""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
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

        `now()` is read at query time, so a scheduled item appears at its
        moment with no cron job and no restart.
        """
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def drafts(self):
        return self.filter(status=Status.DRAFT)

    def in_review(self):
        return self.filter(status=Status.IN_REVIEW)


class Publishable(models.Model):
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
    change_notes = GenericRelation("strategy_site.ChangeNote")

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED:
            if self.published_at is None:
                self.published_at = timezone.now()
            # Follows the schedule until the item has really been public.
            if self.first_published_at is None or self.first_published_at > timezone.now():
                self.first_published_at = self.published_at
        elif self.first_published_at and self.first_published_at > timezone.now():
            self.first_published_at = None  # unpublished before it ever went live
        previous_slug = self._saved_slug() if self.was_ever_public else None
        super().save(*args, **kwargs)
        if self.was_ever_public:
            self.remember_addresses(previous_slug, self.slug)

    def delete(self, *args, **kwargs):
        if self.was_ever_public:
            self.remember_addresses(self.slug)  # so its address answers 410 Gone, not 404
        return super().delete(*args, **kwargs)

    def _saved_slug(self):
        if self.pk is None:
            return None
        return type(self)._default_manager.filter(pk=self.pk).values_list("slug", flat=True).first()

    def remember_addresses(self, *slugs):
        """Keep every address this item has had since it first went public.

        Subclasses have a `slug` field; their detail views answer 301 or 410
        for remembered addresses (see strategy_site.views).
        """
        from strategy_site.models import SlugRecord

        for slug in {slug for slug in slugs if slug}:
            SlugRecord.remember(self, slug)

    @property
    def is_published(self):
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
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
