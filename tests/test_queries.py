"""Pages cost the same number of database queries with ten items or five thousand.

These run with the page cache out of the way (Django's test client does not pass
through the cache's WSGI layer), so they measure what a page costs to render. The
content is made with bulk_create, so 5,000 press releases take a second or two.
"""

import re
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from images.models import Image
from news.models import CabinetDecision, DecisionPoint, PressRelease, Quote
from priorities.models import PRIORITY_COUNT, Strategy
from publishing import content
from publishing.models import ChangeNote, Status
from tests.factories import (
    EasyReadPointFactory,
    EasyReadVersionFactory,
    PriorityFactory,
    StrategyFactory,
    published_deliverables,
)


def current_priorities():
    """A current strategy with its six priorities (a strategy never has more)."""
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    return [PriorityFactory(strategy=strategy, number=n) for n in range(1, PRIORITY_COUNT + 1)]


def published_at(n):
    return timezone.now() - timedelta(hours=n + 1)


def press_releases(count, priorities):
    """Fully linked, as editors link them: strategy, every priority, a quote and a change
    note each."""
    items = PressRelease.objects.bulk_create(
        PressRelease(
            title=f"Council news item number {n}",
            slug=f"council-news-item-{n}",
            standfirst="What happened, in a sentence.",
            body="Some plain words about it.",
            strategy=priorities[0].strategy,
            status=Status.PUBLISHED,
            published_at=published_at(n),
            first_published_at=published_at(n),
        )
        for n in range(count)
    )
    link(PressRelease, items, priorities)
    Quote.objects.bulk_create(
        Quote(press_release=item, speaker="A speaker", role="Cabinet Member", text="Words.")
        for item in items
    )
    change_notes(PressRelease, items)
    return items


def decisions(count, priorities):
    """Fully linked: strategy, every priority, a numbered point and a change note each."""
    items = CabinetDecision.objects.bulk_create(
        CabinetDecision(
            title=f"Cabinet decision number {n}",
            slug=f"cabinet-decision-{n}",
            meeting_body="Cabinet",
            meeting_date=date(2024, 9, 17) - timedelta(days=n),
            item_number=str(100 + n),
            summary_for_families="What it means, in plain words.",
            reasons="Because it helps.",
            discussion="Councillors discussed it.",
            decision_status=CabinetDecision.DecisionStatus.APPROVED,
            strategy=priorities[0].strategy,
            status=Status.PUBLISHED,
            published_at=published_at(n),
            first_published_at=published_at(n),
        )
        for n in range(count)
    )
    link(CabinetDecision, items, priorities)
    DecisionPoint.objects.bulk_create(
        DecisionPoint(decision=item, number=1, kind=DecisionPoint.Kind.APPROVED, text="Agreed.")
        for item in items
    )
    change_notes(CabinetDecision, items)
    return items


def link(model, items, priorities):
    through = model.priorities.through
    source = f"{model._meta.model_name}_id"
    through.objects.bulk_create(
        through(**{source: item.pk, "priority_id": priority.pk})
        for item in items
        for priority in priorities
    )


def change_notes(model, items):
    content_type = ContentType.objects.get_for_model(model)
    ChangeNote.objects.bulk_create(
        ChangeNote(content_type=content_type, object_id=item.pk, note="Corrected a date.")
        for item in items
    )


def everything(count):
    priorities = current_priorities()
    press_releases(count, priorities)
    decisions(count, priorities)
    return priorities


def home(count):
    everything(count)
    return reverse("home")


def priority_list(count):
    everything(count)
    return reverse("priorities:index")


def priority_detail(count):
    return everything(count)[0].get_absolute_url()


def news_list(count):
    everything(count)
    return reverse("news:index")


def decision_list(count):
    everything(count)
    return reverse("decisions:index")


def press_release_detail(count):
    """One item with `count` quotes, among `count` related items."""
    priorities = current_priorities()
    [item, *_] = press_releases(count, priorities)
    decisions(count, priorities)
    Quote.objects.bulk_create(
        Quote(press_release=item, order=n, speaker="Another", role="Officer", text="More.")
        for n in range(count)
    )
    return item.get_absolute_url()


def decision_detail(count):
    """One decision with `count` numbered points, among `count` related items."""
    priorities = current_priorities()
    press_releases(count, priorities)
    [item, *_] = decisions(count, priorities)
    DecisionPoint.objects.bulk_create(
        DecisionPoint(decision=item, number=n + 2, kind=DecisionPoint.Kind.NOTED, text="Noted.")
        for n in range(count)
    )
    return item.get_absolute_url()


def feed(count):
    everything(count)
    return reverse("feed")


def sitemap(count):
    everything(count)
    return reverse("sitemap")


def search(count):
    everything(count)
    return reverse("search") + "?q=council+news"


def deliverables(count):
    """`count` published deliverables across the six priorities, a fifth with a status
    change, an update with evidence and a milestone (made in bulk: 5,000 take seconds)."""
    from progress.models import EvidenceLink, Milestone, ProgressUpdate

    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    priorities = [PriorityFactory(strategy=strategy, number=n) for n in range(1, 7)]
    now = timezone.now()
    items = published_deliverables(priorities, count)
    for item in items[: max(1, count // 5)]:
        update = ProgressUpdate.objects.create(
            deliverable=item,
            title="An update",
            body="Words.",
            new_status="on_track",
            status=Status.PUBLISHED,
            published_at=now - timedelta(hours=1),
        )
        EvidenceLink.objects.create(update=update, title="Minutes", url="https://example.org/")
        Milestone.objects.create(deliverable=item, title="A step", due_on=date(2026, 6, 1))
    return priorities, items


def progress_index(count):
    deliverables(count)
    return reverse("progress:index")


def deliverable_detail(count):
    _, items = deliverables(count)
    return items[0].get_absolute_url()


def alerts_form(count):
    """The form as a priority page's "Get emails about this priority" opens it."""
    priority = everything(count)[0]
    return reverse("alerts:subscribe") + f"?about=priority-{priority.pk}"


def handout(count):
    """A priority's one-page handout, found by its short link's code."""
    from sharing.shortlinks import item_code

    return reverse("sharing:handout", args=[item_code(everything(count)[0])])


def kinds_made_for_tests(takes_part):
    """How many kinds of content made only for the tests (tests/settings.py installs
    tests.noticeboard) take part in a page: each adds its one query of rows to a page
    that costs queries per kind (it has no priorities or quotes to fetch)."""
    return sum(
        1
        for kind in content.kinds()
        if kind.model._meta.app_config.name.startswith("tests.") and takes_part(kind)
    )


# The most queries each page may make, whatever the amount of content: the site's own
# kinds of content, plus one for each test-only kind where a page costs queries per kind.
BUDGETS = {
    home: 4,
    priority_list: 2,
    priority_detail: 6,  # and one each for the "Need help now?" help contacts and progress
    news_list: 4,  # the filters' priorities and years, the count, the page
    decision_list: 4,
    press_release_detail: 6,  # the item, quotes, priorities, change notes, related news, decisions
    decision_detail: 6,  # the item, points, priorities, change notes, related news, decisions
    progress_index: 6,  # the priorities, the deliverables with their status, recent updates
    deliverable_detail: 6,  # item, milestones, updates, evidence, you said we did, notes
    alerts_form: 1,  # the priorities, for the radios and to check the choice asked for
    handout: 2,  # the short link, the item
    # per kind: the newest with its last change note, their priorities; quotes
    feed: 5 + kinds_made_for_tests(lambda kind: kind.in_feed),
    # priorities; news, decisions and progress items in one; Easy Read versions and their
    # pages; the glossary's terms when not cached
    sitemap: 5,
    search: 6 + kinds_made_for_tests(lambda kind: kind.search is not None),
}


@pytest.mark.parametrize("count", [10, 5000])
@pytest.mark.parametrize("page", BUDGETS, ids=lambda page: page.__name__)
def test_queries_stay_flat_as_content_grows(client, db, django_assert_max_num_queries, page, count):
    url = page(count)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows were made inside this test's transaction, where autovacuum never
            # sees them: without statistics PostgreSQL may pick a plan that takes minutes.
            cursor.execute("ANALYZE")
    client.get(url)  # what other parts of the site keep in Django's cache (glossary terms)

    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(url)

    assert response.status_code == 200


def test_a_priority_page_lists_the_newest_ten_and_links_to_the_rest(client, db):
    priorities = everything(5000)

    page = client.get(priorities[0].get_absolute_url()).content.decode()

    listed = {int(n) for n in re.findall(r"Council news item number (\d+)\b", page)}
    assert listed == set(range(10))  # the newest ten of 5,000
    assert f"/news/?priority={priorities[0].slug}" in page
    assert f"/decisions/?priority={priorities[0].slug}" in page


# The most queries a download may make, whatever the number of rows (the rows stream
# from one query; news and decisions add one per 500 rows, see tests/test_open_data.py).
DOWNLOAD_BUDGETS = {"deliverables": 1, "milestones": 1}


@pytest.mark.parametrize("count", [10, 5000])
@pytest.mark.parametrize("dataset", DOWNLOAD_BUDGETS)
def test_a_download_costs_the_same_queries_as_content_grows(
    client, db, django_assert_max_num_queries, dataset, count
):
    deliverables(count)
    url = reverse("progress:download", kwargs={"dataset": dataset, "fmt": "csv"})

    with django_assert_max_num_queries(DOWNLOAD_BUDGETS[dataset]):
        response = client.get(url)
        rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()[1:]

    assert len(rows) == (count if dataset == "deliverables" else max(1, count // 5))


def a_picture(n):
    """A picture row (the file need not exist to render a page that shows it)."""
    [picture] = Image.objects.bulk_create(
        [Image(file=f"news/2024/photo-{n}.png", width=8, height=8, alt=f"Photo {n}")]
    )
    return picture


def test_a_press_release_photo_costs_no_extra_query(client, db, django_assert_max_num_queries):
    url = press_release_detail(10)
    PressRelease.objects.filter(slug="council-news-item-0").update(image=a_picture(0))
    client.get(url)

    with django_assert_max_num_queries(BUDGETS[press_release_detail]):
        response = client.get(url)

    assert 'alt="Photo 0"' in response.text


@pytest.mark.parametrize("count", [1, 20])
def test_easy_read_pictures_cost_the_same_queries_however_many(
    client, db, django_assert_num_queries, count
):
    version = EasyReadVersionFactory()
    for n in range(count):
        EasyReadPointFactory(version=version, order=n, image=a_picture(n))
    url = version.get_absolute_url()
    client.get(url)

    with django_assert_num_queries(EASY_READ_QUERIES):
        response = client.get(url)

    assert response.text.count("<picture>") == count


# The page, its version, the points with their pictures, and what the page pairs with.
EASY_READ_QUERIES = 3
