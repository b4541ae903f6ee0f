"""The open data downloads: deliverables, their milestones, progress updates, decisions
and news.

Each dataset is a list of fields, each with a name, a plain description (shown on
the /data/ page) and how to read it from an item. CSV and JSON carry the same
fields. Only what the public can see is exported. Rows are streamed in chunks
(a query or two per chunk, never one per row), so 5,000 press releases cost a
handful of queries and little memory.
"""

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from itertools import islice

from django.http import StreamingHttpResponse
from django.utils import timezone

from news.models import CabinetDecision, PressRelease
from sharing.sitemaps import absolute_url

from .models import Deliverable, Milestone, ProgressUpdate

CHUNK_SIZE = 500
LICENCE_NAME = "Open Government Licence v3.0"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
# A spreadsheet treats a cell starting with one of these as a formula. Such
# cells get a leading apostrophe in CSV (JSON is left exact).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


def iso_datetime(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def iso_date(value):
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class Field:
    name: str
    description: str
    read: object  # (item, request) -> str or list of str
    is_list: bool = False


def url_of(item, request):
    return absolute_url(request, item.get_absolute_url())


def priority_slugs(item, request):
    return item.priority_slugs  # set by PrioritiesByChunk


PRIORITIES_FIELD = Field(
    "priorities",
    "The priorities it is about, by their web address names "
    f"(CSV: separated by “{LIST_SEPARATOR.strip()} ”; JSON: a list).",
    priority_slugs,
    is_list=True,
)


@dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    fields: tuple

    def rows(self, request):
        """Yields one dict per published item, in a stable order."""
        for item in self.queryset().iterator(chunk_size=CHUNK_SIZE):
            yield {field.name: field.read(item, request) for field in self.fields}

    def queryset(self):
        raise NotImplementedError

    @property
    def filenames(self):
        return {fmt: f"{self.slug}.{fmt}" for fmt in ("csv", "json")}


class DeliverablesDataset(Dataset):
    def queryset(self):
        return (
            Deliverable.objects.published()
            .with_current_status()
            .select_related("priority")
            .order_by("priority__number", "target_date", "order", "pk")
        )


class MilestonesDataset(Dataset):
    def queryset(self):
        # The deliverable's own published() rule, as a subquery: a draft's or a scheduled
        # deliverable's milestones stay out however they were entered.
        return (
            Milestone.objects.filter(deliverable__in=Deliverable.objects.published())
            .select_related("deliverable__priority")
            .order_by(
                # The deliverables data's order, then each deliverable's steps by due date.
                "deliverable__priority__number",
                "deliverable__target_date",
                "deliverable__order",
                "deliverable__pk",
                "due_on",
                "pk",
            )
        )


class ProgressUpdatesDataset(Dataset):
    def queryset(self):
        return (
            ProgressUpdate.objects.public()
            .select_related("deliverable")
            .prefetch_related("evidence_links")
            .order_by("-date", "-published_at", "-pk")
        )


class PrioritiesByChunk(Dataset):
    """Items with the slugs of their priorities: one query per chunk for the slugs (plain
    values, rather than a Priority object per link, which is most of the cost)."""

    def rows(self, request):
        queryset = self.queryset()
        through = queryset.model.priorities.through
        source = f"{queryset.model._meta.model_name}_id"
        items = queryset.iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(items, CHUNK_SIZE)):
            links = through.objects.filter(**{f"{source}__in": [item.pk for item in chunk]})
            slugs = defaultdict(list)
            for item_id, slug in links.order_by("priority__number", "priority__pk").values_list(
                source, "priority__slug"
            ):
                slugs[item_id].append(slug)
            for item in chunk:
                item.priority_slugs = slugs[item.pk]
                yield {field.name: field.read(item, request) for field in self.fields}


class DecisionsDataset(PrioritiesByChunk):
    def queryset(self):
        return CabinetDecision.objects.published().order_by("-meeting_date", "-pk")


class NewsDataset(PrioritiesByChunk):
    def queryset(self):
        return PressRelease.objects.published().order_by("-published_at", "-pk")


SLUG = Field("slug", "The item's stable identifier: the last part of its web address.",
             lambda item, request: item.slug)  # fmt: skip
URL = Field("url", "The full web address of the item's page.", url_of)
FIRST_PUBLISHED = Field(
    "first_published",
    "When it was first published (ISO 8601 date and time, UK time with its offset).",
    lambda item, request: iso_datetime(item.first_published_at or item.published_at),
)
LAST_CHANGED = Field(
    "last_changed",
    "When it was last saved (ISO 8601 date and time).",
    lambda item, request: iso_datetime(item.updated_at),
)

DATASETS = {
    dataset.slug: dataset
    for dataset in [
        DeliverablesDataset(
            "deliverables",
            "Deliverables",
            "What the implementation plan will deliver for each priority, who leads it, "
            "when it is due and how it is going.",
            (
                SLUG,
                Field("title", "What will be delivered.", lambda d, r: d.title),
                Field(
                    "priority_number",
                    "The number of the priority (1 to 6).",
                    lambda d, r: str(d.priority.number),
                ),  # fmt: skip
                Field(
                    "priority", "The priority's web address name.", lambda d, r: d.priority.slug
                ),  # fmt: skip
                Field(
                    "for_families",
                    "What will change for families, in plain English.",
                    lambda d, r: d.for_families,
                ),  # fmt: skip
                Field("lead_organisation", "Who leads it.", lambda d, r: d.lead_organisation),
                Field(
                    "target",
                    "When it is due (ISO 8601): a month such as 2025-03, or a quarter as "
                    "an interval of months such as 2025-01/2025-03.",
                    lambda d, r: d.target_iso,
                ),
                Field(
                    "target_end",
                    "The last day it is due by (ISO 8601 date).",
                    lambda d, r: iso_date(d.target_end),
                ),  # fmt: skip
                Field(
                    "status",
                    "How it is going: not_started, on_track, at_risk, delayed or complete.",
                    lambda d, r: d.current_status,
                ),
                Field(
                    "status_label",
                    "The status in words, as the site shows it.",
                    lambda d, r: d.current_status_label,
                ),  # fmt: skip
                FIRST_PUBLISHED,
                LAST_CHANGED,
                URL,
            ),
        ),
        MilestonesDataset(
            "milestones",
            "Milestones",
            "The steps on the way to each deliverable, when each is due and when it was "
            "done, as its page shows them.",
            (
                Field(
                    "id",
                    "The milestone's identifier (it is also the #milestone- part of its url).",
                    lambda m, r: str(m.pk),
                ),  # fmt: skip
                Field(
                    "deliverable",
                    "The deliverable's slug (see the deliverables data).",
                    lambda m, r: m.deliverable.slug,
                ),  # fmt: skip
                Field(
                    "deliverable_title",
                    "What the deliverable will deliver.",
                    lambda m, r: m.deliverable.title,
                ),  # fmt: skip
                Field(
                    "priority_number",
                    "The number of the deliverable's priority (1 to 6).",
                    lambda m, r: str(m.deliverable.priority.number),
                ),  # fmt: skip
                Field("title", "The step, in plain words.", lambda m, r: m.title),
                Field(
                    "due",
                    "When the step should be done (ISO 8601 date).",
                    lambda m, r: iso_date(m.due_on),
                ),  # fmt: skip
                Field(
                    "completed",
                    "When the step was done (ISO 8601 date); empty if it is not done yet.",
                    lambda m, r: iso_date(m.completed_on),
                ),
                Field(
                    "url",
                    "The full web address of the milestone on its deliverable's page.",
                    lambda m, r: url_of(m, r),
                ),
            ),
        ),
        ProgressUpdatesDataset(
            "progress-updates",
            "Progress updates",
            "Dated updates on each deliverable, including the status changes they made.",
            (
                Field(
                    "id",
                    "The update's identifier (it is also the #update- part of its url).",
                    lambda u, r: str(u.pk),
                ),  # fmt: skip
                Field("date", "The date of the update (ISO 8601).", lambda u, r: iso_date(u.date)),
                Field(
                    "deliverable",
                    "The deliverable's slug (see the deliverables data).",
                    lambda u, r: u.deliverable.slug,
                ),  # fmt: skip
                Field("title", "What happened, in a few words.", lambda u, r: u.title),
                Field("body", "What happened, as written (Markdown).", lambda u, r: u.body),
                Field(
                    "new_status",
                    "The status it changed the deliverable to, if any (codes as in the "
                    "deliverables data); empty if it did not change the status.",
                    lambda u, r: u.new_status,
                ),
                Field(
                    "evidence_links",
                    "Web addresses of the evidence (CSV: separated by “; ”; JSON: a list).",
                    lambda u, r: [link.url for link in u.evidence_links.all()],
                    is_list=True,
                ),
                FIRST_PUBLISHED,
                URL,
            ),
        ),
        DecisionsDataset(
            "decisions",
            "Decisions",
            "Decisions the council has made about the strategy.",
            (
                SLUG,
                Field("title", "The issue's title in the committee record.", lambda d, r: d.title),
                Field(
                    "meeting_body",
                    "Who made the decision, e.g. Cabinet.",
                    lambda d, r: d.meeting_body,
                ),  # fmt: skip
                Field(
                    "meeting_date",
                    "The day of the meeting (ISO 8601).",
                    lambda d, r: iso_date(d.meeting_date),
                ),  # fmt: skip
                Field(
                    "item_number",
                    "The agenda item number, if recorded.",
                    lambda d, r: d.item_number,
                ),  # fmt: skip
                Field(
                    "decision_type",
                    "Key decision or Non-key decision; empty if not recorded.",
                    lambda d, r: d.get_decision_type_display(),
                ),  # fmt: skip
                Field(
                    "decision_status",
                    "E.g. Recommendations approved; empty if not recorded.",
                    lambda d, r: d.get_decision_status_display(),
                ),  # fmt: skip
                Field(
                    "summary_for_families",
                    "What it means for families (Markdown).",
                    lambda d, r: d.summary_for_families,
                ),  # fmt: skip
                Field(
                    "official_record_url",
                    "The decision in the council's committee system, if known.",
                    lambda d, r: d.official_record_url,
                ),  # fmt: skip
                PRIORITIES_FIELD,
                FIRST_PUBLISHED,
                URL,
            ),
        ),
        NewsDataset(
            "news",
            "News",
            "Press releases about the strategy.",
            (
                SLUG,
                Field("title", "The headline.", lambda n, r: n.title),
                Field("standfirst", "The summary under the headline.", lambda n, r: n.standfirst),
                Field("body", "The full text (Markdown), without the quotes.", lambda n, r: n.body),
                PRIORITIES_FIELD,
                FIRST_PUBLISHED,
                URL,
            ),
        ),
    ]
}


def csv_cell(value):
    if isinstance(value, list):
        value = LIST_SEPARATOR.join(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Line:
    """csv.writer writes into this; each row comes back as a string to stream."""

    def write(self, text):
        return text


def csv_lines(dataset, request):
    writer = csv.writer(_Line())
    # A byte order mark, so that spreadsheet programs read the file as UTF-8.
    yield "\ufeff" + writer.writerow([field.name for field in dataset.fields])
    for row in dataset.rows(request):
        yield writer.writerow([csv_cell(value) for value in row.values()])


def json_chunks(dataset, request):
    header = {
        "dataset": dataset.title,
        "description": dataset.description,
        "licence": {"name": LICENCE_NAME, "url": LICENCE_URL},
        "fields": {field.name: field.description for field in dataset.fields},
        "generated_at": iso_datetime(timezone.now()),
    }
    yield json.dumps(header, ensure_ascii=False, indent=1)[:-2] + ',\n "items": ['
    for index, row in enumerate(dataset.rows(request)):
        yield ("," if index else "") + "\n  " + json.dumps(row, ensure_ascii=False)
    yield "\n ]\n}\n"


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}
WRITERS = {"csv": csv_lines, "json": json_chunks}


def download(dataset, fmt, request):
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in WRITERS[fmt](dataset, request)),
        content_type=CONTENT_TYPES[fmt],
    )
    response["Content-Disposition"] = f'attachment; filename="{dataset.filenames[fmt]}"'
    response["Link"] = f'<{LICENCE_URL}>; rel="license"'
    return response
