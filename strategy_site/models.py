"""
Publishing plumbing shared by every publishable model: the addresses an item
has had, preview links for sign-off, and public change notes.

They point at their item through a generic relation, so press releases,
cabinet decisions and anything published later share one mechanism.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone


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
