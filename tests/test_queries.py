"""Pages cost the same number of database queries with one item or fifty."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from priorities.models import PRIORITY_COUNT, Strategy
from strategy_site.publishing import Status
from tests.factories import (
    CabinetDecisionFactory,
    DecisionPointFactory,
    PressReleaseFactory,
    PriorityFactory,
    QuoteFactory,
    StrategyFactory,
)


def current_priorities(count):
    """A current strategy with up to six priorities (a strategy never has more)."""
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    return [
        PriorityFactory(strategy=strategy, number=number)
        for number in range(1, min(count, PRIORITY_COUNT) + 1)
    ]


def press_releases(count, priorities):
    """Fully linked, as editors link them: strategy, priorities and a quote each."""
    items = PressReleaseFactory.create_batch(
        count, strategy=priorities[0].strategy, priorities=priorities
    )
    for item in items:
        QuoteFactory(press_release=item)
    return items


def decisions(count, priorities):
    """Fully linked: strategy, priorities and a numbered point each."""
    items = CabinetDecisionFactory.create_batch(
        count, strategy=priorities[0].strategy, priorities=priorities
    )
    for item in items:
        DecisionPointFactory(decision=item, number=1)
    return items


def home(count):
    priorities = current_priorities(count)
    press_releases(count, priorities)
    decisions(count, priorities)
    return reverse("home")


def priority_list(count):
    priorities = current_priorities(count)
    press_releases(count, priorities)
    decisions(count, priorities)
    return reverse("priorities:index")


def priority_detail(count):
    priorities = current_priorities(count)
    press_releases(count, priorities)
    decisions(count, priorities)
    return priorities[0].get_absolute_url()


def news_list(count):
    press_releases(count, current_priorities(count))
    return reverse("news:index")


def decision_list(count):
    decisions(count, current_priorities(count))
    return reverse("decisions:index")


def press_release_detail(count):
    [press_release] = press_releases(1, PriorityFactory.create_batch(count))
    QuoteFactory.create_batch(count - 1, press_release=press_release)
    return press_release.get_absolute_url()


def decision_detail(count):
    [decision] = decisions(1, PriorityFactory.create_batch(count))
    DecisionPointFactory.create_batch(count - 1, decision=decision)
    return decision.get_absolute_url()


def deliverables(count):
    """`count` published deliverables across the six priorities, a fifth with a status
    change, an update with evidence and a milestone (made in bulk: 5,000 take seconds)."""
    from progress.models import Deliverable, EvidenceLink, Milestone, ProgressUpdate

    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    priorities = [PriorityFactory(strategy=strategy, number=n) for n in range(1, 7)]
    now = timezone.now()
    items = Deliverable.objects.bulk_create(
        Deliverable(
            priority=priorities[n % 6],
            title=f"Deliverable number {n}",
            slug=f"deliverable-{n}",
            for_families="What will change, in plain words.",
            lead_organisation="Wiltshire Council",
            target_date=date(2026, 1 + n % 12, 1),
            status=Status.PUBLISHED,
            published_at=now - timedelta(days=1),
            first_published_at=now - timedelta(days=1),
        )
        for n in range(count)
    )
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


# The most queries each page may make, whatever the amount of content.
BUDGETS = {
    home: 4,
    priority_list: 2,
    priority_detail: 6,  # and one each for the "Need help now?" signposts and progress
    news_list: 4,  # the filters' priorities and years, the count, the page
    decision_list: 4,
    press_release_detail: 6,  # the item, quotes, priorities, change notes, related news, decisions
    decision_detail: 6,  # the item, points, priorities, change notes, related news, decisions
    progress_index: 6,  # the priorities, the deliverables with their status, recent updates
    deliverable_detail: 6,  # item, milestones, updates, evidence, you said we did, notes
}


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("page", BUDGETS, ids=lambda page: page.__name__)
def test_queries_stay_flat_as_content_grows(client, db, django_assert_max_num_queries, page, count):
    url = page(count)

    with django_assert_max_num_queries(BUDGETS[page]):
        response = client.get(url)

    assert response.status_code == 200
