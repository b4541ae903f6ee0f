"""Following updates in a feed reader, and what search engines are told to crawl.

Feeds are read as a feed reader reads them (parsed as XML, RSS 2.0 and Atom), and
the sitemap as a search engine reads it.
"""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority
from publishing.models import ChangeNote, Status
from sharing.feeds import FEED_LENGTH
from tests.factories import (
    CabinetDecisionFactory,
    PressReleaseFactory,
    PriorityFactory,
    QuoteFactory,
)
from tests.html_page import Page

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FACTORIES = {"press release": PressReleaseFactory, "decision": CabinetDecisionFactory}
HIDDEN = {
    "draft": {"status": Status.DRAFT, "published_at": None},
    "in review": {"status": Status.IN_REVIEW, "published_at": None},
    "scheduled": {"status": Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=1)},
}


def absolute(path):
    """The address a feed or the sitemap should give for `path`."""
    return (getattr(settings, "SITE_URL", "") or "http://testserver").rstrip("/") + path


@pytest.fixture
def priority(real_content):
    return Priority.objects.get(number=6)


def feed_urls(priority):
    """Every feed, RSS and Atom, as (name, address) pairs."""
    slug = {"slug": priority.slug}
    return {
        "news": (reverse("news:feed"), reverse("news:feed-atom")),
        "decisions": (reverse("decisions:feed"), reverse("decisions:feed-atom")),
        "all updates": (reverse("feed"), reverse("feed-atom")),
        "priority": (
            reverse("priorities:feed", kwargs=slug),
            reverse("priorities:feed-atom", kwargs=slug),
        ),
    }


def rss(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    [channel] = root.findall("channel")
    return channel


def atom(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root


def rss_titles(client, url):
    return [item.findtext("title") for item in rss(client, url).findall("item")]


# RSS 2.0 and Atom -----------------------------------------------------------------------


@pytest.mark.parametrize("feed", ["news", "decisions", "all updates", "priority"])
def test_each_rss_feed_is_valid_rss_with_absolute_links_and_dates(client, priority, feed):
    channel = rss(client, feed_urls(priority)[feed][0])

    assert channel.findtext("title").startswith(settings.SITE_NAME)
    assert channel.findtext("description")
    assert channel.findtext("link").startswith(("http://", "https://"))
    assert channel.findtext("language") == "en-gb"
    items = channel.findall("item")
    assert items
    for item in items:
        assert item.findtext("title")
        assert item.findtext("description")
        assert item.findtext("link").startswith(("http://", "https://"))
        assert item.findtext("guid") == item.findtext("link")
        assert parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None


@pytest.mark.parametrize("feed", ["news", "decisions", "all updates", "priority"])
def test_each_atom_feed_is_valid_atom_with_absolute_links_and_dates(client, priority, feed):
    url = feed_urls(priority)[feed][1]
    root = atom(client, url)

    assert root.findtext(f"{ATOM}title").startswith(settings.SITE_NAME)
    assert root.findtext(f"{ATOM}id").startswith(("http://", "https://"))
    assert root.findtext(f"{ATOM}updated")
    assert root.findtext(f"{ATOM}author/{ATOM}name") == settings.ORGANISATION_NAME
    [self_link] = [link for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link.get("href") == absolute(url)
    entries = root.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for required in ("id", "title", "updated", "published"):
            assert entry.findtext(f"{ATOM}{required}"), required
        [link] = entry.findall(f"{ATOM}link")
        assert link.get("href").startswith(("http://", "https://"))
        assert entry.find(f"{ATOM}summary").get("type") == "html"


def test_the_news_feed_carries_the_whole_press_release(client, priority):
    press_release = PressRelease.objects.get()
    [item] = rss(client, reverse("news:feed")).findall("item")

    assert item.findtext("title") == press_release.title
    assert item.findtext("link") == absolute(press_release.get_absolute_url())
    description = item.findtext("description")
    assert press_release.standfirst in description
    assert "<li>children and young people will be prepared for adulthood" in description
    assert "Gill May" in description  # a quote's speaker
    assert [c.text for c in item.findall("category")] == list(
        press_release.priorities.values_list("short_title", flat=True)
    )


def test_the_decisions_feed_carries_what_it_means_for_families(client, priority):
    decision = CabinetDecision.objects.get()
    [item] = rss(client, reverse("decisions:feed")).findall("item")

    assert item.findtext("link") == absolute(decision.get_absolute_url())
    description = item.findtext("description")
    assert "Cabinet, 17 September 2024 (item 103)" in description
    assert "<li>Cllr Jane Davies presented the report, which was from the Chief Executive." in (
        description
    )


def test_feed_text_is_sanitised_like_the_page(client, db):
    PressReleaseFactory(body="Hello <script>alert(1)</script> **world** [x](javascript:alert(1))")

    [item] = rss(client, reverse("news:feed")).findall("item")

    description = item.findtext("description")
    assert "<strong>world</strong>" in description
    assert "<script" not in description
    assert "javascript:" not in description


def test_the_dates_are_the_publication_date_and_the_last_change_note(client, db):
    published = timezone.now().replace(microsecond=0) - timedelta(days=10)
    noted = published + timedelta(days=3)
    plain = PressReleaseFactory(title="No notes", published_at=published)
    changed = PressReleaseFactory(title="With a note", published_at=published)
    ChangeNote.objects.create(item=changed, note="Added the dates.", created_at=noted)

    root = atom(client, reverse("news:feed-atom"))
    entries = {e.findtext(f"{ATOM}title"): e for e in root.findall(f"{ATOM}entry")}

    def date(entry, name):
        return datetime.fromisoformat(entry.findtext(f"{ATOM}{name}"))

    assert date(entries["No notes"], "published") == published
    assert date(entries["No notes"], "updated") == plain.updated_at
    assert date(entries["With a note"], "published") == published
    assert date(entries["With a note"], "updated") == noted
    for item in rss(client, reverse("news:feed")).findall("item"):
        assert parsedate_to_datetime(item.findtext("pubDate")) == published


def test_all_updates_are_news_and_decisions_newest_first(client, db):
    now = timezone.now()
    PressReleaseFactory(title="Oldest news", published_at=now - timedelta(days=3))
    CabinetDecisionFactory(title="Middle decision", published_at=now - timedelta(days=2))
    PressReleaseFactory(title="Newest news", published_at=now - timedelta(days=1))

    assert rss_titles(client, reverse("feed")) == ["Newest news", "Middle decision", "Oldest news"]


def test_a_priority_feed_has_only_that_prioritys_news_and_decisions(client, db):
    mine, other = PriorityFactory.create_batch(2)
    PressReleaseFactory(title="About mine", priorities=[mine])
    CabinetDecisionFactory(title="Decided about mine", priorities=[mine, other])
    PressReleaseFactory(title="About the other", priorities=[other])
    PressReleaseFactory(title="About nothing")

    titles = rss_titles(client, reverse("priorities:feed", kwargs={"slug": mine.slug}))

    assert sorted(titles) == ["About mine", "Decided about mine"]


def test_an_unknown_prioritys_feed_is_not_found(client, db):
    assert client.get(reverse("priorities:feed", kwargs={"slug": "nope"})).status_code == 404


@pytest.mark.parametrize("kind", FACTORIES)
@pytest.mark.parametrize("state", HIDDEN)
def test_unpublished_items_are_never_in_a_feed(client, db, kind, state):
    priority = PriorityFactory()
    FACTORIES[kind](title="Public", priorities=[priority])
    FACTORIES[kind](title="Not yet", priorities=[priority], **HIDDEN[state])
    section = "news" if kind == "press release" else "decisions"

    for url in [
        reverse(f"{section}:feed"),
        reverse(f"{section}:feed-atom"),
        reverse("feed"),
        reverse("feed-atom"),
        reverse("priorities:feed", kwargs={"slug": priority.slug}),
    ]:
        body = client.get(url).content.decode()
        assert "Public" in body, url
        assert "Not yet" not in body, url


def test_a_scheduled_item_joins_the_feed_at_its_moment(client, db):
    moment = timezone.now() + timedelta(hours=2)
    PressReleaseFactory(title="Scheduled", published_at=moment)

    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert "Scheduled" not in rss_titles(client, reverse("news:feed"))
    with time_machine.travel(moment, tick=False):
        assert rss_titles(client, reverse("news:feed")) == ["Scheduled"]


def test_a_feed_has_the_newest_items_only(client, db):
    PressReleaseFactory.create_batch(FEED_LENGTH + 5)

    titles = rss_titles(client, reverse("news:feed"))

    newest = PressRelease.objects.order_by("-published_at")[:FEED_LENGTH]
    assert titles == [item.title for item in newest]


@pytest.mark.parametrize("count", [1, 30])
def test_feeds_cost_the_same_queries_however_many_items(
    client, db, django_assert_max_num_queries, count
):
    priorities = PriorityFactory.create_batch(3)
    for item in PressReleaseFactory.create_batch(count, priorities=priorities):
        QuoteFactory(press_release=item)
        ChangeNote.objects.create(item=item, note="Updated.")
    CabinetDecisionFactory.create_batch(count, priorities=priorities)

    budgets = {
        reverse("news:feed"): 4,  # items, change notes, quotes, priorities
        reverse("decisions:feed"): 3,
        reverse("feed-atom"): 7,
        reverse("priorities:feed", kwargs={"slug": priorities[0].slug}): 8,
    }
    for url, budget in budgets.items():
        with django_assert_max_num_queries(budget):
            assert client.get(url).status_code == 200


def test_a_press_release_called_feed_cannot_hide_the_news_feed(client, db):
    PressReleaseFactory(title="Feed", slug="feed")

    assert rss_titles(client, reverse("news:feed")) == ["Feed"]


# Finding the feeds ----------------------------------------------------------------------


def alternate_links(page):
    return {
        (link.attrs["type"], link.attrs["href"])
        for link in page.find_all("link")
        if link.attrs.get("rel") == "alternate"
        and link.attrs.get("type") in ("application/rss+xml", "application/atom+xml")
    }


def test_every_page_points_feed_readers_to_all_updates(client, priority):
    for url in [reverse("home"), reverse("priorities:index"), reverse("search")]:
        links = alternate_links(Page.of(client.get(url)))
        assert ("application/rss+xml", reverse("feed")) in links, url
        assert ("application/atom+xml", reverse("feed-atom")) in links, url


def test_section_pages_point_feed_readers_to_their_own_feeds(client, priority):
    slug = {"slug": priority.slug}
    expected = {
        reverse("news:index"): ("news:feed", "news:feed-atom", {}),
        reverse("decisions:index"): ("decisions:feed", "decisions:feed-atom", {}),
        priority.get_absolute_url(): ("priorities:feed", "priorities:feed-atom", slug),
    }
    for url, (rss_name, atom_name, kwargs) in expected.items():
        links = alternate_links(Page.of(client.get(url)))
        assert ("application/rss+xml", reverse(rss_name, kwargs=kwargs)) in links, url
        assert ("application/atom+xml", reverse(atom_name, kwargs=kwargs)) in links, url


@pytest.mark.parametrize(
    "page_name, link_text",
    [
        ("news:index", "Subscribe to news updates (RSS)"),
        ("decisions:index", "Subscribe to decision updates (RSS)"),
        ("priority", "Subscribe to updates about this priority (RSS)"),
    ],
)
def test_section_pages_have_a_visible_link_to_subscribe(client, priority, page_name, link_text):
    url = priority.get_absolute_url() if page_name == "priority" else reverse(page_name)
    page = Page.of(client.get(url))

    [link] = [a for a in page.find_all("a") if a.text == link_text]
    assert rss(client, link.attrs["href"]).findall("item")


# Sitemap and robots.txt -----------------------------------------------------------------


def sitemap(client):
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    assert root.tag == f"{SITEMAP}urlset"
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
        for url in root.findall(f"{SITEMAP}url")
    }


def test_the_sitemap_lists_every_public_page(client, priority):
    entries = sitemap(client)

    sections = [
        reverse(name)
        for name in (
            "home",
            "priorities:index",
            "news:index",
            "decisions:index",
            "accessibility:statement",
            "accessibility:formats",
            "helpcontacts:index",
            "glossary:index",
            "progress:index",
            "progress:you-said-we-did",
            "progress:data",
        )
    ]
    items = [
        *Priority.objects.order_by("number"),
        PressRelease.objects.get(),
        CabinetDecision.objects.get(),
    ]
    # The real content has an Easy Read version of each of the six priorities.
    easy_read = [
        reverse("easyread:priority", kwargs={"slug": p.slug}) for p in Priority.objects.all()
    ]
    assert len(easy_read) == 6
    assert set(entries) == {absolute(url) for url in [*sections, *easy_read]} | {
        absolute(item.get_absolute_url()) for item in items
    }
    for item in items:
        lastmod = timezone.localdate(item.updated_at).isoformat()
        assert entries[absolute(item.get_absolute_url())] == lastmod


@pytest.mark.parametrize("kind", FACTORIES)
@pytest.mark.parametrize("state", HIDDEN)
def test_the_sitemap_never_lists_an_unpublished_item(client, db, kind, state):
    public = FACTORIES[kind]()
    hidden = FACTORIES[kind](**HIDDEN[state])

    entries = sitemap(client)

    assert absolute(public.get_absolute_url()) in entries
    assert absolute(hidden.get_absolute_url()) not in entries


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_private_pages(client, db):
    response = client.get(reverse("robots"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert {"Disallow: /admin/", "Disallow: /preview/", "Disallow: /markdownx/"} <= set(lines)
    assert f"Sitemap: {absolute(reverse('sitemap'))}" in lines
    assert not any(line == "Disallow: /" for line in lines)


@pytest.mark.parametrize("name", ["feed", "feed-atom", "news:feed", "decisions:feed", "sitemap"])
def test_feeds_and_sitemap_answer_only_get_and_head(client, db, name):
    url = reverse(name)

    assert client.post(url).status_code == 405
    assert client.head(url).status_code == 200
