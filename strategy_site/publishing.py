"""
The publishing base shared by everything that is dated and published:
press releases and cabinet decisions today, progress updates later.
"""

from django.db import models
from django.utils import timezone
from django.utils.text import slugify


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
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


class Publishable(models.Model):
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="Drafts are never shown to the public.",
    )
    published_at = models.DateTimeField(
        "publication date",
        null=True,
        blank=True,
        db_index=True,
        help_text=(
            "When this appears on the site (UK time). Leave empty while drafting: "
            "it is set to now when you publish. A future date keeps it hidden until then."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.status == Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()
        super().save(*args, **kwargs)

    @property
    def is_published(self):
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


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


def unique_slug(instance, text, *, field="slug", queryset=None):
    """A slug made of lowercase words from `text`, unique among its siblings."""
    max_length = instance._meta.get_field(field).max_length
    base = slugify(text)[:max_length].strip("-") or "item"
    queryset = queryset if queryset is not None else type(instance)._default_manager.all()
    if instance.pk:
        queryset = queryset.exclude(pk=instance.pk)
    candidate, n = base, 2
    while queryset.filter(**{field: candidate}).exists():
        suffix = f"-{n}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return candidate
