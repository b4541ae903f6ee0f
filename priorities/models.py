from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from markdownx.models import MarkdownxField

from priorities import search_vectors
from publishing.models import SlugFromTitle
from search.vectors import SearchVectorIndex, StoredSearchVectorField, WithoutStoredVectors

PRIORITY_COUNT = 6


class StrategyQuerySet(models.QuerySet):
    def current(self):
        """The strategy in force, or None when none has been marked current."""
        return self.filter(status=Strategy.Status.CURRENT).first()


class Strategy(SlugFromTitle, models.Model):
    class Status(models.TextChoices):
        CURRENT = "current", "Current"
        PREVIOUS = "previous", "Previous"

    title = models.CharField(
        max_length=200,
        help_text="The strategy's full name, e.g. “SEND, Inclusion and Alternative Provision "
        "Strategy 2024-2029”.",
    )
    short_name = models.CharField(
        max_length=120,
        blank=True,
        help_text="The name families know it by, "
        "e.g. “Meeting Needs Together - ambitious for all”.",
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the web address. Lowercase words and hyphens only.",
    )
    start_year = models.PositiveSmallIntegerField(help_text="First year the strategy covers.")
    end_year = models.PositiveSmallIntegerField(help_text="Last year the strategy covers.")
    approved_on = models.DateField(
        null=True, blank=True, help_text="The day it was approved, e.g. by Cabinet. Optional."
    )
    approved_by = models.CharField(
        max_length=120, blank=True, help_text="Who approved it, e.g. “Cabinet”. Optional."
    )
    vision = MarkdownxField(blank=True, help_text="The strategy's vision, in its own words.")
    vision_source = models.CharField(
        "where the vision comes from",
        max_length=300,
        blank=True,
        help_text="Where the vision's words were published, shown under them so readers can "
        "check, e.g. “The strategy document, page 3”. Fill this in whenever there is a vision.",
    )
    summary = MarkdownxField(
        blank=True, help_text="A few sentences in plain English: what the strategy is for."
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.CURRENT,
        help_text="Only one strategy can be current; the home page shows it.",
    )
    document_url = models.URLField(
        "full strategy document",
        blank=True,
        help_text="The web address where anyone can read the full strategy, e.g. on the "
        "council's website. When it is filled in, the home page and every priority page "
        "show a “Read the full strategy” link; while it is empty they show none.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "strategies"
        ordering = ["-start_year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="strategy_ends_after_it_starts",
                violation_error_message="The end year cannot be before the start year.",
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=models.Q(status="current"),
                name="only_one_current_strategy",
                violation_error_message="Another strategy is already current. "
                "Mark that one as previous first.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return (
            reverse("home") if self.status == self.Status.CURRENT else reverse("priorities:index")
        )

    @property
    def period(self):
        return f"{self.start_year} to {self.end_year}"

    def clean(self):
        super().clean()
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": "The end year cannot be before the start year."})


class PriorityQuerySet(models.QuerySet):
    def with_approval(self):
        """Each priority with `approval_slug`: the web address (slug) of the published
        decision that approved its strategy, or None.

        That decision is derived, not typed twice: one of the strategy's own published
        decisions, taken on the day the strategy says it was approved (the earliest
        added, if the meeting made several). A subquery, so a priority page finds it in
        the query that finds the priority. Decisions belong to a higher layer (news),
        so the model is reached through the strategy's reverse relation, not imported.
        """
        decisions = Strategy._meta.get_field("decisions").related_model.objects.published()
        approving = decisions.filter(
            strategy=OuterRef("strategy"), meeting_date=OuterRef("strategy__approved_on")
        ).order_by("pk")
        return self.annotate(approval_slug=Subquery(approving.values("slug")[:1]))


class Priority(SlugFromTitle, models.Model):
    slug_source_field = "short_title"

    strategy = models.ForeignKey(Strategy, on_delete=models.PROTECT, related_name="priorities")
    number = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(PRIORITY_COUNT)],
        help_text=f"Its number in the strategy, 1 to {PRIORITY_COUNT}. Sets the order.",
    )
    short_title = models.CharField(
        max_length=120,
        help_text="A few plain words, used in lists and links, e.g. “Preparing for adulthood”.",
    )
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the web address, filled in from the title. "
        "Changing it breaks links people have shared.",
    )
    pledge = models.TextField(
        help_text="The priority's pledge, worded exactly as in the strategy.",
    )
    body = MarkdownxField(
        blank=True,
        help_text="What the priority means and how it will be delivered. Markdown: "
        "## for headings, - for lists, [words](https://...) for links.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Site search on PostgreSQL: every searched word, and the short title's and
    # pledge's alone for ranking, kept by this trigger.
    search_vector = StoredSearchVectorField()
    search_heading = StoredSearchVectorField()
    search_triggers = (search_vectors.PRIORITY,)

    objects = WithoutStoredVectors.from_queryset(PriorityQuerySet)()

    class Meta:
        verbose_name_plural = "priorities"
        ordering = ["strategy", "number"]
        indexes = [
            SearchVectorIndex(fields=["search_vector"], name="priorities_priority_search_vector")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["strategy", "number"],
                name="priority_number_unique_in_strategy",
                violation_error_message="This strategy already has a priority with this number.",
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=PRIORITY_COUNT),
                name="priority_number_in_range",
                violation_error_message=f"The number must be between 1 and {PRIORITY_COUNT}.",
            ),
        ]

    def __str__(self):
        return f"Priority {self.number}: {self.short_title}"

    def get_absolute_url(self):
        return reverse("priorities:detail", kwargs={"slug": self.slug})
