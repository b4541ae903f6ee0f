"""Nobody fills the cache: however many distinct query strings are asked for, the page
cache keeps a bounded number of pages per address, and only query strings written the
way the site writes them."""

import pytest
import redis
from django.conf import settings
from django.urls import reverse

from pagecache import cache as page_cache
from tests import test_page_cache

# The page cache tests' fixtures: the site as gunicorn serves it, in memory and in Redis.
site, redis_site = test_page_cache.site, test_page_cache.redis_site
content = test_page_cache.content


def stored_bytes():
    """What the test's own keys take in Redis (its key prefix is its own)."""
    client = redis.Redis("127.0.0.1", 6379)
    prefix = settings.CACHES["default"]["KEY_PREFIX"]
    return sum(client.memory_usage(key) or 0 for key in client.scan_iter(f"{prefix}:*"))


def kept(site, path, query):
    site.get(path, query=query)
    return site.served_from_cache(path, query=query)[1]


def test_a_flood_of_junk_query_values_adds_under_a_megabyte(redis_site, content):
    # Every page answers whatever ?q= it is given (the home page ignores it): each
    # distinct value would be a page of its own. The bound is reached after
    # QUERY_PAGES_PER_PATH of them, so 200 show what 10,000 would.
    before = stored_bytes()
    paths = [reverse("home"), reverse("news:index"), reverse("search")]

    answers = [
        redis_site.get(path, query=f"q=junk{number}") for path in paths for number in range(200)
    ]

    assert all(answer.status_code == 200 for answer in answers)
    assert stored_bytes() - before < 3 * 600_000  # about half a megabyte per address
    home = [kept(redis_site, reverse("home"), f"q=junk{number}") for number in range(200)]
    assert sum(home) == page_cache.QUERY_PAGES_PER_PATH


def test_pages_without_a_query_string_are_kept_whatever_the_flood(site, content):
    for number in range(page_cache.QUERY_PAGES_PER_PATH + 5):
        site.get(reverse("home"), query=f"q=junk{number}")

    assert kept(site, reverse("news:index"), "")
    assert kept(site, content["news"].get_absolute_url(), "")


@pytest.mark.parametrize(
    "query",
    ["q=send&q=support", "page=1&page=2", "q=send%20support", "q=send+support&utm_source=x"],
)
def test_a_query_string_not_written_as_the_site_writes_it_is_served_but_not_kept(
    site, content, query
):
    response = site.get(reverse("search"), query=query)

    assert response.status_code == 200
    assert not site.served_from_cache(reverse("search"), query=query)[1]


def test_the_site_own_query_strings_are_kept(site, content):
    priority = content["priority"].slug

    assert kept(site, reverse("search"), "q=send+support")
    assert kept(site, reverse("news:index"), f"priority={priority}")
    assert kept(site, reverse("news:index"), f"priority={priority}&year=")
