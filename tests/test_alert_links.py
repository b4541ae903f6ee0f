""" "Get emails about this": the link on the pages families read opens the email alerts
form with the matching choice already made, and the page cache keeps each such form as
a page of its own, never one asked for in other words."""

import pytest
from django.urls import reverse

from priorities.models import Priority
from progress.models import Deliverable
from tests.factories import published_deliverables
from tests.html_page import Page
from tests.test_page_cache import running_site

FORM = "alerts:subscribe"


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page.of(response)


def link_to_alerts(page, label):
    """The one link with these words on the page, as its address."""
    [href] = [a.attrs["href"] for a in page.find_all("a") if a.text == label]
    return href


def chosen(page):
    """The words beside the "What do you want emails about?" radio that is chosen."""
    checked = {e.attrs["id"] for e in page.find_all("input", name="what") if "checked" in e.attrs}
    return [label.text for label in page.find_all("label") if label.attrs.get("for") in checked]


def priority_three():
    return Priority.objects.get(number=3, strategy__status="current")


def deliverable():
    return Deliverable.objects.get()


# page: (its address, the link's words, what the form then has chosen)
PAGES = {
    "home": (lambda: reverse("home"), "Get emails about this strategy", lambda: []),
    "priority": (
        lambda: priority_three().get_absolute_url(),
        "Get emails about this priority",
        lambda: [str(priority_three())],
    ),
    "news": (
        lambda: reverse("news:index"),
        "Get emails about news",
        lambda: ["News (press releases)"],
    ),
    "decisions": (
        lambda: reverse("decisions:index"),
        "Get emails about decisions",
        lambda: ["Decisions (cabinet decisions)"],
    ),
    "progress": (
        lambda: reverse("progress:index"),
        "Get emails about progress",
        lambda: ["Progress updates"],
    ),
    "deliverable": (
        lambda: deliverable().get_absolute_url(),
        "Get emails about progress",
        lambda: ["Progress updates"],
    ),
    "you said, we did": (
        lambda: reverse("progress:you-said-we-did"),
        "Get emails about progress",
        lambda: ["Progress updates"],
    ),
    "footer": (lambda: reverse("glossary:index"), "Get emails about changes", lambda: []),
}


@pytest.fixture
def content(real_content):
    published_deliverables([priority_three()], 1)


@pytest.mark.parametrize("name", PAGES)
def test_each_page_links_to_the_form_with_its_choice_made(client, content, name):
    url, label, expected = PAGES[name]

    href = link_to_alerts(get_page(client, url()), label)
    form = get_page(client, href)

    assert form.texts("h1") == ["Get emails about changes to this strategy"]
    assert chosen(form) == expected()


def test_every_priority_page_offers_emails_about_that_priority(client, real_content):
    for priority in Priority.objects.filter(strategy__status="current"):
        page = get_page(client, priority.get_absolute_url())

        form = get_page(client, link_to_alerts(page, "Get emails about this priority"))

        assert chosen(form) == [str(priority)]


def test_the_footer_link_is_on_every_page_and_chooses_nothing(client, real_content):
    for url in [reverse("home"), reverse("news:index"), reverse("alerts:privacy")]:
        page = get_page(client, url)

        assert link_to_alerts(page, "Get emails about changes") == reverse(FORM)


def test_everything_can_be_chosen_by_the_address_too(client, real_content):
    form = get_page(client, reverse(FORM) + "?about=everything")

    assert chosen(form) == ["Everything on this site"]


@pytest.mark.parametrize(
    "query",
    [
        "about=junk",
        "about=priority-999999",
        "about=priority-three",
        "about=priority-",
        "about=",
        "about=News",
        "about=" + "x" * 5000,
        "about=%00",
    ],
)
def test_a_choice_the_form_does_not_offer_shows_the_form_with_nothing_chosen(
    client, real_content, query
):
    response = client.get(reverse(FORM) + "?" + query)

    assert response.status_code == 200
    assert chosen(Page.of(response)) == []
    assert "no-cache" in response["Cache-Control"]  # answered, but kept by no cache
    assert not response.cookies


@pytest.mark.parametrize(
    "query",
    ["about=decisions&about=decisions", "about=decisions&utm_source=newsletter"],
)
def test_a_choice_asked_for_in_other_words_is_made_but_not_kept(client, real_content, query):
    response = client.get(reverse(FORM) + "?" + query)

    assert response.status_code == 200
    assert chosen(Page.of(response)) == ["Decisions (cabinet decisions)"]
    assert "no-cache" in response["Cache-Control"]


def test_a_choice_the_form_offers_may_be_kept(client, real_content):
    response = client.get(reverse(FORM) + "?about=news")

    assert "no-cache" not in response.get("Cache-Control", "")


def test_the_form_is_no_longer_chosen_for_a_priority_once_it_is_gone(client, real_content):
    priority = priority_three()
    url = reverse(FORM) + f"?about=priority-{priority.pk}"
    priority.delete()

    response = client.get(url)

    assert response.status_code == 200
    assert chosen(Page.of(response)) == []


# Through the page cache, as gunicorn serves it -------------------------------------------


@pytest.fixture(params=["memory", "redis"])
def cached_site(request, real_content, settings):
    with running_site(request.param, settings) as running:
        yield running


def test_the_page_cache_keeps_each_choice_as_its_own_page(cached_site):
    url = reverse(FORM)
    cached_site.get(url, query="about=news")

    decisions, decisions_from_cache = cached_site.served_from_cache(url, query="about=decisions")
    news, news_from_cache = cached_site.served_from_cache(url, query="about=news")
    plain, plain_from_cache = cached_site.served_from_cache(url)

    assert (decisions_from_cache, news_from_cache, plain_from_cache) == (False, True, False)
    assert chosen(Page(decisions.text)) == ["Decisions (cabinet decisions)"]
    assert chosen(Page(news.text)) == ["News (press releases)"]
    assert chosen(Page(plain.text)) == []
    assert "public" in news.headers["cache-control"]
    assert not [name for name, _ in news.header_list if name.lower() == "set-cookie"]


def test_the_page_cache_never_keeps_a_choice_the_form_does_not_offer(cached_site):
    url = reverse(FORM)
    cached_site.get(url, query="about=junk")

    response, from_cache = cached_site.served_from_cache(url, query="about=junk")

    assert response.status_code == 200
    assert not from_cache
    assert chosen(Page(response.text)) == []
    assert "no-cache" in response.headers["cache-control"]
