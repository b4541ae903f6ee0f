"""Narrowing the news and decisions lists to a priority and a year, and the related
news and decisions beside each item."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from news.views import PAGE_SIZE, RELATED_COUNT
from publishing.models import Status
from tests.factories import (
    CabinetDecisionFactory,
    DecisionPointFactory,
    PressReleaseFactory,
    PriorityFactory,
    QuoteFactory,
)
from tests.html_page import Page

LISTS = {"news": PressReleaseFactory, "decisions": CabinetDecisionFactory}
NOUNS = {"news": ("press release", "press releases"), "decisions": ("decision", "decisions")}


def in_year(kind, year, day=0):
    """The fields that date an item in `year`: a press release by its publication date,
    a decision by its meeting date (as each list shows)."""
    moment = timezone.make_aware(datetime(year, 6, 1, 12)) + timedelta(days=day)
    if kind == "news":
        return {"published_at": moment}
    return {"meeting_date": moment.date(), "published_at": moment}


def get_page(client, kind, **params):
    response = client.get(reverse(f"{kind}:index"), params)
    assert response.status_code == 200
    return Page.of(response)


def listed(page):
    """The address of each item in the list, in order."""
    return [
        a.attrs["href"]
        for a in page.find_all("a")
        if any(parent.attrs.get("class") == "app-summary-item" for parent in a.parents)
    ]


@pytest.fixture
def adulthood(db):
    return PriorityFactory(short_title="Preparing for adulthood", number=6)


@pytest.mark.parametrize("kind", LISTS)
def test_a_list_filtered_by_priority_and_year_says_how_many(client, adulthood, kind):
    other = PriorityFactory()
    wanted = [LISTS[kind](priorities=[adulthood], **in_year(kind, 2024, day)) for day in range(2)]
    LISTS[kind](priorities=[adulthood], **in_year(kind, 2025))
    LISTS[kind](priorities=[other], **in_year(kind, 2024))

    page = get_page(client, kind, priority=adulthood.slug, year="2024")

    assert sorted(listed(page)) == sorted(item.get_absolute_url() for item in wanted)
    plural = NOUNS[kind][1]
    assert f"2 {plural} about Preparing for adulthood in 2024" in page.text
    assert page.title.startswith(f"{kind.capitalize()} about Preparing for adulthood in 2024")


@pytest.mark.parametrize("kind", LISTS)
def test_a_list_filtered_by_priority_alone_or_year_alone(client, adulthood, kind):
    mine = LISTS[kind](priorities=[adulthood], **in_year(kind, 2023))
    other = LISTS[kind](**in_year(kind, 2024))
    singular = NOUNS[kind][0]

    by_priority = get_page(client, kind, priority=adulthood.slug)
    by_year = get_page(client, kind, year="2024")

    assert listed(by_priority) == [mine.get_absolute_url()]
    assert f"1 {singular} about Preparing for adulthood" in by_priority.text
    assert listed(by_year) == [other.get_absolute_url()]
    assert f"1 {singular} in 2024" in by_year.text


def test_decisions_are_filtered_by_the_year_of_their_meeting(client, db):
    decided = CabinetDecisionFactory(
        meeting_date=date(2024, 12, 18), published_at=timezone.now() - timedelta(days=1)
    )

    assert listed(get_page(client, "decisions", year=2024)) == [decided.get_absolute_url()]
    assert listed(get_page(client, "decisions", year=timezone.now().year)) == []


@pytest.mark.parametrize("kind", LISTS)
def test_the_filter_form_shows_the_choices_and_what_is_chosen(client, adulthood, kind):
    LISTS[kind](priorities=[adulthood], **in_year(kind, 2024))
    LISTS[kind](**in_year(kind, 2022))
    LISTS[kind](status=Status.DRAFT, **in_year(kind, 2019))

    page = get_page(client, kind, priority=adulthood.slug, year="2024")

    [form] = [f for f in page.find_all("form") if f.attrs.get("action") == reverse(f"{kind}:index")]
    assert form.attrs["method"] == "get"
    options = {
        select.attrs["name"]: [
            (o.attrs["value"], o.text, "selected" in o.attrs)
            for o in page.inside(select)
            if o.tag == "option"
        ]
        for select in page.inside(form)
        if select.tag == "select"
    }
    assert (adulthood.slug, "Preparing for adulthood", True) in options["priority"]
    assert options["priority"][0] == ("", "All priorities", False)
    # Only years with something published, newest first.
    assert options["year"] == [
        ("", "All years", False),
        ("2024", "2024", True),
        ("2022", "2022", False),
    ]
    assert [b.text for b in page.inside(form) if b.tag == "button"] == ["Apply filters"]
    [clear] = [a for a in page.inside(form) if a.tag == "a"]
    assert clear.text == "Clear filters"
    assert clear.attrs["href"] == reverse(f"{kind}:index")


@pytest.mark.parametrize("kind", LISTS)
def test_no_clear_filters_link_until_something_is_filtered(client, db, kind):
    LISTS[kind]()

    assert "Clear filters" not in get_page(client, kind).text
    assert "Clear filters" in get_page(client, kind, year="2024").text


@pytest.mark.parametrize("kind", LISTS)
def test_pagination_keeps_the_filters(client, adulthood, kind):
    for day in range(PAGE_SIZE + 2):
        LISTS[kind](priorities=[adulthood], **in_year(kind, 2024, day))
    LISTS[kind].create_batch(PAGE_SIZE)  # unfiltered items, which must not count

    first = get_page(client, kind, priority=adulthood.slug, year="2024")
    [next_link] = first.find_all("a", rel="next")
    assert next_link.attrs["href"] == f"?priority={adulthood.slug}&year=2024&page=2"
    plural = NOUNS[kind][1]
    assert f"Showing 1 to {PAGE_SIZE} of {PAGE_SIZE + 2} {plural} about Preparing" in first.text

    second = client.get(reverse(f"{kind}:index") + next_link.attrs["href"])
    assert len(listed(Page.of(second))) == 2
    assert not set(listed(first)) & set(listed(Page.of(second)))


@pytest.mark.parametrize("kind", LISTS)
def test_a_filter_matching_nothing_says_so(client, adulthood, kind):
    LISTS[kind](**in_year(kind, 2024))

    page = get_page(client, kind, priority=adulthood.slug, year="2019")

    assert listed(page) == []
    assert "No results" in page.texts("h2")
    assert f"There are no {NOUNS[kind][1]} about Preparing for adulthood in 2019." in page.text
    assert reverse(f"{kind}:index") in page.hrefs


@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize(
    "params, message",
    [
        ({"priority": "nope"}, "There is no priority ‘nope’. Choose one from the list."),
        ({"priority": "../../etc/passwd"}, "There is no priority ‘../../etc/passwd’."),
        ({"year": "abc"}, "‘abc’ is not a year."),
        ({"year": "99999"}, "‘99999’ is not a year."),
        ({"year": "-1"}, "‘-1’ is not a year."),
        ({"year": "٢٠٢٤"}, "is not a year."),  # Arabic-Indic digits
        ({"year": "2024.0"}, "‘2024.0’ is not a year."),
        ({"year": "<script>alert(1)</script>"}, "‘<script>alert(1)</script>’ is not a year."),
    ],
)
def test_a_bad_filter_gets_a_friendly_page(client, db, kind, params, message):
    LISTS[kind](**in_year(kind, 2024))

    response = client.get(reverse(f"{kind}:index"), params)

    assert response.status_code == 200
    page = Page.of(response)
    assert listed(page) == []
    assert "No results" in page.texts("h2")
    assert message in page.text
    assert not [s for s in page.find_all("script") if not s.attrs.get("src")]
    robots = [m.attrs["content"] for m in page.find_all("meta") if m.attrs.get("name") == "robots"]
    assert robots == ["noindex, follow"]


@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize("page_number", ["abc", "0", "3", "1.5"])
def test_a_page_of_a_filtered_list_that_does_not_exist_is_not_found(
    client, adulthood, kind, page_number
):
    LISTS[kind](priorities=[adulthood], **in_year(kind, 2024))

    response = client.get(
        reverse(f"{kind}:index"), {"priority": adulthood.slug, "page": page_number}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("kind", LISTS)
def test_unpublished_items_are_not_counted(client, adulthood, kind):
    LISTS[kind](priorities=[adulthood], **in_year(kind, 2024))
    LISTS[kind](priorities=[adulthood], status=Status.DRAFT, published_at=None)
    LISTS[kind](
        priorities=[adulthood],
        status=Status.PUBLISHED,
        published_at=timezone.now() + timedelta(days=1),
    )

    page = get_page(client, kind, priority=adulthood.slug)

    assert f"1 {NOUNS[kind][0]} about Preparing for adulthood" in page.text
    assert len(listed(page)) == 1


@pytest.mark.parametrize("count", [1, 40])
@pytest.mark.parametrize("kind", LISTS)
@pytest.mark.parametrize("filters", ["priority", "year", "both", "bad"])
def test_filtered_lists_cost_the_same_queries_however_many_items(
    client, db, django_assert_max_num_queries, count, kind, filters
):
    priorities = PriorityFactory.create_batch(min(count, 6))
    for day in range(count):
        LISTS[kind](priorities=priorities, **in_year(kind, 2024, day))
    params = {
        "priority": {"priority": priorities[0].slug},
        "year": {"year": "2024"},
        "both": {"priority": priorities[0].slug, "year": "2024", "page": 1},
        "bad": {"priority": "nope", "year": "abc"},
    }[filters]

    url = reverse(f"{kind}:index")
    client.get(url, params)  # what every page keeps in Django's cache (glossary terms)

    # The filters' priorities and years, the count and the page.
    with django_assert_max_num_queries(4):
        assert client.get(url, params).status_code == 200


# Related news and decisions -----------------------------------------------------------


def related_links(page):
    sections = [h for h in page.find_all("h2") if h.text == "Related news and decisions"]
    if not sections:
        return None
    section = sections[0].parents[-1]
    return [e.attrs["href"] for e in page.inside(section) if e.tag == "a"]


@pytest.mark.parametrize("kind", ["press release", "decision"])
def test_an_item_lists_the_newest_three_that_share_a_priority(client, db, kind):
    shared, other = PriorityFactory.create_batch(2)
    now = timezone.now()
    factory = PressReleaseFactory if kind == "press release" else CabinetDecisionFactory
    item = factory(priorities=[shared], published_at=now - timedelta(days=1))
    newest = [
        PressReleaseFactory(priorities=[shared, other], published_at=now - timedelta(hours=1)),
        CabinetDecisionFactory(priorities=[shared], published_at=now - timedelta(hours=2)),
        PressReleaseFactory(priorities=[shared], published_at=now - timedelta(hours=3)),
    ]
    CabinetDecisionFactory(priorities=[shared], published_at=now - timedelta(days=5))  # 4th
    PressReleaseFactory(priorities=[other], published_at=now)  # no shared priority
    PressReleaseFactory(priorities=[shared], status=Status.DRAFT, published_at=None)
    CabinetDecisionFactory(priorities=[shared], published_at=now + timedelta(days=1))

    page = Page.of(client.get(item.get_absolute_url()))

    assert related_links(page) == [related.get_absolute_url() for related in newest]
    assert len(newest) == RELATED_COUNT


def test_an_item_is_not_related_to_itself(client, db):
    priority = PriorityFactory()
    alone = PressReleaseFactory(priorities=[priority])

    page = Page.of(client.get(alone.get_absolute_url()))

    assert related_links(page) is None  # no section when there is nothing to show


def test_an_item_without_priorities_has_no_related_section(client, db):
    PressReleaseFactory()
    item = CabinetDecisionFactory()

    assert related_links(Page.of(client.get(item.get_absolute_url()))) is None


def test_related_items_say_what_they_are(client, real_content):
    from news.models import CabinetDecision

    decision = CabinetDecision.objects.get()
    page = Page.of(client.get(decision.get_absolute_url()))

    [heading] = [h for h in page.find_all("h2") if h.text == "Related news and decisions"]
    section = heading.parents[-1]
    assert "Press release, 18 September 2024" in section.text
    assert "Related priorities" in page.texts("h2")  # above, as before


@pytest.mark.parametrize("count", [1, 30])
@pytest.mark.parametrize("kind", ["press release", "decision"])
def test_related_items_cost_the_same_queries_however_many(
    client, db, django_assert_max_num_queries, count, kind
):
    priorities = PriorityFactory.create_batch(min(count, 6))
    PressReleaseFactory.create_batch(count, priorities=priorities)
    CabinetDecisionFactory.create_batch(count, priorities=priorities)
    if kind == "press release":
        item = PressReleaseFactory(priorities=priorities)
        QuoteFactory.create_batch(count, press_release=item)
    else:
        item = CabinetDecisionFactory(priorities=priorities)
        DecisionPointFactory.create_batch(count, decision=item)

    # What every page keeps in Django's cache (glossary terms, Easy Read pairings).
    client.get(item.get_absolute_url())

    # The item, its quotes or points, priorities, change notes, related news and decisions.
    with django_assert_max_num_queries(6):
        page = Page.of(client.get(item.get_absolute_url()))

    assert len(related_links(page)) == min(2 * count, RELATED_COUNT)
