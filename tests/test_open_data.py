"""Take the data: CSV and JSON downloads of deliverables, milestones, progress updates,
decisions and news, at stable addresses, described on /data/."""

import csv
import io
import json
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import PressRelease
from progress.models import DeliveryStatus, Milestone
from progress.open_data import DATASETS
from publishing.models import Status
from tests.factories import (
    CabinetDecisionFactory,
    DeliverableFactory,
    EvidenceLinkFactory,
    MilestoneFactory,
    PressReleaseFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    published_deliverables,
)
from tests.html_page import Page

pytestmark = pytest.mark.django_db


def download(client, dataset, fmt):
    response = client.get(reverse("progress:download", kwargs={"dataset": dataset, "fmt": fmt}))
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def csv_rows(client, dataset):
    response, body = download(client, dataset, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{dataset}.csv"'
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def json_items(client, dataset):
    response, body = download(client, dataset, "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{dataset}.json"'
    data = json.loads(body.decode("utf-8"))
    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert list(data["fields"]) == [field.name for field in DATASETS[dataset].fields]
    return data["items"]


def as_csv_text(value):
    return "; ".join(value) if isinstance(value, list) else value


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_csv_and_json_carry_the_same_fields_and_values(client, dataset):
    priority = PriorityFactory(short_title="Être prêt: ‘adulthood’")
    deliverable = DeliverableFactory(priority=priority, title="Café guide – “plain” words")
    MilestoneFactory(deliverable=deliverable, title="Équipe named – “step” one")
    EvidenceLinkFactory(
        update=ProgressUpdateFactory(deliverable=deliverable, new_status=DeliveryStatus.AT_RISK)
    )
    PressReleaseFactory(priorities=[priority], title="Naïve news ✓")
    CabinetDecisionFactory(priorities=[priority])

    rows, items = csv_rows(client, dataset), json_items(client, dataset)

    assert len(rows) == len(items) == 1
    assert list(rows[0]) == list(items[0])
    assert rows[0] == {name: as_csv_text(value) for name, value in items[0].items()}
    if "priorities" in items[0]:
        assert items[0]["priorities"] == [priority.slug]


def test_deliverables_round_trip_their_fields(client):
    deliverable = DeliverableFactory(
        title="Café guide – “plain” words",
        lead_organisation="BSW Integrated Care Board",
        target_date=date(2025, 3, 9),
    )
    ProgressUpdateFactory(deliverable=deliverable, new_status=DeliveryStatus.DELAYED)

    [row] = csv_rows(client, "deliverables")

    assert row["slug"] == deliverable.slug
    assert row["title"] == "Café guide – “plain” words"
    assert row["priority_number"] == str(deliverable.priority.number)
    assert row["lead_organisation"] == "BSW Integrated Care Board"
    assert (row["target"], row["target_end"]) == ("2025-03", "2025-03-31")
    assert (row["status"], row["status_label"]) == ("delayed", "Delayed")
    assert row["url"].startswith("http") and row["url"].endswith(deliverable.get_absolute_url())
    published = timezone.datetime.fromisoformat(row["first_published"])
    assert published == deliverable.first_published_at.replace(microsecond=0)


def test_progress_updates_list_their_evidence_and_status_change(client):
    update = ProgressUpdateFactory(new_status=DeliveryStatus.ON_TRACK, date=date(2025, 4, 2))
    EvidenceLinkFactory(update=update, url="https://example.org/a")
    EvidenceLinkFactory(update=update, url="https://example.org/b")

    [item] = json_items(client, "progress-updates")

    assert item["date"] == "2025-04-02"
    assert item["new_status"] == "on_track"
    assert item["evidence_links"] == ["https://example.org/a", "https://example.org/b"]
    assert item["url"].endswith(f"{update.deliverable.get_absolute_url()}#update-{update.pk}")


def test_milestones_list_each_published_deliverables_steps_with_their_dates(client):
    deliverable = DeliverableFactory(title="Short breaks for disabled children")
    MilestoneFactory(
        deliverable=deliverable,
        title="Providers chosen",
        due_on=date(2025, 5, 31),
        completed_on=date(2025, 5, 20),
    )
    MilestoneFactory(deliverable=deliverable, title="First breaks offered", due_on=date(2025, 9, 1))

    rows, items = csv_rows(client, "milestones"), json_items(client, "milestones")

    assert rows == items  # no list fields, so CSV and JSON read the same
    assert [(item["title"], item["due"], item["completed"]) for item in items] == [
        ("Providers chosen", "2025-05-31", "2025-05-20"),
        ("First breaks offered", "2025-09-01", ""),  # not done yet
    ]
    for item in items:
        assert item["deliverable"] == deliverable.slug
        assert item["deliverable_title"] == "Short breaks for disabled children"
        assert item["priority_number"] == str(deliverable.priority.number)
        assert item["url"].startswith("http")
        assert item["url"].endswith(f"{deliverable.get_absolute_url()}#milestone-{item['id']}")


def test_a_milestones_address_leads_to_that_step_on_its_deliverables_page(client):
    milestone = MilestoneFactory(title="Providers chosen", due_on=date(2025, 5, 31))
    [item] = json_items(client, "milestones")
    address, anchor = urlsplit(item["url"]).path, urlsplit(item["url"]).fragment

    page = client.get(address)

    assert page.status_code == 200
    [step] = Page.of(page).find_all("li", id=anchor)
    assert anchor == f"milestone-{milestone.pk}"
    assert "Providers chosen" in step.text


@pytest.mark.parametrize("hidden", [{"status": Status.DRAFT}, {"status": Status.IN_REVIEW}])
def test_an_unpublished_deliverables_milestones_are_not_in_the_download(client, hidden):
    MilestoneFactory(deliverable=DeliverableFactory(**hidden), title="Not yet public")
    MilestoneFactory(title="Public step")

    assert [row["title"] for row in csv_rows(client, "milestones")] == ["Public step"]
    assert [item["title"] for item in json_items(client, "milestones")] == ["Public step"]


def test_drafts_and_scheduled_items_never_appear_in_the_downloads(client):
    later = timezone.now() + timedelta(days=3)
    hidden_deliverable = DeliverableFactory(title="Secret deliverable", status=Status.DRAFT)
    ProgressUpdateFactory(deliverable=hidden_deliverable, title="Update of a draft deliverable")
    MilestoneFactory(deliverable=hidden_deliverable, title="Milestone of a draft deliverable")
    ProgressUpdateFactory(title="Draft update", status=Status.IN_REVIEW)
    ProgressUpdateFactory(title="Scheduled update", published_at=later)
    scheduled_deliverable = DeliverableFactory(title="Scheduled deliverable", published_at=later)
    MilestoneFactory(deliverable=scheduled_deliverable, title="Step of a Scheduled one")
    PressReleaseFactory(title="Draft news", status=Status.DRAFT)
    PressReleaseFactory(title="Scheduled news", published_at=later)
    CabinetDecisionFactory(title="Draft decision", status=Status.DRAFT)

    for dataset in DATASETS:
        for fmt in ("csv", "json"):
            _, body = download(client, dataset, fmt)
            text = body.decode("utf-8-sig")
            for hidden in ("Secret", "draft deliverable", "Draft", "Scheduled"):
                assert hidden not in text, (dataset, fmt, hidden)


def test_a_csv_cell_is_never_a_spreadsheet_formula(client):
    PressReleaseFactory(title='=HYPERLINK("https://example.com","Click")', standfirst="+1 more")

    [row] = csv_rows(client, "news")
    [item] = json_items(client, "news")

    assert row["title"] == "'" + item["title"]
    assert row["standfirst"] == "'+1 more"
    assert item["title"].startswith("=")  # JSON is exact


def test_a_milestone_csv_cell_is_never_a_spreadsheet_formula(client):
    deliverable = DeliverableFactory(title="@SUM(1+1) reviewed")
    MilestoneFactory(deliverable=deliverable, title="-2 weeks: =cmd|' /C calc'!A0")

    [row] = csv_rows(client, "milestones")
    [item] = json_items(client, "milestones")

    assert row["title"] == "'-2 weeks: =cmd|' /C calc'!A0"
    assert row["deliverable_title"] == "'@SUM(1+1) reviewed"
    assert (item["title"], item["deliverable_title"]) == (
        "-2 weeks: =cmd|' /C calc'!A0",
        "@SUM(1+1) reviewed",
    )  # JSON is exact


@pytest.mark.parametrize("count", [5, 1200])
def test_a_download_costs_a_few_queries_per_chunk_not_one_per_row(
    client, django_assert_max_num_queries, count
):
    priority = PriorityFactory()
    now = timezone.now()
    news = PressRelease.objects.bulk_create(
        PressRelease(
            title=f"News {n}",
            slug=f"news-{n}",
            standfirst="Words",
            body="More words",
            status=Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 1),
            first_published_at=now - timedelta(minutes=n + 1),
        )
        for n in range(count)
    )
    PressRelease.priorities.through.objects.bulk_create(
        PressRelease.priorities.through(pressrelease=item, priority=priority) for item in news
    )
    for fmt in ("csv", "json"):
        with django_assert_max_num_queries(2 * 3 + 1):  # 3 chunks of 500: the items and priorities
            response = client.get(
                reverse("progress:download", kwargs={"dataset": "news", "fmt": fmt})
            )
            body = b"".join(response.streaming_content)
        lines = body.decode("utf-8-sig").splitlines()
        assert (len(lines) - 1 if fmt == "csv" else len(json.loads(body)["items"])) == count


@pytest.mark.parametrize("count", [5, 1200])
def test_the_milestones_download_costs_the_same_queries_for_5_or_1200_milestones(
    client, django_assert_max_num_queries, count
):
    deliverables = published_deliverables([PriorityFactory()], max(1, count // 4))
    Milestone.objects.bulk_create(
        Milestone(
            deliverable=deliverables[n % len(deliverables)],
            title=f"Step {n}",
            due_on=date(2026, 1, 1) + timedelta(days=n),
        )
        for n in range(count)
    )
    for fmt in ("csv", "json"):
        # One query: the milestones with their deliverable and priority joined in,
        # streamed in chunks of 500 (on PostgreSQL through a server-side cursor).
        with django_assert_max_num_queries(1):
            response = client.get(
                reverse("progress:download", kwargs={"dataset": "milestones", "fmt": fmt})
            )
            body = b"".join(response.streaming_content)
        lines = body.decode("utf-8-sig").splitlines()
        assert (len(lines) - 1 if fmt == "csv" else len(json.loads(body)["items"])) == count


def test_the_data_page_describes_every_field_and_the_licence(client):
    response = client.get(reverse("progress:data"))
    html = response.content.decode()
    assert "Open Government Licence v3.0" in html
    assert "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" in html
    for slug, dataset in DATASETS.items():
        for fmt in ("csv", "json"):
            assert reverse("progress:download", kwargs={"dataset": slug, "fmt": fmt}) in html
        for field in dataset.fields:
            assert f"<code>{field.name}</code>" in html


@pytest.mark.parametrize("page", ["progress:index", "news:index", "decisions:index"])
def test_the_lists_link_to_the_data(client, page):
    assert reverse("progress:data") in client.get(reverse(page)).content.decode()


def test_an_unknown_download_is_not_found(client):
    assert client.get("/data/deliverables.xlsx").status_code == 404
    assert client.get("/data/secrets.csv").status_code == 404
    assert client.post(reverse("progress:download", args=["news", "csv"])).status_code == 405
