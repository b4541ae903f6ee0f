from django.db import models
from django.urls import reverse
from django.utils.dateformat import format as date_format
from markdownx.models import MarkdownxField

from images import models as images
from news import search_vectors
from priorities.models import Priority, Strategy
from publishing.models import (
    ADDRESS_HELP,
    HasAddressHistory,
    PublishableQuerySet,
    SlugFromTitle,
    Status,
)
from search.vectors import SearchVectorIndex, StoredSearchVectorField, WithoutStoredVectors

# What a decision's page says for a part of the formal record that the record leaves out.
NOT_STATED = "Not stated in the record"


class PressRelease(images.HasPicture, SlugFromTitle, HasAddressHistory):
    title = models.CharField("headline", max_length=200)
    slug = models.SlugField(max_length=120, unique=True, help_text=ADDRESS_HELP)
    standfirst = models.TextField(
        help_text="One or two sentences under the headline that sum up the news. "
        "Also used in lists and link previews.",
    )
    body = MarkdownxField(
        help_text="The full text. Put quotes in the Quotes section below, not here.",
    )
    # PROTECT: a picture in use cannot be deleted from under a page (nor from under
    # the page's history, which restores it). Pictures are removed from the page.
    image = models.ForeignKey(
        images.Image,
        verbose_name="photo",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="press_releases",
        help_text="Optional: a JPEG, PNG or WebP. Where and how it was taken "
        "(location, camera details) is removed when it is saved.",
    )
    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, null=True, blank=True, related_name="press_releases"
    )
    priorities = models.ManyToManyField(
        Priority,
        blank=True,
        related_name="press_releases",
        help_text="The priorities this news is about. It is listed on their pages.",
    )
    # Site search on PostgreSQL: every searched word (its quotes' too), and the
    # headline's and standfirst's alone for ranking, kept by these triggers.
    search_vector = StoredSearchVectorField()
    search_heading = StoredSearchVectorField()
    search_triggers = (search_vectors.PRESS_RELEASE, search_vectors.QUOTE_REFRESHES_PRESS_RELEASE)

    objects = WithoutStoredVectors.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["-published_at", "-pk"]
        indexes = [
            SearchVectorIndex(fields=["search_vector"], name="news_pressrelease_search_vector"),
            SearchVectorIndex(fields=["search_heading"], name="news_pressrelease_search_heading"),
        ]
        permissions = [
            ("publish_pressrelease", "Can publish, unpublish and schedule press releases")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("news:detail", kwargs={"slug": self.slug})

    picture_folder = "news/%Y/"

    def picture_goes_public(self):
        return self.status == Status.PUBLISHED

    def missing_alt_message(self):
        return "Add an image description (alt text) for the photo, or tick “decorative”."

    def missing_consent_message(self):
        return (
            "Record consent from everyone in the photo (for a child, from a parent or carer) "
            "and tick this box before publishing. If nobody can be recognised, untick "
            "“the photo shows people”."
        )


class Quote(models.Model):
    press_release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="quotes")
    order = models.PositiveSmallIntegerField(default=0, help_text="Quotes are shown in this order.")
    speaker = models.CharField(max_length=120, help_text="Who said it, e.g. “Cllr Jane Davies”.")
    role = models.CharField(
        max_length=250, blank=True, help_text="Their role, e.g. “Cabinet Member for SEND”."
    )
    text = models.TextField("quote", help_text="Their exact words, without quotation marks.")
    # Its words and speaker (PostgreSQL). Search finds quotes through their press
    # release's vector, which the second trigger of PressRelease.search_triggers keeps.
    search_vector = StoredSearchVectorField()
    search_triggers = (search_vectors.QUOTE,)

    objects = WithoutStoredVectors()

    class Meta:
        ordering = ["order", "pk"]
        indexes = [SearchVectorIndex(fields=["search_vector"], name="news_quote_search_vector")]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"


class CabinetDecision(SlugFromTitle, HasAddressHistory):
    class DecisionType(models.TextChoices):
        KEY = "key", "Key decision"
        NON_KEY = "non_key", "Non-key decision"

    class DecisionStatus(models.TextChoices):
        APPROVED = "approved", "Recommendations approved"
        AMENDED = "amended", "Approved with amendments"
        REJECTED = "rejected", "Recommendations rejected"
        DEFERRED = "deferred", "Deferred"
        CALLED_IN = "called_in", "Called in"

    title = models.CharField(
        "issue title", max_length=200, help_text="The issue's title in the committee record."
    )
    slug = models.SlugField(max_length=120, unique=True, help_text=ADDRESS_HELP)
    meeting_body = models.CharField(
        max_length=120, default="Cabinet", help_text="Who made the decision, e.g. “Cabinet”."
    )
    meeting_date = models.DateField(help_text="The day of the meeting.")
    item_number = models.CharField(
        "agenda item number", max_length=20, blank=True, help_text="E.g. “103”."
    )
    purpose = models.TextField(
        "what the meeting was asked to do",
        blank=True,
        help_text="As in the agenda, e.g. “To receive the report from the Chief Executive.”",
    )
    summary_for_families = MarkdownxField(
        "what this means for families",
        blank=True,
        help_text="A short plain-English explanation shown above the formal record. "
        "Say only what the sources say.",
    )
    reasons = MarkdownxField(
        "reasons for the proposals", blank=True, help_text="As in the committee record."
    )
    discussion = MarkdownxField(
        "account of the discussion",
        blank=True,
        help_text="The minute of what was said, as in the committee record.",
    )
    decision_type = models.CharField(
        max_length=20,
        choices=DecisionType.choices,
        blank=True,
        help_text=f"Only if the record states it. Leave empty otherwise: the page then says "
        f"“{NOT_STATED}”.",
    )
    decision_status = models.CharField(
        max_length=20,
        choices=DecisionStatus.choices,
        blank=True,
        help_text=f"Only if the record states a status, e.g. “Recommendations approved”. "
        f"Leave empty otherwise: the page then says “{NOT_STATED}”. What the meeting noted "
        "and approved is shown from the decision points, in the record's own headings.",
    )
    presented_by = models.CharField(
        "report presented by",
        max_length=250,
        blank=True,
        help_text="Who presented the report at the meeting, with their role, as the record "
        "gives them, e.g. “Cllr Jane Davies, Cabinet Member for Adult Social Care, SEND and "
        f"Inclusion”. Leave empty if the record does not say: the page then says “{NOT_STATED}”.",
    )
    lead_member = models.CharField(
        max_length=250,
        blank=True,
        help_text="Only if the record names a lead member, with their role as the record gives "
        f"it. Leave empty otherwise: the page then says “{NOT_STATED}”. Someone who presented "
        "the report is not the lead member unless the record says so.",
    )
    official_record_url = models.URLField(
        "link to the official record",
        blank=True,
        help_text="The decision's page in the council's committee system, if known.",
    )
    strategy = models.ForeignKey(
        Strategy, on_delete=models.PROTECT, null=True, blank=True, related_name="decisions"
    )
    priorities = models.ManyToManyField(
        Priority,
        blank=True,
        related_name="decisions",
        help_text="The priorities this decision concerns. It is listed on their pages.",
    )
    # Site search on PostgreSQL: every searched word, and the title's and summary's
    # alone for ranking, kept by this trigger.
    search_vector = StoredSearchVectorField()
    search_heading = StoredSearchVectorField()
    search_triggers = (search_vectors.CABINET_DECISION,)

    objects = WithoutStoredVectors.from_queryset(PublishableQuerySet)()

    class Meta:
        ordering = ["-meeting_date", "-published_at", "-pk"]
        indexes = [
            SearchVectorIndex(fields=["search_vector"], name="news_cabinetdecision_search_vector"),
            SearchVectorIndex(
                fields=["search_heading"], name="news_cabinetdecision_search_heading"
            ),
        ]
        permissions = [
            ("publish_cabinetdecision", "Can publish, unpublish and schedule cabinet decisions")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("decisions:detail", kwargs={"slug": self.slug})

    @property
    def meeting(self):
        item = f" (item {self.item_number})" if self.item_number else ""
        return f"{self.meeting_body}, {date_format(self.meeting_date, 'j F Y')}{item}"

    def recorded_outcome(self):
        """What the record's headings say the meeting did, in their words and order:
        “Cabinet noted and approved”. Empty before any points are added. Uses the
        prefetched points, so it costs no query on the decision's page."""
        headings = list(dict.fromkeys(heading.lower() for heading, _ in self.points_by_heading()))
        if not headings:
            return ""
        if len(headings) > 1:
            headings = [", ".join(headings[:-1]), headings[-1]]
        return f"{self.meeting_body} {' and '.join(headings)}"

    def points_by_heading(self):
        """Decision points grouped as in the record: “Noted”, then “Approved”…

        Works from the prefetched points, so it costs no extra query per page.
        """
        groups = []
        for point in self.points.all():
            if groups and groups[-1][0] == point.get_kind_display():
                groups[-1][1].append(point)
            else:
                groups.append((point.get_kind_display(), [point]))
        return groups


class DecisionPoint(models.Model):
    """One numbered point of a decision, e.g. “Cabinet Approved: 2) The strategy”."""

    class Kind(models.TextChoices):
        NOTED = "noted", "Noted"
        APPROVED = "approved", "Approved"
        AGREED = "agreed", "Agreed"
        RESOLVED = "resolved", "Resolved"
        RECOMMENDED = "recommended", "Recommended"
        DELEGATED = "delegated", "Delegated"

    decision = models.ForeignKey(CabinetDecision, on_delete=models.CASCADE, related_name="points")
    number = models.PositiveSmallIntegerField(help_text="Its number in the record.")
    kind = models.CharField(
        "heading", max_length=20, choices=Kind.choices, help_text="E.g. Noted or Approved."
    )
    text = models.TextField()

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision", "number"],
                name="decision_point_number_unique",
                violation_error_message="Two points of this decision have the same number.",
            )
        ]

    def __str__(self):
        return f"{self.number}) {self.text[:60]}"
