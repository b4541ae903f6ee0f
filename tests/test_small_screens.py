"""What keeps a page whole on a phone, as the HTML carries it: every table can stack its
rows with each value's column heading beside it, each section's "#" link follows its
heading's last word, list filters fold away under a summary that says what is chosen,
and every form on a page has a name of its own. tests/test_browser.py checks how it
looks in a real browser at 320 and 375 pixels."""

import re

import pytest
from django.urls import reverse

from priorities.models import Priority
from tests.factories import PriorityFactory
from tests.html_page import Page
from tests.test_accessibility import PAGE_TYPES, url_of
from tests.test_filters import LISTS, in_year


def name_of(page, element):
    """An element's accessible name from aria-labelledby or aria-label (how the site
    names its forms), or "" when it has neither."""
    by_id = {e.attrs["id"]: e for e in page.elements if "id" in e.attrs}
    labelled_by = element.attrs.get("aria-labelledby", "").split()
    if labelled_by:
        return " ".join(by_id[i].text for i in labelled_by if i in by_id)
    return element.attrs.get("aria-label", "").strip()


@pytest.fixture
def every_page_type(client, real_content):
    """{page type: Page} for one page of every public type (tests/test_accessibility.py)."""
    pages = {}
    for page_type in PAGE_TYPES:
        response = client.get(url_of(page_type))
        assert response.status_code < 500, page_type
        pages[page_type] = Page.of(response), response.content.decode()
    return pages


def test_every_form_on_a_page_has_a_name_of_its_own(every_page_type):
    for page_type, (page, _) in every_page_type.items():
        names = [name_of(page, form) for form in page.find_all("form")]
        assert names, page_type  # the header's search, at least
        assert all(names), (page_type, names)
        assert len(set(names)) == len(names), (page_type, names)


def test_a_list_page_names_its_search_its_filters_and_its_feedback(every_page_type):
    news, _ = every_page_type["news"]
    search, _ = every_page_type["search"]

    assert [name_of(news, form) for form in news.find_all("form")] == [
        "Search this site",
        "Filter press releases",
        "Was this page useful?",
    ]
    assert [name_of(search, form) for form in search.find_all("form")] == [
        "Search this site",
        "Search the priorities, news, decisions, glossary and Easy Read",
        "Was this page useful?",
    ]


def test_the_header_search_box_has_a_label_that_is_not_hidden(every_page_type):
    for page_type, (page, _) in every_page_type.items():
        [label] = page.find_all("label", **{"for": "site-search"})
        assert label.text == "Search this site", page_type
        assert "govuk-visually-hidden" not in label.attrs.get("class", ""), page_type


def test_every_wide_table_can_stack_with_each_value_labelled_by_its_column(every_page_type):
    tables = 0
    for page_type, (page, _) in every_page_type.items():
        for table in page.find_all("table"):
            inside = page.inside(table)
            headings = [e.text for e in inside if e.tag == "th" and e.attrs.get("scope") == "col"]
            if len(headings) <= 2:
                continue  # a name and what it is (/data/'s fields) fit any phone as they are
            tables += 1
            assert "app-responsive-table" in table.parents[-1].attrs.get("class", ""), page_type
            rows = [e for e in inside if e.tag == "tr" and "tbody" in {p.tag for p in e.parents}]
            for row in rows:
                cells = [e for e in page.inside(row) if e.tag in ("th", "td")]
                assert len(cells) == len(headings), page_type
                labels = [cell.attrs.get("data-label") for cell in cells if cell.tag == "td"]
                # The row heading (the first cell) is shown as the row's own heading.
                assert labels == headings[1:], page_type
    assert tables >= 3  # the progress chart's table, and deliverables on several pages


def test_a_section_link_follows_its_heading_with_nothing_a_line_could_break_at(
    every_page_type,
):
    links = 0
    for page_type, (_, html) in every_page_type.items():
        for before in re.findall(r'(.{0,6})<a class="app-heading-anchor"', html):
            links += 1
            assert re.fullmatch(r".*</h[23]>", before), (page_type, before)
    assert links > 20


def filters_of(page):
    [details] = [d for d in page.find_all("details") if "app-filters" in d.attrs.get("class", "")]
    [summary] = [e for e in page.inside(details) if e.tag == "summary"]
    [form] = [e for e in page.inside(details) if e.tag == "form"]
    return details, summary.text, form


@pytest.mark.parametrize("kind", LISTS)
def test_list_filters_fold_under_a_summary_that_says_how_many_are_chosen(client, db, kind):
    adulthood = PriorityFactory(short_title="Preparing for adulthood")
    LISTS[kind](priorities=[adulthood], **in_year(kind, 2024))
    noun = {"news": "press releases", "decisions": "decisions"}[kind]
    index = reverse(f"{kind}:index")

    def filters(**params):
        return filters_of(Page.of(client.get(index, params)))

    details, summary, form = filters()
    assert summary == f"Filter {noun}"
    assert "open" not in details.attrs
    assert form.attrs["action"] == index
    assert filters(year="2024")[1] == f"Filter {noun} (1 chosen)"
    assert filters(priority=adulthood.slug)[1] == f"Filter {noun} (1 chosen)"
    assert filters(priority=adulthood.slug, year="2024")[1] == f"Filter {noun} (2 chosen)"
    # A filter the site did not understand: open, to choose again.
    assert "open" in filters(year="nineteen")[0].attrs


def test_the_you_said_we_did_filter_folds_too(client, real_content):
    url = url_of("you-said-we-did")
    priority = Priority.objects.order_by("number").first()

    details, summary, form = filters_of(Page.of(client.get(url)))
    assert summary == "Filter entries"
    assert "open" not in details.attrs
    assert filters_of(Page.of(client.get(url, {"priority": priority.slug})))[1] == (
        "Filter entries (1 chosen)"
    )
    assert "open" in filters_of(Page.of(client.get(url, {"priority": "no-such"})))[0].attrs
