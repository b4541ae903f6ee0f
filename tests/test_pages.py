"""What a visitor sees on every public page, with the site's real content."""

import re

import pytest
from django.urls import reverse

from news.models import CabinetDecision, PressRelease, Quote
from priorities.models import Priority
from tests.factories import PressReleaseFactory
from tests.html_page import Page

STRATEGY_TITLE = "SEND, Inclusion and Alternative Provision Strategy 2024-2029"
PRESS_RELEASE_SLUG = "cabinet-agrees-new-strategy-to-support-children-and-young-people-with-send"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PAGE_FURNITURE = ["Toggle menu", "MyWilts", "Share on Facebook"]


@pytest.fixture
def press_release(real_content):
    return PressRelease.objects.get()


@pytest.fixture
def decision(real_content):
    return CabinetDecision.objects.get()


@pytest.fixture
def priorities(real_content):
    return list(Priority.objects.order_by("number"))


def public_urls():
    """Every public page of the real content: the lists and each thing in them."""
    return [
        reverse("home"),
        reverse("priorities:index"),
        *(priority.get_absolute_url() for priority in Priority.objects.order_by("number")),
        reverse("news:index"),
        *(item.get_absolute_url() for item in PressRelease.objects.all()),
        reverse("decisions:index"),
        *(item.get_absolute_url() for item in CabinetDecision.objects.all()),
    ]


def mistyped_url():
    return reverse("news:detail", kwargs={"slug": "no-such-news"})


@pytest.fixture
def site_pages(client, real_content):
    """{url: response} for every public page, and the page a visitor gets for a typo."""
    return {url: client.get(url) for url in [*public_urls(), mistyped_url()]}


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page.of(response)


# Every page --------------------------------------------------------------------------


def test_every_public_page_opens(site_pages):
    statuses = {url: response.status_code for url, response in site_pages.items()}

    assert len(statuses) == 13
    assert statuses == {**dict.fromkeys(public_urls(), 200), mistyped_url(): 404}


def test_every_page_has_exactly_one_main_heading(site_pages):
    for url, response in site_pages.items():
        assert response.content.decode().count("<h1") == 1, url


def test_every_page_is_marked_as_british_english(site_pages):
    for url, response in site_pages.items():
        assert '<html lang="en-GB"' in response.content.decode(), url


def test_every_page_lets_keyboard_users_skip_to_the_content(site_pages):
    for url, response in site_pages.items():
        page = Page.of(response)
        assert page.find_all("a", href="#main-content"), url
        assert page.find_all("main", id="main-content"), url


def test_every_page_has_its_own_title(site_pages):
    titles = [Page.of(response).title for response in site_pages.values()]

    assert len(set(titles)) == len(titles), titles


def test_no_page_carries_furniture_from_the_council_website(site_pages):
    for url, response in site_pages.items():
        for furniture in PAGE_FURNITURE:
            assert furniture not in response.content.decode(), (url, furniture)


# Addresses ---------------------------------------------------------------------------


def test_the_press_release_lives_at_a_readable_address(press_release):
    assert press_release.get_absolute_url() == reverse(
        "news:detail", kwargs={"slug": PRESS_RELEASE_SLUG}
    )


@pytest.mark.parametrize("model", [Priority, PressRelease, CabinetDecision])
def test_addresses_are_made_of_lowercase_words_not_ids(real_content, model):
    for item in model.objects.all():
        last_part = item.get_absolute_url().rstrip("/").rsplit("/", 1)[-1]
        assert last_part == item.slug
        assert SLUG.match(last_part), last_part


@pytest.mark.parametrize("name", ["priorities:detail", "news:detail", "decisions:detail"])
def test_an_unknown_address_gets_a_friendly_page_not_found(client, real_content, name):
    response = client.get(reverse(name, kwargs={"slug": "no-such-page"}))

    assert response.status_code == 404
    page = Page.of(response)
    assert page.texts("h1") == ["Page not found"]
    nav = page.find_all("nav", **{"aria-label": "Main"})
    assert nav, "the 404 page should have the site's header navigation"
    assert reverse("news:index") in page.hrefs


@pytest.mark.parametrize("name", ["news:index", "decisions:index"])
@pytest.mark.parametrize("page_number", ["999", "abc"])
def test_a_bad_page_number_is_not_found_rather_than_an_error(
    client, real_content, name, page_number
):
    response = client.get(reverse(name), {"page": page_number})

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_long_lists_of_news_are_split_into_pages(client, real_content):
    PressReleaseFactory.create_batch(10)

    second_page = get_page(client, reverse("news:index") + "?page=2")

    assert "Showing 11 to 11 of 11 press releases" in second_page.text
    assert second_page.find_all("a", rel="prev")


# Home --------------------------------------------------------------------------------


def test_home_page_introduces_the_strategy(client, real_content):
    page = get_page(client, reverse("home"))

    assert page.texts("h1") == [STRATEGY_TITLE]
    assert "Meeting Needs Together - ambitious for all" in page.text
    assert "The strategy runs from 2024 to 2029." in page.text
    assert (
        "To create a future where every young person in Wiltshire has the tools and support "
        "needed to thrive and achieve their dreams." in page.text
    )
    assert "to foster a culture of empowerment and inclusion" in page.text


def test_home_page_lists_the_six_priorities_in_order_and_each_link_works(client, priorities):
    page = get_page(client, reverse("home"))
    priority_urls = [priority.get_absolute_url() for priority in priorities]

    assert [href for href in page.hrefs if href in priority_urls] == priority_urls
    for number, priority in enumerate(priorities, start=1):
        [link] = page.find_all("a", href=priority.get_absolute_url())
        assert link.text == f"Priority {number}: {priority.short_title}"
        assert client.get(priority.get_absolute_url()).status_code == 200


def test_home_page_links_to_the_latest_news_and_decisions(client, press_release, decision):
    page = get_page(client, reverse("home"))

    for url in [
        press_release.get_absolute_url(),
        decision.get_absolute_url(),
        reverse("news:index"),
        reverse("decisions:index"),
    ]:
        assert url in page.hrefs
        assert client.get(url).status_code == 200
    assert press_release.title in page.texts("a")
    assert decision.title in page.texts("a")


def test_home_page_says_so_when_no_strategy_is_published_yet(client, db):
    page = get_page(client, reverse("home"))

    assert "The strategy has not been published on this site yet." in page.text


# Priorities --------------------------------------------------------------------------


def test_priorities_page_lists_the_six_in_order(client, priorities):
    page = get_page(client, reverse("priorities:index"))

    assert page.texts("h1") == ["The six priorities"]
    priority_urls = [priority.get_absolute_url() for priority in priorities]
    assert [href for href in page.hrefs if href in priority_urls] == priority_urls
    for priority in priorities:
        assert priority.pledge in page.text


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_a_priority_page_shows_its_pledge_body_and_the_news_about_it(client, press_release, number):
    priority = Priority.objects.get(number=number)

    response = client.get(priority.get_absolute_url())

    assert response.status_code == 200
    page = Page.of(response)
    assert page.texts("h1") == [priority.short_title]
    assert f"Priority {number} of 6" in page.text
    assert priority.pledge in page.text
    assert "How it will be delivered" in page.texts("h2")
    assert "The implementation plan’s detail for this priority is not on this site" in page.text
    assert press_release.get_absolute_url() in page.hrefs


def test_every_priority_page_links_once_to_the_decision_that_approved_it(
    client, decision, priorities
):
    for priority in priorities:
        page = get_page(client, priority.get_absolute_url())

        [link] = page.find_all("a", href=decision.get_absolute_url())
        assert link.text == (
            "Cabinet approved the strategy, and this priority with it, on 17 September 2024"
        ), priority


def test_a_priority_page_links_to_its_neighbours(client, priorities):
    page = get_page(client, priorities[2].get_absolute_url())

    [previous] = page.find_all("a", rel="prev")
    [following] = page.find_all("a", rel="next")
    assert previous.attrs["href"] == priorities[1].get_absolute_url()
    assert following.attrs["href"] == priorities[3].get_absolute_url()


# News --------------------------------------------------------------------------------


def test_news_page_lists_the_press_release(client, press_release):
    response = client.get(reverse("news:index"))

    page = Page.of(response)
    assert page.texts("h1") == ["News"]
    [link] = page.find_all("a", href=press_release.get_absolute_url())
    assert link.text == press_release.title
    assert '<time datetime="2024-09-18">18 September 2024</time>' in response.content.decode()


def test_press_release_page_shows_the_headline_date_and_standfirst(client, press_release):
    response = client.get(press_release.get_absolute_url())

    page = Page.of(response)
    assert page.texts("h1") == [
        "Cabinet agrees new strategy to support children and young people with Special "
        "Educational Needs and Disabilities"
    ]
    assert '<time datetime="2024-09-18">18 September 2024</time>' in response.content.decode()
    assert press_release.standfirst in page.text
    assert "Meeting Needs Together - ambitious for all" in page.text


def test_press_release_page_quotes_each_speaker_in_a_blockquote(client, press_release):
    page = get_page(client, press_release.get_absolute_url())

    quotes = list(Quote.objects.order_by("order"))
    assert page.texts("blockquote") == [" ".join(quote.text.split()) for quote in quotes]
    speakers = [caption.split(",")[0] for caption in page.texts("figcaption")]
    assert speakers == ["Cllr Jane Davies", "Gill May", "Stuart Hall"]


def test_press_release_page_links_to_all_six_priorities(client, press_release, priorities):
    page = get_page(client, press_release.get_absolute_url())

    [related] = page.find_all("aside")
    for priority in priorities:
        assert f"Priority {priority.number}: {priority.short_title}" in related.text
        assert priority.get_absolute_url() in page.hrefs


# Decisions ---------------------------------------------------------------------------


def test_decisions_page_lists_the_cabinet_decision(client, decision):
    page = get_page(client, reverse("decisions:index"))

    assert page.texts("h1") == ["Decisions"]
    [link] = page.find_all("a", href=decision.get_absolute_url())
    assert link.text == "SEND AP and Inclusion Strategy 2024-2029"
    assert "Cabinet decision, 17 September 2024, item 103" in page.text
    assert "Recommendations approved" not in page.text  # the record states no status


def test_decision_page_shows_the_meeting_and_the_formal_record(client, decision):
    response = client.get(decision.get_absolute_url())

    page = Page.of(response)
    assert page.texts("h1") == ["SEND AP and Inclusion Strategy 2024-2029"]
    assert "Decided at Cabinet on 17 September 2024, agenda item 103." in page.text
    assert '<time datetime="2024-09-17">17 September 2024</time>' in response.content.decode()
    record = dict(zip(page.texts("dt"), page.texts("dd"), strict=True))
    assert record["Meeting"] == "Cabinet"
    assert record["Date"] == "17 September 2024"
    assert record["Agenda item"] == "103"
    assert record["What the meeting was asked to do"] == (
        "To receive the report from the Chief Executive."
    )
    assert record["Report presented by"] == (
        "Cllr Jane Davies, Cabinet Member for Adult Social Care, SEND and Inclusion"
    )
    assert record["What Cabinet did"] == "Cabinet noted and approved"
    assert record["Decision type"] == "Not stated in the record"
    assert record["Decision status"] == "Not stated in the record"
    assert record["Lead member"] == "Not stated in the record"
    assert record["Official record"] == (
        "We do not have a link to the council's official record of this decision."
    )


def test_decision_page_explains_it_for_families_before_the_formal_record(client, decision):
    html = client.get(decision.get_absolute_url()).content.decode()

    families = html.index("What this means for families")
    assert families < html.index("The formal record")
    assert families < html.index("The key achievements of the 2020-2024")


def test_decision_page_numbers_the_points_as_the_record_does(client, decision):
    response = client.get(decision.get_absolute_url())

    page = Page.of(response)
    assert [h for h in page.texts("h3") if h.startswith("Cabinet")] == [
        "Cabinet noted:",
        "Cabinet approved:",
    ]
    points = [(li.attrs.get("value"), li.text) for li in page.find_all("li") if "value" in li.attrs]
    assert points == [
        ("1", "The key achievements of the 2020-2024 SEND and Inclusion Strategy"),
        ("2", "The SEND, Inclusion and Alternative Provision Strategy 2024-2029"),
    ]
    html = response.content.decode()
    assert html.index("Cabinet noted:") < html.index('value="1"') < html.index("Cabinet approved:")
    assert html.index("Cabinet approved:") < html.index('value="2"')


def test_decision_page_gives_the_reasons_and_the_discussion(client, decision):
    page = get_page(client, decision.get_absolute_url())

    assert "Reasons for the proposals" in page.texts("h2")
    assert "To support the work of the Wiltshire’s Local Area Partnership" in page.text
    assert "What was said at the meeting" in page.texts("h2")
    assert "Cllr Jon Hubbard, Chair of the Children’s Select Committee" in page.text


def test_decision_page_links_to_priority_six_only(client, decision, priorities):
    page = get_page(client, decision.get_absolute_url())

    [related] = page.find_all("aside")
    assert related.text == "Related priorities Priority 6: Preparing for adulthood"
    assert priorities[5].get_absolute_url() in page.hrefs
    assert priorities[0].get_absolute_url() not in page.hrefs


def test_decision_page_links_to_the_official_record_when_there_is_one(client, decision):
    decision.official_record_url = "https://cms.wiltshire.gov.uk/ieDecisionDetails.aspx?ID=1"
    decision.save()

    page = get_page(client, decision.get_absolute_url())

    [link] = page.find_all("a", href=decision.official_record_url)
    assert link.text == "The council's record of this decision"
    assert "We do not have a link" not in page.text
