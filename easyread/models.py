"""
Easy Read versions of the site's pages: the same information in short sentences,
one idea per line, with an optional picture beside each point.

An Easy Read version belongs to one standard page (a priority, a press release, a
decision, the accessibility statement: every kind of content registered with an
`easy_read` pairing, publishing/content.py) through a generic relation, so any page
type can have one without a column of its own. The two pages link to each other.
Because the Easy Read text is a rewording, it can fall behind: when the standard
page changes after someone last checked the Easy Read version against it, the
version "needs review" until an editor checks it again.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from images import models as images
from publishing import content
from publishing.models import Publishable, PublishableQuerySet, Status
from search.vectors import SearchVectorIndex, StoredSearchVectorField, WithoutStoredVectors

from . import search_vectors


@dataclass(frozen=True)
class PageType:
    """A kind of standard page that can have an Easy Read version."""

    model: type
    label: str  # what editors call it, e.g. "Press release"
    url_name: str  # the Easy Read page, beside the standard one
    section: tuple = ()  # (url name, label) of the section it is in, for breadcrumbs
    by_slug: bool = True  # False: a single page with no slug in its address

    @property
    def key(self):
        return (self.model._meta.app_label, self.model._meta.model_name)

    def easy_read_url(self, page):
        kwargs = {"slug": page.slug} if self.by_slug else {}
        return reverse(self.url_name, kwargs=kwargs)

    def public_pages(self):
        """The pages the public can see, for the admin's list of pages to pair with."""
        return content.of(self.model).published()


def page_types():
    """Every page type that can have an Easy Read version: the kinds of content
    registered with an `easy_read` pairing, in registration order. Each has
    `updated_at` (the "needs review" flag compares it) and a public address."""
    return [
        PageType(
            kind.model,
            kind.easy_read.label,
            f"easyread:{kind.easy_read.url_name}",
            kind.easy_read.section,
            kind.easy_read.by_slug,
        )
        for kind in content.kinds()
        if kind.easy_read is not None
    ]


def page_types_by_key():
    return {page_type.key: page_type for page_type in page_types()}


def page_type_of(page):
    """The PageType of a page (a model instance), or None if it cannot be paired."""
    meta = getattr(page, "_meta", None)
    if meta is None:
        return None
    return page_types_by_key().get((meta.app_label, meta.model_name))


def pairable_content_types():
    """For `limit_choices_to`: only page types with a public page."""
    query = Q(pk__in=[])
    for app_label, model_name in page_types_by_key():
        query |= Q(app_label=app_label, model=model_name)
    return query


class EasyReadQuerySet(PublishableQuerySet):
    def for_page(self, page):
        return self.filter(content_type=ContentType.objects.get_for_model(page), object_id=page.pk)

    def needs_review(self):
        """Versions whose standard page was changed after they were last checked,
        or that have never been checked."""
        changed_since = Q(checked_at__isnull=True)
        for page_type in page_types():
            model = page_type.model
            changed = model._default_manager.filter(
                pk=OuterRef("object_id"), updated_at__gt=OuterRef("checked_at")
            )
            changed_since |= Q(
                content_type__app_label=model._meta.app_label,
                content_type__model=model._meta.model_name,
            ) & Exists(changed)
        return self.filter(changed_since)

    def up_to_date(self):
        return self.exclude(pk__in=self.needs_review().values("pk"))


class EasyReadVersion(Publishable):
    """Its address is its standard page's address plus "easy-read/", so the standard
    page's address history keeps its links working: it has none of its own."""

    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        limit_choices_to=pairable_content_types,
        verbose_name="type of page",
    )
    object_id = models.PositiveBigIntegerField("page number")
    page = GenericForeignKey("content_type", "object_id")

    title = models.CharField(
        max_length=200,
        help_text="Short and plain, e.g. “Priority 1: Families as true partners”. "
        "The page adds “Easy Read” to it.",
    )
    intro = models.TextField(
        "introduction",
        max_length=600,
        validators=[MaxLengthValidator(600)],
        help_text="A few short sentences: what this page is about and any word it explains. "
        "Put each sentence on its own line.",
    )
    checked_at = models.DateTimeField(
        "last checked against the standard page",
        null=True,
        blank=True,
        editable=False,
        help_text="When an editor last confirmed that this says the same as the standard page.",
    )

    # Site search on PostgreSQL: every searched word (its points' too), and the title's
    # and introduction's (easyread/search_vectors.py). Kept by the database.
    search_vector = StoredSearchVectorField()
    search_heading = StoredSearchVectorField()
    search_triggers = (
        search_vectors.EASY_READ_VERSION,
        search_vectors.POINT_REFRESHES_VERSION,
    )

    objects = WithoutStoredVectors.from_queryset(EasyReadQuerySet)()

    class Meta:
        verbose_name = "Easy Read version"
        ordering = ["content_type", "object_id"]
        indexes = [
            SearchVectorIndex(
                fields=["search_vector"], name="easyread_easyreadversion_search_vector"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                name="one_easy_read_version_per_page",
                violation_error_message="This page already has an Easy Read version. "
                "Edit that one instead.",
            )
        ]
        permissions = [
            (
                "publish_easyreadversion",
                "Can publish, unpublish and schedule Easy Read versions",
            )
        ]

    def __str__(self):
        return f"{self.title} (Easy Read)"

    @cached_property
    def page_type(self):
        if self.content_type_id is None:
            return None
        content_type = ContentType.objects.get_for_id(self.content_type_id)
        return page_types_by_key().get((content_type.app_label, content_type.model))

    def get_absolute_url(self):
        page = self.page
        if page is None or self.page_type is None:
            return ""  # the standard page was deleted: there is nothing to pair with
        return self.page_type.easy_read_url(page)

    @property
    def needs_review(self):
        """True when the standard page has changed since this was last checked."""
        if self.checked_at is None:
            return True
        page = self.page
        return page is not None and page.updated_at > self.checked_at

    def mark_checked(self):
        self.checked_at = timezone.now()

    def clean(self):
        super().clean()
        if self.content_type_id and self.object_id is not None and self.page is None:
            raise ValidationError("The page this Easy Read version belongs to does not exist.")


class EasyReadPoint(images.HasPicture):
    """One idea of an Easy Read page, in a few short lines, with an optional picture."""

    version = models.ForeignKey(EasyReadVersion, on_delete=models.CASCADE, related_name="points")
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Points are shown in this order, lowest first."
    )
    text = models.TextField(
        max_length=400,
        validators=[MaxLengthValidator(400)],
        help_text="One idea, in one to three short sentences. Start each sentence on a new "
        "line. Use everyday words.",
    )
    # PROTECT, as for a press release's photo: a picture in use is not deleted.
    image = models.ForeignKey(
        images.Image,
        verbose_name="picture",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="easy_read_points",
        help_text="Optional: a JPEG, PNG or WebP that shows the idea. It is shown beside "
        "the words. Where and how it was taken is removed when it is saved.",
    )

    class Meta:
        verbose_name = "point"
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text.splitlines()[0][:60] if self.text else "Point"

    picture_folder = "easyread/%Y/"

    def missing_alt_message(self):
        return (
            "Describe the picture for people who cannot see it, or remove the picture. "
            "In Easy Read, every picture explains the words beside it."
        )

    def picture_goes_public(self):
        # Its version is the one being saved with it, as the editor has just set it:
        # publishing a version checks every point's picture, before anything is saved.
        try:
            return self.version.status == Status.PUBLISHED
        except EasyReadVersion.DoesNotExist:
            return False  # not part of a version yet

    def missing_consent_message(self):
        return (
            f"The picture beside “{self}” shows people. Record consent from everyone in it "
            "(for a child, from a parent or carer) and tick this box before publishing. "
            "If nobody can be recognised, untick “the picture shows people”."
        )

    @property
    def lines(self):
        """One idea per line, as the editor typed them; blank lines dropped."""
        return [line.strip() for line in self.text.splitlines() if line.strip()]
