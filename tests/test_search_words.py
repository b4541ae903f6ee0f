"""Search in families' words (issue #21): a glossary term's abbreviation and other
forms find each other, glossary entries and Easy Read pages are results of their own
(marked as such), a misspelt word gets "Did you mean ...?" on PostgreSQL, and a
snippet never runs a heading into the sentence after it. On SQLite and PostgreSQL."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from news.models import CabinetDecision
from publishing.models import Status
from tests.factories import (
    CabinetDecisionFactory,
    EasyReadPointFactory,
    EasyReadVersionFactory,
    GlossaryTermFactory,
    PressReleaseFactory,
    PriorityFactory,
)
from tests.test_search import every_result_link, result_links, search_page

ON_POSTGRESQL = connection.vendor == "postgresql"
EHCP_ENTRY = "/glossary/#ehcp"


def news(title, **fields):
    """A published press release with no words but these (the factory's are random)."""
    return PressReleaseFactory(
        title=title, **{"standfirst": "Plain words.", "body": "Nothing else.", **fields}
    )


def results(page):
    """Each result as a reader sees it: (its heading, the line under it, its address)."""
    found = []
    for item in page.find_all("li", **{"class": "app-summary-item"}):
        inside = page.inside(item)
        [link] = [e for e in inside if e.tag == "a" and e.parents[-1].tag == "h2"]
        [meta] = [e for e in inside if e.tag == "p" and "app-meta" in e.attrs.get("class", "")]
        found.append((link.text, meta.text, link.attrs["href"]))
    return found


def suggestions(page):
    """The "Did you mean ...?" links: (their words, the search they lead to)."""
    found = []
    for a in page.find_all("a"):
        if any(
            parent.tag == "p" and parent.text.startswith("Did you mean") for parent in a.parents
        ):
            address = urlsplit(a.attrs["href"])
            assert address.path == reverse("search")
            [query] = parse_qs(address.query)["q"]
            found.append((a.text, query))
    return found


# The glossary drives search ------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "EHCP",
        "ehcp",
        "EHCPs",
        "EHC plan",
        "ehc plans",
        "Education, Health and Care plan",
        "Education Health and Care plans",
    ],
)
def test_any_form_of_ehcp_finds_the_entry_and_the_decision_that_says_it_in_full(
    client, real_content, query
):
    """The shipped decision says "Education Health Care Plans", never "EHCP"; the
    glossary explains the term under all its forms."""
    decision = CabinetDecision.objects.get()

    links = every_result_link(client, query)

    assert links[0] == EHCP_ENTRY  # the entry whose title has the very words, first
    assert decision.get_absolute_url() in links


def test_the_forms_find_each_other_both_ways_the_exact_words_first(client, db):
    GlossaryTermFactory(
        term="Education, Health and Care plan",
        abbreviation="EHCP",
        slug="ehcp",
        other_forms="EHC plan\nEHC plans\nEHCPs",
    )
    now = timezone.now()
    # Oldest first, so that only the words (not the date) can put one first.
    by_abbreviation, by_short_form, in_full = (
        news(title, published_at=now - timedelta(days=days))
        for title, days in [
            ("Changes to EHCP reviews", 30),
            ("Your EHC plan and the new school", 20),
            ("Asking for an Education, Health and Care plan", 10),
        ]
    )
    news("Health and care news", body="Education matters.")
    pages = {item.get_absolute_url() for item in (by_abbreviation, by_short_form, in_full)}

    for query, first in [
        ("EHCP", by_abbreviation),
        ("EHC plan", by_short_form),
        ("Education, Health and Care plan", in_full),
    ]:
        links = every_result_link(client, query)
        found = [link for link in links if link.startswith("/news/")]
        assert set(found) == pages, query  # not the news about health and care
        assert found[0] == first.get_absolute_url(), query
        assert EHCP_ENTRY in links, query


def test_a_term_is_expanded_only_where_it_is_a_whole_form(client, db):
    GlossaryTermFactory(term="Alternative provision", abbreviation="AP", slug="ap")
    in_full = news("Alternative provision places")
    abbreviated = news("More AP places")
    happy = news("A happy day out")

    assert {
        reverse("glossary:index") + "#ap",
        in_full.get_absolute_url(),
        abbreviated.get_absolute_url(),
    } <= set(every_result_link(client, "AP"))
    # Not inside another word, nor joined to one.
    assert every_result_link(client, "happy") == [happy.get_absolute_url()]
    assert in_full.get_absolute_url() not in every_result_link(client, "AP-style places")


def test_autism_finds_nothing_as_nothing_on_the_site_mentions_it(client, real_content):
    """Neither the shipped pages nor their sources (fixtures/, the council's press
    release and cabinet record) say "autism" or "autistic", and the glossary has no
    such entry: none is invented. The page says so and offers the glossary."""
    for query in ("autism", "autistic"):
        _, page = search_page(client, query)

        assert f"No results for ‘{query}’" in page.text
        assert reverse("glossary:index") in page.hrefs
        assert suggestions(page) == []


def test_a_glossary_entry_an_editor_adds_lets_autism_find_autistic(client, db):
    """How "autism" would come to find pages: an editor adds the term and its forms."""
    page = news("Support for autistic pupils")
    assert every_result_link(client, "autism") == []

    GlossaryTermFactory(term="Autism", slug="autism", other_forms="autistic")

    assert every_result_link(client, "autism") == [
        reverse("glossary:index") + "#autism",
        page.get_absolute_url(),
    ]


def test_a_changed_glossary_term_changes_what_search_finds_at_once(client, db):
    page = news("Your EHC plan")
    term = GlossaryTermFactory(term="Education, Health and Care plan", slug="ehcp")
    assert page.get_absolute_url() not in every_result_link(client, "EHCP")

    term.abbreviation = "EHCP"
    term.other_forms = "EHC plan"
    term.save()

    assert page.get_absolute_url() in every_result_link(client, "EHCP")


# Glossary entries and Easy Read pages are results --------------------------------------


def test_glossary_entries_and_easy_read_pages_are_results_marked_as_such(client, real_content):
    _, page = search_page(client, "adulthood")

    found = results(page)

    assert ("Preparing for adulthood", "Glossary", "/glossary/#preparing-for-adulthood") in found
    assert (
        "Priority 6: Preparing for adulthood",
        "Easy Read",
        reverse("easyread:priority", kwargs={"slug": "preparing-for-adulthood"}),
    ) in found
    assert (
        "Priority 6: Preparing for adulthood",
        "Priority in the strategy",
        reverse("priorities:detail", kwargs={"slug": "preparing-for-adulthood"}),
    ) in found


def test_an_entry_shows_its_abbreviation_and_its_definition(client, db):
    GlossaryTermFactory(
        term="Special educational needs co-ordinator",
        abbreviation="SENCO",
        slug="senco",
        short_definition="The teacher who arranges support for pupils with SEND.",
    )

    _, page = search_page(client, "SENCO")

    assert results(page) == [
        ("Special educational needs co-ordinator (SENCO)", "Glossary", "/glossary/#senco")
    ]
    assert "The teacher who arranges support for pupils with SEND." in page.text


def test_easy_read_points_are_searched_and_shown(client, db):
    version = EasyReadVersionFactory(title="Priority 9: Zeppelins", intro="This page is easy.")
    EasyReadPointFactory(version=version, text="We will fly in a balloon.\nIt is big.")

    _, page = search_page(client, "balloon")

    [(heading, meta, address)] = results(page)
    assert (heading, meta, address) == (
        "Priority 9: Zeppelins",
        "Easy Read",
        version.get_absolute_url(),
    )
    assert "This page is easy. We will fly in a balloon" in page.text


def test_hidden_terms_and_easy_read_pages_the_public_cannot_see_are_never_found(client, db):
    shown = GlossaryTermFactory(term="Zeppelin ride", slug="zeppelin-ride")
    GlossaryTermFactory(term="Zeppelin hangar", slug="zeppelin-hangar", is_shown=False)
    public = EasyReadVersionFactory(title="Zeppelins, in Easy Read")
    EasyReadVersionFactory(title="Zeppelin draft", status=Status.DRAFT, published_at=None)
    EasyReadVersionFactory(
        title="Zeppelin on a page to come",
        page=PressReleaseFactory(status=Status.DRAFT, published_at=None),
    )
    EasyReadVersionFactory(
        title="Zeppelin tomorrow", published_at=timezone.now() + timedelta(days=1)
    )

    _, page = search_page(client, "zeppelin")

    assert sorted(result_links(page)) == sorted(
        [public.get_absolute_url(), shown.get_absolute_url()]
    )
    assert "hangar" not in page.text and "draft" not in page.text.lower()


@pytest.mark.parametrize("count", [1, 20])
def test_a_page_of_glossary_and_easy_read_results_costs_the_same_queries(
    client, db, django_assert_max_num_queries, count
):
    for n in range(count):
        GlossaryTermFactory(term=f"Zeppelin {n}", slug=f"zeppelin-{n}")
        version = EasyReadVersionFactory(title=f"Zeppelin page {n}", page=PriorityFactory())
        EasyReadPointFactory(version=version, text="A zeppelin flies.")
        CabinetDecisionFactory(title=f"Zeppelin decision {n}")
    client.get(reverse("search"), {"q": "zeppelin"})  # the glossary's terms, then cached

    # SQLite: the matches of every kind in one; the page's decisions, glossary terms,
    # Easy Read versions, their points and their pages. PostgreSQL: the count and the
    # page's keys in order, not the points.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("search"), {"q": "zeppelin"})

    assert response.status_code == 200


# Did you mean ...? ---------------------------------------------------------------------


def test_a_misspelt_word_gets_did_you_mean_on_postgresql(client, real_content):
    _, page = search_page(client, "Adulthod")

    assert "No results for ‘Adulthod’" in page.text
    if ON_POSTGRESQL:
        assert "Did you mean Adulthood?" in page.text
        assert suggestions(page) == [("Adulthood", "Adulthood")]
        assert "5 results for ‘Adulthood’" in search_page(client, "Adulthood")[1].text
    else:  # SQLite has no pg_trgm: no suggestion (docs/notes/search.md)
        assert "Did you mean" not in page.text


def test_only_the_misspelt_words_of_a_search_are_corrected(client, real_content):
    _, page = search_page(client, "preparing for adulthod")

    if ON_POSTGRESQL:
        assert suggestions(page) == [("preparing for adulthood", "preparing for adulthood")]
    else:
        assert suggestions(page) == []


def test_a_word_saved_since_is_suggested_and_a_hidden_one_never(client, db):
    news("Kestrels", status=Status.DRAFT, published_at=None)
    _, page = search_page(client, "zepelin")
    assert "No results" in page.text and suggestions(page) == []

    news("Zeppelin news")

    _, page = search_page(client, "zepelin")
    assert suggestions(page) == ([("zeppelin", "zeppelin")] if ON_POSTGRESQL else [])
    _, page = search_page(client, "kestrel")  # only a draft says it
    assert "No results" in page.text and suggestions(page) == []


def test_a_search_with_enough_results_gets_no_suggestion(client, db):
    for n in range(3):
        news(f"Zeppelin news {n}", body="Zepelin spelt wrong, and zeppelin.")

    _, page = search_page(client, "zepelin")  # found as written, three times

    assert "3 results" in page.text
    assert suggestions(page) == []


@pytest.mark.parametrize("count", [1, 20])
def test_a_search_with_a_suggestion_costs_the_same_queries(
    client, db, django_assert_max_num_queries, count
):
    PressReleaseFactory.create_batch(count, title="Zeppelin news")
    client.get(reverse("search"), {"q": "zepelin"})  # the words and terms, then kept

    # The count; on PostgreSQL, the nearest words and the corrected search's count.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("search"), {"q": "zepelin"})

    assert response.status_code == 200


# Snippets ------------------------------------------------------------------------------


def test_a_snippet_never_runs_a_heading_into_the_next_sentence(client, db):
    PressReleaseFactory(
        standfirst="What families told us",
        body="We asked what you want to know\n\n"
        "## A new local offer page\n"
        "Monthly drop-in sessions start in May.\n\n"
        "- Rides on a zeppelin\n"
        "- Picnics",
    )

    _, page = search_page(client, "monthly")

    [snippet] = [
        p.text for p in page.find_all("p", **{"class": "govuk-body"}) if "Monthly" in p.text
    ]
    assert (
        "What families told us. We asked what you want to know. A new local offer page. "
        "Monthly drop-in sessions start in May. Rides on a zeppelin. Picnics" in snippet
    )
    assert "page Monthly" not in snippet


def test_a_snippet_keeps_an_editors_own_punctuation(client, db):
    PressReleaseFactory(
        standfirst="Plain words.",
        body="## Is it a zeppelin?\nYes: a zeppelin!\n\n1. First, look up.\n2. Then wave",
    )

    _, page = search_page(client, "zeppelin")

    assert "Plain words. Is it a zeppelin? Yes: a zeppelin! First, look up. Then wave" in page.text
