"""The site says exactly what its sources say (../shared/content/, docs/notes/sources.md).

Each test reads the rendered pages of the real content, as a family would, and checks
a wording the sources fix: what the record states, what it leaves unstated, which words
are quoted and from where, and what the glossary says the SEND Code of Practice says.
"""

import re
from datetime import date

import pytest
from django.urls import reverse

from news.models import CabinetDecision
from priorities.models import Priority, Strategy
from publishing.models import Status
from tests import test_pages
from tests.factories import (
    CabinetDecisionFactory,
    DecisionPointFactory,
    PriorityFactory,
    StrategyFactory,
)
from tests.html_page import Page

FORMAL_NAME = "SEND, Inclusion and Alternative Provision Strategy 2024-2029"
CALLED = "Meeting Needs Together - ambitious for all"
APPROVAL = "Cabinet approved the strategy, and this priority with it, on 17 September 2024"
CODE = "SEND Code of Practice: 0 to 25 years (January 2015)"


def page_at(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page.of(response)


def public_urls():
    """tests/test_pages.py's public pages, and the others that speak of the strategy."""
    return [
        *test_pages.public_urls(),
        reverse("progress:index"),
        reverse("search"),
        reverse("glossary:index"),
        reverse("helpcontacts:index"),
    ]


@pytest.fixture
def pages(client, real_content):
    """{url: Page} for every public page a family reads about the strategy."""
    return {url: page_at(client, url) for url in public_urls()}


@pytest.fixture
def decision(real_content):
    return CabinetDecision.objects.get()


def description(page):
    [meta] = page.find_all("meta", name="description")
    return meta.attrs["content"]


# The decision: the record's own words, and "Not stated in the record" for the rest -----


def test_the_decision_says_what_the_record_says_and_no_more(client, decision):
    page = page_at(client, decision.get_absolute_url())
    record = dict(zip(page.texts("dt"), page.texts("dd"), strict=True))

    assert record["What Cabinet did"] == "Cabinet noted and approved"
    assert record["Report presented by"] == (
        "Cllr Jane Davies, Cabinet Member for Adult Social Care, SEND and Inclusion"
    )
    assert record["What the meeting was asked to do"] == (
        "To receive the report from the Chief Executive."
    )
    for unstated in ["Decision type", "Decision status", "Lead member"]:
        assert record[unstated] == "Not stated in the record"
    assert "Cllr Jane Davies presented the report, which was from the Chief Executive." in (
        page.text
    )


def test_no_page_gives_the_decision_a_status_the_record_does_not_state(pages):
    for url, page in pages.items():
        assert "Recommendations approved" not in page.text, url
        assert "Recommendations approved" not in description(page), url


def test_what_the_meeting_did_follows_the_records_headings(client, db):
    decision = CabinetDecisionFactory(meeting_body="Cabinet")
    for number, kind in enumerate(["noted", "approved", "delegated"], start=1):
        DecisionPointFactory(decision=decision, number=number, kind=kind)

    page = page_at(client, decision.get_absolute_url())

    record = dict(zip(page.texts("dt"), page.texts("dd"), strict=True))
    assert record["What Cabinet did"] == "Cabinet noted, approved and delegated"


# Every priority: approved with the whole strategy, linked to the decision -------------


def test_every_priority_page_says_cabinet_approved_it_with_the_strategy(pages, decision):
    for priority in Priority.objects.all():
        page = pages[priority.get_absolute_url()]

        [link] = page.find_all("a", href=decision.get_absolute_url())
        assert link.text == APPROVAL
        assert not re.search(r"\bno decisions?\b", page.text, re.IGNORECASE), priority


def approved_strategy_with_a_priority(approved_on=date(2031, 3, 4), approved_by="Full Council"):
    strategy = StrategyFactory(approved_on=approved_on, approved_by=approved_by)
    return PriorityFactory(strategy=strategy, number=1)


def test_the_approval_line_comes_from_the_strategy_and_its_decision(client, db):
    priority = approved_strategy_with_a_priority()
    decision = CabinetDecisionFactory(
        strategy=priority.strategy, meeting_date=date(2031, 3, 4), status=Status.PUBLISHED
    )
    CabinetDecisionFactory(  # same strategy, another day: not the approval
        strategy=priority.strategy, meeting_date=date(2031, 5, 6), status=Status.PUBLISHED
    )

    page = page_at(client, priority.get_absolute_url())

    [link] = page.find_all("a", href=decision.get_absolute_url())
    assert link.text == (
        "Full Council approved the strategy, and this priority with it, on 4 March 2031"
    )


def test_a_draft_approving_decision_is_not_linked_but_the_approval_is_still_said(client, db):
    priority = approved_strategy_with_a_priority()
    draft = CabinetDecisionFactory(
        strategy=priority.strategy, meeting_date=date(2031, 3, 4), status=Status.DRAFT
    )

    page = page_at(client, priority.get_absolute_url())

    assert draft.get_absolute_url() not in page.hrefs
    assert "Full Council approved the strategy, and this priority with it, on 4 March 2031." in (
        page.text
    )


def test_a_priority_of_a_strategy_not_yet_approved_says_there_is_no_decision(client, db):
    priority = PriorityFactory(strategy=StrategyFactory(approved_on=None))

    page = page_at(client, priority.get_absolute_url())

    assert "There are no decisions about this priority yet." in page.text
    assert "approved the strategy" not in page.text


# Claims in the site's own words, as the sources make them -----------------------------


def test_the_plan_is_still_to_come_as_the_record_says(pages):
    for priority in Priority.objects.all():
        text = pages[priority.get_absolute_url()].text
        assert "“to be underpinned by a clear implementation plan”" in text
        assert "with oversight by the Local Area SEND and AP Board" in text
    for url, page in pages.items():
        assert "are underpinned" not in page.text, url


def test_how_the_strategy_was_made_is_told_from_the_sources_only(pages):
    priority_one = pages[Priority.objects.get(number=1).get_absolute_url()].text

    assert "“brings together months of engagement with parent carers, young people" in (
        priority_one
    )
    assert "the Local Area had co-produced with parents, carers, children and young people" in (
        priority_one
    )
    for url, page in pages.items():
        for unsourced in ["about a year", "Young Pioneers", "wrote this strategy together"]:
            assert unsourced not in page.text, (url, unsourced)


def test_the_vision_says_where_its_words_come_from(pages):
    home = pages[reverse("home")].text

    assert "achieve their dreams." in home
    assert (
        "Source: The report to Cabinet, as quoted in local press coverage in September 2024 "
        "(Swindon Advertiser; Gazette and Herald)."
    ) in home


# One name for the strategy; the source's own where a source is quoted -----------------


def test_the_site_calls_the_strategy_by_one_name(pages, decision):
    for url, page in pages.items():
        said = f"{page.text} {description(page)}"
        for other_name in [
            "SEND strategy",
            "SEND and AP Strategy",
            "Strategy 2024 to 2029",
            "Meeting Needs Together: ambitious",
            "Meeting needs together, ambitious",
        ]:
            assert other_name not in said, (url, other_name)
        # The press release's own name for it, only in the press release it is quoted from.
        if "/news/" not in url or url == reverse("news:index"):
            assert "SEND and Alternative Provision Strategy" not in said, url
        # The record's issue title names only the decision: its heading and links to it
        # (and its share panel's text to paste, which begins with the page's heading).
        posts = [post.text for post in page.find_all("textarea", id="share-post")]
        mentions = page.text.count(decision.title) - sum(p.count(decision.title) for p in posts)
        named = page.texts("h1").count(decision.title) + [
            link.text for link in page.find_all("a", href=decision.get_absolute_url())
        ].count(decision.title)
        assert mentions == named, url

    home = pages[reverse("home")]
    assert home.texts("h1") == [FORMAL_NAME]
    assert f"Called “{CALLED}”" in home.text
    priorities = pages[reverse("priorities:index")]
    [caption] = priorities.find_all("span", **{"class": "govuk-caption-l"})
    assert caption.text == FORMAL_NAME


# Source typos: kept and marked [sic] where quoted, spelled right in our own words ------


def test_a_typo_in_a_source_is_kept_with_sic_only_where_the_source_is_quoted(pages, decision):
    minute = pages[decision.get_absolute_url()].text

    assert "oversight by the Local Area AEND [sic] and AP Board" in minute
    for url, page in pages.items():
        assert not re.search(r"AEND(?! \[sic\])", page.text), url
    for priority in Priority.objects.all():
        text = pages[priority.get_absolute_url()].text
        assert "Local Area SEND and AP Board" in text
        assert "[sic]" not in text


# The full strategy document ------------------------------------------------------------


def strategy_pages():
    return [
        reverse("home"),
        reverse("priorities:index"),
        *(priority.get_absolute_url() for priority in Priority.objects.all()),
    ]


def test_without_a_link_from_the_sources_no_page_offers_the_full_strategy(client, real_content):
    assert Strategy.objects.get().document_url == ""
    for url in strategy_pages():
        assert "Read the full strategy" not in page_at(client, url).text, url


def test_once_an_editor_adds_the_link_every_strategy_page_offers_it(client, real_content):
    strategy = Strategy.objects.get()
    strategy.document_url = "https://www.wiltshire.gov.uk/send-strategy.pdf"
    strategy.save()

    for url in strategy_pages():
        [link] = page_at(client, url).find_all("a", href=strategy.document_url)
        assert link.text == "Read the full strategy", url


# The glossary, as the SEND Code of Practice has it --------------------------------------


def glossary_entry(page, slug):
    """The words of one entry: its heading, definition and explanation."""
    for entry in page.find_all("div", **{"class": "app-glossary-term"}):
        if any(element.attrs.get("id") == slug for element in page.inside(entry)):
            return entry.text
    raise AssertionError(f"No glossary entry #{slug}")


@pytest.fixture
def glossary(pages):
    return pages[reverse("glossary:index")]


def test_the_senco_entry_says_which_settings_must_have_a_qualified_teacher(glossary):
    entry = glossary_entry(glossary, "senco")

    assert "A qualified teacher in a school or nursery" not in entry
    assert (
        "Every mainstream school and maintained nursery school must have a SENCO who is a "
        "qualified teacher."
    ) in entry
    assert "are expected to name a SENCO" in entry
    assert CODE in entry


def test_the_send_entry_defines_needs_and_disabilities_not_only_needs(glossary):
    entry = glossary_entry(glossary, "send")

    assert "Special educational needs (SEN), disabilities, or both." in entry
    assert "Equality Act 2010" in entry
    assert "A child or young person has SEND if" not in entry  # that is the definition of SEN
    assert CODE in entry


def test_the_tribunal_entry_names_the_tribunal_and_calls_it_no_court(glossary):
    entry = glossary_entry(glossary, "send-tribunal")

    assert "The First-tier Tribunal (Special Educational Needs and Disability)" in entry
    assert "an independent tribunal" in entry
    assert "court" not in entry
    assert CODE in entry


def test_the_code_of_practice_entry_keeps_its_musts_and_shoulds_apart(glossary):
    entry = glossary_entry(glossary, "send-code-of-practice")

    assert "must follow it unless they have a good reason" not in entry
    assert "must have regard to it: they cannot ignore it." in entry
    assert "Where the Code says “must”, it means a legal duty" in entry
    assert "expected to explain any departure from it" in entry
    assert CODE in entry
