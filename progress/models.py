"""The strategy's implementation plan in the open.

Each priority has deliverables. Editors add dated progress updates to a
deliverable; an update may change its status, and each change is kept as a
row (the status history). What the public sees is worked out when a page is
read: a deliverable's current status is that of its latest *public* status
change, so a scheduled update changes the status at its moment and a draft
never does.
"""

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField

from priorities.models import Priority
from publishing.models import (
    ADDRESS_HELP,
    HasAddressHistory,
    Publishable,
    PublishableQuerySet,
    SlugFromTitle,
)


class DeliveryStatus(models.TextChoices):
    """How a deliverable is going. The order is the order of pages, charts and tables."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    DELAYED = "delayed", "Delayed"
    COMPLETE = "complete", "Complete"


class TargetPrecision(models.TextChoices):
    MONTH = "month", "A month"
    QUARTER = "quarter", "A quarter (three months)"


# Calendar quarters, named by their months so nobody has to guess whether
# "Q1" means January or (in a council's financial year) April.
QUARTER_START_MONTHS = (1, 4, 7, 10)


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass
class PriorityProgress:
    """One priority's deliverables and how many are in each status."""

    priority: Priority
    deliverables: list

    @property
    def counts(self):
        tally = Counter(deliverable.current_status for deliverable in self.deliverables)
        return [StatusCount(value, label, tally[value]) for value, label in DeliveryStatus.choices]

    @property
    def total(self):
        return len(self.deliverables)


class DeliverableQuerySet(PublishableQuerySet):
    def with_current_status(self):
        """Each deliverable's current status in the same query (a subquery), so a
        page of 200 deliverables costs one query, not 201."""
        latest = (
            StatusChange.objects.public()
            .filter(deliverable=OuterRef("pk"))
            .order_by("-changed_on", "-update__published_at", "-pk")
            .values("status")[:1]
        )
        return self.annotate(
            annotated_status=Coalesce(Subquery(latest), F("starting_status")),
        )

    def progress_by_priority(self, priorities):
        """The roll-up: for each of `priorities`, its deliverables (with their
        current status) in the order of the plan. One query."""
        by_priority = {priority.pk: [] for priority in priorities}
        for deliverable in self.filter(priority__in=by_priority).with_current_status():
            by_priority[deliverable.priority_id].append(deliverable)
        return [PriorityProgress(priority, by_priority[priority.pk]) for priority in priorities]


class Deliverable(SlugFromTitle, HasAddressHistory):
    priority = models.ForeignKey(
        Priority,
        on_delete=models.PROTECT,
        related_name="deliverables",
        help_text="The priority this deliverable helps to meet.",
    )
    title = models.CharField(
        max_length=200,
        help_text="What will be delivered, in a few plain words, "
        "e.g. “A new guide to support in school”.",
    )
    slug = models.SlugField(max_length=120, unique=True, help_text=ADDRESS_HELP)
    for_families = models.TextField(
        "what will change for families",
        help_text="In plain English: what children, young people and their families will "
        "notice when this is done. Say only what the plan says.",
    )
    lead_organisation = models.CharField(
        max_length=200,
        help_text="Who is responsible for it, e.g. “Wiltshire Council”, "
        "“BSW Integrated Care Board”, “Wiltshire Parent Carer Council”, “Schools”.",
    )
    target_date = models.DateField(
        help_text="When it should be done. For a month, any day in that month; for a "
        "quarter, any day in its first month. Only the month is shown.",
    )
    target_precision = models.CharField(
        "the target is",
        max_length=10,
        choices=TargetPrecision.choices,
        default=TargetPrecision.MONTH,
        help_text="Whether the target is a month or a quarter (three months).",
    )
    starting_status = models.CharField(
        "status when first published",
        max_length=20,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.NOT_STARTED,
        help_text="Where it stands when it is first published. After that, change the status "
        "by adding a progress update, so the history of changes is kept.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Deliverables of a priority are listed by target date, then this."
    )

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "order", "title"]
        permissions = [("publish_deliverable", "Can publish, unpublish and schedule deliverables")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("progress:deliverable", kwargs={"slug": self.slug})

    def save(self, *args, **kwargs):
        self.target_date = period_start(self.target_date, self.target_precision)
        super().save(*args, **kwargs)

    @property
    def current_status(self):
        """The status of the latest public status change, or the starting status.

        Read from `with_current_status()` when the queryset used it (no query)."""
        if hasattr(self, "annotated_status"):
            return self.annotated_status
        latest = self.status_changes.public().order_by(
            "-changed_on", "-update__published_at", "-pk"
        )
        return latest.values_list("status", flat=True).first() or self.starting_status

    @property
    def current_status_label(self):
        return DeliveryStatus(self.current_status).label

    @property
    def is_complete(self):
        return self.current_status == DeliveryStatus.COMPLETE

    @property
    def target_end(self):
        """The last day of the target month or quarter."""
        months = 3 if self.target_precision == TargetPrecision.QUARTER else 1
        year, month = divmod(self.target_date.month - 1 + months - 1, 12)
        year, month = self.target_date.year + year, month + 1
        return date(year, month, calendar.monthrange(year, month)[1])

    @property
    def target_label(self):
        """“March 2025”, or “January to March 2025” for a quarter."""
        end = self.target_end
        if self.target_precision == TargetPrecision.QUARTER:
            start = self.target_date
            first = start.strftime("%B") if start.year == end.year else start.strftime("%B %Y")
            return f"{first} to {end.strftime('%B %Y')}"
        return end.strftime("%B %Y")

    @property
    def target_iso(self):
        """ISO 8601: “2025-03” for a month; “2025-01/2025-03” (an interval) for a quarter."""
        end = f"{self.target_end:%Y-%m}"
        if self.target_precision == TargetPrecision.QUARTER:
            return f"{self.target_date:%Y-%m}/{end}"
        return end

    def is_overdue(self, today=None):
        today = today or timezone.localdate()
        return not self.is_complete and self.target_end < today

    def timeline(self, updates, status_changes, milestones):
        """Updates and milestones, newest first, each update with the status it set.

        Takes already-fetched rows so the page costs a fixed number of queries.
        Each entry is (date, kind, item, status_change or None, previous status).
        """
        changes_by_update = {change.update_id: change for change in status_changes}
        previous = {}
        status = self.starting_status
        for change in sorted(status_changes, key=StatusChange.sort_key):
            previous[change.pk] = status
            status = change.status
        entries = [
            TimelineEntry(
                update.date,
                "update",
                update,
                changes_by_update.get(update.pk),
                previous.get(getattr(changes_by_update.get(update.pk), "pk", None)),
                update.published_at,
            )
            for update in updates
        ]
        entries += [
            TimelineEntry(milestone.shown_date, "milestone", milestone, None, None, None)
            for milestone in milestones
        ]
        return sorted(entries, key=TimelineEntry.sort_key, reverse=True)


@dataclass
class TimelineEntry:
    date: date
    kind: str
    item: object
    status_change: object
    previous_status: str | None
    published_at: object

    def sort_key(self):
        # On the same day, an update comes after (so, newest first, above) a milestone.
        return (self.date, self.kind == "update", self.published_at or timezone.now(), self.item.pk)

    @property
    def previous_status_label(self):
        return DeliveryStatus(self.previous_status).label if self.previous_status else ""


def period_start(day, precision):
    """The first day of the month, or of the calendar quarter, that `day` is in."""
    if day is None:
        return None
    month = day.month
    if precision == TargetPrecision.QUARTER:
        month = max(start for start in QUARTER_START_MONTHS if start <= month)
    return date(day.year, month, 1)


class Milestone(models.Model):
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(max_length=200, help_text="A step on the way, in plain words.")
    due_on = models.DateField("due date", help_text="When this step should be done.")
    completed_on = models.DateField(
        "date completed", null=True, blank=True, help_text="Leave empty until it is done."
    )

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # A milestone has no page of its own: it is a step on its deliverable's timeline.
        return f"{self.deliverable.get_absolute_url()}#milestone-{self.pk}"

    @property
    def shown_date(self):
        return self.completed_on or self.due_on


class ProgressUpdateQuerySet(PublishableQuerySet):
    def public(self):
        """Published updates of published deliverables: what the public may see."""
        return self.published().filter(deliverable__in=Deliverable.objects.published())


class ProgressUpdate(Publishable):
    """A dated note of what has happened, which may change the deliverable's status.

    It has no page of its own: it appears on its deliverable's page.
    """

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(
        "date of the update",
        default=timezone.localdate,
        help_text="When this happened or was reported. Updates are listed by this date.",
    )
    title = models.CharField(max_length=200, help_text="What happened, in a few plain words.")
    body = MarkdownxField(
        "what happened",
        help_text="In plain English. Markdown: - for lists, [words](https://...) for links.",
    )
    new_status = models.CharField(
        "change the status to",
        max_length=20,
        choices=DeliveryStatus.choices,
        blank=True,
        help_text="Leave empty if the status has not changed. The change shows on the site "
        "when this update is published, and the history of changes is kept.",
    )

    objects = ProgressUpdateQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-published_at", "-pk"]
        permissions = [
            ("publish_progressupdate", "Can publish, unpublish and schedule progress updates")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return f"{self.deliverable.get_absolute_url()}#update-{self.pk}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.record_status_change()

    def record_status_change(self):
        """Keep this update's status change as a row of the deliverable's history.

        Each update keeps its own row, so a later update never overwrites an
        earlier change; the row is public when the update is.
        """
        if self.new_status:
            StatusChange.objects.update_or_create(
                update=self,
                defaults={
                    "deliverable": self.deliverable,
                    "status": self.new_status,
                    "changed_on": self.date,
                },
            )
        else:
            StatusChange.objects.filter(update=self).delete()

    @property
    def new_status_label(self):
        return DeliveryStatus(self.new_status).label if self.new_status else ""


class EvidenceLink(models.Model):
    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="evidence_links"
    )
    title = models.CharField(
        "link text",
        max_length=200,
        help_text="Say where the link goes, e.g. “Minutes of the SEND and AP Board”.",
    )
    url = models.URLField("web address", max_length=500)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title


class StatusChangeQuerySet(models.QuerySet):
    def public(self):
        """Changes recorded by updates the public can see."""
        return self.filter(
            update__in=ProgressUpdate.objects.published(),
            deliverable__in=Deliverable.objects.published(),
        )


class StatusChange(models.Model):
    """One change of a deliverable's status, recorded by a progress update."""

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="status_changes"
    )
    update = models.OneToOneField(
        ProgressUpdate, on_delete=models.CASCADE, related_name="status_change"
    )
    status = models.CharField("new status", max_length=20, choices=DeliveryStatus.choices)
    changed_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["changed_on", "pk"]

    def __str__(self):
        return f"{self.deliverable}: {self.get_status_display()} on {self.changed_on}"

    @staticmethod
    def sort_key(change):
        return (change.changed_on, change.update.published_at or timezone.now(), change.pk)

    def clean(self):
        if self.update_id and self.deliverable_id != self.update.deliverable_id:
            raise ValidationError("A status change belongs to its update's deliverable.")


class YouSaidWeDid(SlugFromTitle, HasAddressHistory):
    """What families and young people said, and what the partnership did about it."""

    title = models.CharField(
        max_length=200,
        help_text="A short, plain summary, e.g. “Information about support after 16”.",
    )
    slug = models.SlugField(max_length=120, unique=True, help_text=ADDRESS_HELP)
    you_said = MarkdownxField(
        "what families and young people said",
        help_text="What was said, as it was said where possible. Do not name anyone "
        "without their agreement.",
    )
    heard_at = models.CharField(
        "where it was heard",
        max_length=200,
        help_text="E.g. “A co-production event with the Parent Carer Council”.",
    )
    heard_on = models.DateField(
        "when it was heard", help_text="The day, or the first day of the month if that is all."
    )
    we_did = MarkdownxField(
        "what we did",
        help_text="What the partnership did in response, in plain English.",
    )
    priorities = models.ManyToManyField(
        Priority,
        blank=True,
        related_name="you_said_we_did",
        help_text="The priorities this is about. The list can be filtered by priority.",
    )
    deliverables = models.ManyToManyField(
        Deliverable,
        blank=True,
        related_name="you_said_we_did",
        help_text="Deliverables that came from or answer what was said.",
    )

    class Meta:
        verbose_name = "“You said, we did” entry"
        verbose_name_plural = "“You said, we did” entries"
        ordering = ["-heard_on", "-published_at", "-pk"]
        permissions = [
            ("publish_yousaidwedid", "Can publish, unpublish and schedule “You said, we did”")
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("progress:you-said-we-did-detail", kwargs={"slug": self.slug})


def due_next(deliverables, count, today=None):
    """The deliverables due soonest that are not complete and not yet past their target."""
    today = today or timezone.localdate()
    upcoming = [d for d in deliverables if not d.is_complete and d.target_end >= today]
    return sorted(upcoming, key=lambda d: (d.target_end, d.order, d.title))[:count]
