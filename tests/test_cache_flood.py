"""Nobody fills the cache: an answer to a query value that matches nothing, or to a
query string the page does not write itself, is answered as always but kept by no
cache; the page cache's own bound per address stays behind that; and the feedback rate
limit, in the database, cannot be evicted by pages."""

import itertools
import shutil
import subprocess

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from feedback.protection import RATE_LIMIT
from pagecache import cache as page_cache
from priorities.models import Strategy
from strategy_site.settings import cache_config
from tests import test_page_cache
from tests.factories import (
    CabinetDecisionFactory,
    PressReleaseFactory,
    PriorityFactory,
    StrategyFactory,
    YouSaidWeDidFactory,
)
from tests.html_page import Page
from tests.test_faults import spare_port, wait_for_port
from tests.test_page_cache import running_site

# The page cache tests' fixtures: the site as gunicorn serves it, in memory and in Redis.
site, redis_site = test_page_cache.site, test_page_cache.redis_site

SITE = "http://testserver"  # the Django test client's own origin


@pytest.fixture
def content(db):
    """One of each page that takes a query, with something in it."""
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    priority = PriorityFactory(strategy=strategy, number=1, short_title="Early help for families")
    return {
        "strategy": strategy,
        "priority": priority,
        "news": PressReleaseFactory(
            strategy=strategy, priorities=[priority], title="Families shape the new strategy"
        ),
        "decision": CabinetDecisionFactory(strategy=strategy, priorities=[priority]),
        "said_and_done": YouSaidWeDidFactory(priorities=[priority]),
    }


def redis_keys(pattern):
    """The test's own keys in Redis (its key prefix is its own)."""
    client = redis.Redis("127.0.0.1", 6379)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return list(client.scan_iter(f"{prefix}:*{pattern}")), client


def stored_bytes():
    keys, client = redis_keys("")
    return sum(client.memory_usage(key) or 0 for key in keys)


def capitalised(word):
    """The word typed with every mix of capitals: each a real search, with its results."""
    letters = zip(word.lower(), word.upper(), strict=True)
    return ("".join(spelling) for spelling in itertools.product(*letters))


def kept(site, path, query):
    site.get(path, query=query)
    return site.served_from_cache(path, query=query)[1]


def junk(content):
    """{path: what a flood sends it}: every public page, with query values that match
    nothing, query strings the page does not write, and names it does not read."""
    slug = content["priority"].slug
    lists = ["priority=junk{n}", "year={year}", "page={zeros}1", "priority=+" + slug, "q=junk{n}"]
    return {
        reverse("home"): ["q=junk{n}", "page={n}", "priority=junk{n}", "about=news"],
        reverse("priorities:index"): ["q=junk{n}"],
        content["priority"].get_absolute_url(): ["page={n}", "year={year}"],
        reverse("news:index"): [*lists, "page={n}0"],  # that page does not exist: a 404
        content["news"].get_absolute_url(): ["q=junk{n}"],
        reverse("decisions:index"): lists,
        content["decision"].get_absolute_url(): ["priority=junk{n}"],
        reverse("progress:index"): ["priority={n}"],
        reverse("progress:you-said-we-did"): ["priority=junk{n}", "page={zeros}1", "q={n}"],
        content["said_and_done"].get_absolute_url(): ["page={n}"],
        reverse("progress:data"): ["year={year}"],
        reverse("glossary:index"): ["q=junk{n}"],
        reverse("accessibility:statement"): ["q=junk{n}"],
        reverse("search"): [
            "q=junk{n}",  # finds nothing
            "q=families" + "+" * 2 + "{n}",  # finds nothing: every word must match
            "q=families" + "+" * 3,  # finds something, but is not what the page writes
            "q=+families",
            "q=families&page={zeros}1",
            "q=families&page={n}0",  # that page does not exist: a 404
            "page={n}",
        ],
        # As the form's answer writes it (urlencode): a page that is not this site's.
        reverse("feedback:thanks"): ["page=%2Fjunk{n}%2F", "page=%2Fnews%2Fjunk{n}%2F"],
        # Priority ids this large are never made in a test.
        reverse("alerts:subscribe"): [
            "about=junk{n}",
            "about=priority-9{zeros}",
            "about=news&page={n}",
        ],
        reverse("feed"): ["q=junk{n}"],
        reverse("sitemap"): ["page={n}"],
    }


def test_a_flood_of_junk_over_every_page_adds_under_a_megabyte(redis_site, content):
    # Why these stand for 10,000: each address keeps at most QUERY_PAGES_PER_PATH pages
    # with a query string in a PAGE_CACHE_TIMEOUT, so past that many requests an
    # address's share cannot grow, however long the flood. Were the junk kept, these
    # would fill that bound at every address, several megabytes; none may be kept.
    per_path = page_cache.QUERY_PAGES_PER_PATH + 1
    before = stored_bytes()
    answers = []
    for path, kinds in junk(content).items():
        queries = itertools.cycle(kinds)
        for n in range(per_path):
            query = next(queries).format(n=n + 2, year=1900 + n, zeros="0" * (n + 1))
            answers.append((path, query, redis_site.get(path, query=query)))

    assert {answer.status_code for _, _, answer in answers} == {200, 404}
    for path, query, answer in answers:
        if answer.status_code == 200:
            assert "no-cache" in answer.headers["cache-control"], f"{path}?{query}"
    assert stored_bytes() - before < 1_000_000
    assert redis_keys(page_cache.PAGE_KEY_PREFIX + "*")[0] == []  # not one page kept


def answer(client, url_name_or_path, query=""):
    path = url_name_or_path if "/" in url_name_or_path else reverse(url_name_or_path)
    return client.get(path, query_params=dict(pair.split("=", 1) for pair in query.split("&")))


@pytest.mark.parametrize(
    ("path", "query", "status", "says"),
    [
        ("news:index", "priority=junk", 200, "There is no priority ‘junk’. Choose one"),
        ("news:index", "year=1999", 200, "There are no press releases in 1999."),
        ("news:index", "year=not-a-year", 200, "‘not-a-year’ is not a year."),
        ("news:index", "page=99", 404, "Page not found"),
        ("news:index", "page=last", 200, "Families shape the new strategy"),
        ("decisions:index", "priority=junk", 200, "There is no priority ‘junk’."),
        ("progress:you-said-we-did", "priority=junk", 200, "There is no priority ‘junk’."),
        ("search", "q=nothing-like-it", 200, "No results for ‘nothing-like-it’"),
        ("search", "q=families&page=9", 404, "Page not found"),
        ("search", "q=families&page=01", 200, "Families shape the new strategy"),
        ("feedback:thanks", "page=/no-such-page/", 200, "Go back to the page you were on"),
        ("feedback:thanks", "page=https://evil.example/", 200, "Go to the home page"),
        ("home", "q=families", 200, "Families shape the new strategy"),
    ],
)
def test_junk_is_answered_as_before_and_kept_by_no_cache(
    client, content, path, query, status, says
):
    response = answer(client, path, query)

    assert response.status_code == status
    assert says in Page.of(response).text
    assert "no-cache" in response["Cache-Control"]


def test_a_page_that_reads_no_query_shows_the_same_whatever_it_is_given(client, content):
    for path in [reverse("home"), content["priority"].get_absolute_url()]:
        plain, junked = client.get(path), client.get(path, {"q": "junk", "page": "2"})

        assert Page.of(junked).text == Page.of(plain).text
        assert "no-cache" in junked["Cache-Control"]
        assert "no-cache" not in plain.get("Cache-Control", "")


def test_real_filters_and_searches_are_still_kept(site, content):
    slug, year = content["priority"].slug, content["news"].published_at.year
    real = {
        reverse("news:index"): [f"priority={slug}", f"priority={slug}&year=", f"year={year}"],
        reverse("decisions:index"): [f"priority={slug}&year=", "page=1"],
        reverse("progress:you-said-we-did"): [f"priority={slug}"],
        reverse("search"): ["q=families", "q=families+shape", "q=Families&page=1", "q="],
    }

    for path, queries in real.items():
        for query in queries:
            assert kept(site, path, query), f"{path}?{query}"


@pytest.mark.parametrize(
    "query", ["q=families%20shape", "q=families+shape&utm_source=x", "q=families&q=shape"]
)
def test_a_query_string_not_written_as_the_site_writes_it_is_served_but_not_kept(
    site, content, query
):
    response = site.get(reverse("search"), query=query)

    assert response.status_code == 200
    assert "Families shape the new strategy" in response.text
    assert not site.served_from_cache(reverse("search"), query=query)[1]


def test_real_searches_past_the_bound_for_an_address_are_served_but_not_kept(site, content):
    spellings = list(capitalised("families"))[: page_cache.QUERY_PAGES_PER_PATH + 10]

    kept_pages = [kept(site, reverse("search"), f"q={spelling}") for spelling in spellings]

    assert sum(kept_pages) == page_cache.QUERY_PAGES_PER_PATH
    assert kept(site, reverse("news:index"), f"priority={content['priority'].slug}")


def test_pages_without_a_query_string_are_kept_whatever_the_flood(site, content):
    for number in range(page_cache.QUERY_PAGES_PER_PATH + 5):
        site.get(reverse("news:index"), query=f"q=junk{number}")

    assert kept(site, reverse("news:index"), "")
    assert kept(site, content["news"].get_absolute_url(), "")


# The rate limit and the page cache share nothing -----------------------------------------


@pytest.fixture
def full_redis(settings):
    """A Redis of the test's own, set up as the deploy guide says (a memory limit and
    allkeys-lru), with room for only a few dozen pages; the site's cache is in it."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (Debian's redis-server package)")
    port = spare_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        client = redis.Redis("127.0.0.1", port)
        client.config_set("maxmemory", client.info("memory")["used_memory"] + 1_000_000)
        client.config_set("maxmemory-policy", "allkeys-lru")
        settings.CACHES = {"default": cache_config(f"redis://127.0.0.1:{port}/0")}
        yield client
    finally:
        process.kill()
        process.wait()


def test_a_flood_of_pages_that_fills_redis_does_not_lift_the_feedback_limit(
    content, full_redis, settings, monkeypatch
):
    visitor, neighbour = Client(REMOTE_ADDR="198.51.100.4"), Client(REMOTE_ADDR="198.51.100.5")
    answer = {"page_path": "/news/", "page_title": "News", "useful": "yes", "comment": ""}

    def send(client):
        return client.post(reverse("feedback:submit"), answer, headers={"origin": SITE})

    for _ in range(RATE_LIMIT):
        assert send(visitor).status_code == 303
    # Real searches, each kept as a page, until Redis, full, has evicted over a hundred
    # keys to make room. The bound per address is lifted: pages from as many addresses
    # as a busy day brings.
    monkeypatch.setattr(page_cache, "QUERY_PAGES_PER_PATH", 10_000)
    spellings = capitalised("families")
    with running_site("memory", settings) as site:  # "memory": the cache as set, full_redis
        for spelling in spellings:
            assert site.get(reverse("search"), query=f"q={spelling}").status_code == 200
            if full_redis.info("stats")["evicted_keys"] > 100:
                break

    assert full_redis.info("stats")["evicted_keys"] > 100
    assert send(visitor).status_code == 429
    assert send(neighbour).status_code == 303
