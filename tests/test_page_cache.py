"""The whole-page cache: fast for anonymous visitors, never stale, never private.

These requests go through the real WSGI entry point (Django wrapped in the page
cache's WSGI layer, as gunicorn runs it), not Django's test client, which would
skip the layer in front of Django.
"""

import io
import os
import secrets
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from wsgiref.util import FileWrapper

import pytest
import redis
import time_machine
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pagecache import cache as page_cache
from pagecache.cache import PageCache
from priorities.models import Strategy
from publishing.models import PreviewLink, Status
from ratelimits.limits import allow
from strategy_site.settings import cache_config
from tests.factories import PressReleaseFactory, PriorityFactory, StrategyFactory

SECURITY_HEADERS = [
    "Content-Security-Policy",
    "Permissions-Policy",
    "Cross-Origin-Resource-Policy",
    "Cross-Origin-Opener-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
]


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.status_code = int(status.split()[0])
        self.header_list = headers
        self.headers = {name.lower(): value for name, value in headers}
        self.body = body
        self.text = body.decode()


class Site:
    """The site as gunicorn serves it, counting the requests that reach Django."""

    def __init__(self):
        self.django_calls = 0
        site = self

        class CountingPageCache(PageCache):
            def get_response(self, request):
                site.django_calls += 1
                return super().get_response(request)

        self.application = CountingPageCache()

    def request(self, path, *, method="GET", query="", cookie="", **headers):
        environ = {
            "REQUEST_METHOD": method,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            # gunicorn streams a FileResponse (media, static files) with its own wrapper.
            "wsgi.file_wrapper": FileWrapper,
        }
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        environ.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
        started = {}

        def start_response(status, header_list, exc_info=None):
            started.update(status=status, headers=header_list)

        result = self.application(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        return Response(started["status"], started["headers"], body)

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)

    def served_from_cache(self, path, **kwargs):
        calls = self.django_calls
        response = self.request(path, **kwargs)
        return response, self.django_calls == calls


def redis_reachable():
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@contextmanager
def running_site(kind, settings):
    """A fresh server process's view of the site, with the page cache on: in this
    process's memory (the default), or in Redis with this process's own copies in
    front of it (production), under a key prefix of its own."""
    settings.PAGE_CACHE_ENABLED = True
    if kind == "redis":
        if not redis_reachable():
            pytest.skip("needs Redis at 127.0.0.1:6379: not reachable")
        prefix = f"test-page-cache-{secrets.token_hex(4)}"
        settings.CACHES = {"default": cache_config("redis://127.0.0.1:6379/0", prefix)}
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield Site()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        if kind == "redis":
            client = redis.Redis("127.0.0.1", 6379)
            keys = client.keys(f"{prefix}:*")
            if keys:
                client.delete(*keys)


@pytest.fixture(params=["memory", "redis"])
def site(request, db, settings):
    with running_site(request.param, settings) as running:
        yield running


@pytest.fixture
def redis_site(db, settings):
    with running_site("redis", settings) as running:
        yield running


@pytest.fixture
def content(db):
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    priority = PriorityFactory(strategy=strategy, number=1, short_title="Early help for families")
    news = PressReleaseFactory(
        strategy=strategy, priorities=[priority], title="Families shape the new strategy"
    )
    return {"strategy": strategy, "priority": priority, "news": news}


def staff_cookie(django_user_model):
    user = django_user_model.objects.create_user(
        username="comms", password="a-long-test-password", is_staff=True, is_superuser=True
    )
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def public_pages(item):
    """Every kind of page a change to a press release shows on."""
    priority = item.priorities.first()
    return {
        "home": (reverse("home"), ""),
        "news list": (reverse("news:index"), ""),
        "news list filtered": (reverse("news:index"), f"priority={priority.slug}"),
        "detail": (item.get_absolute_url(), ""),
        "priority": (priority.get_absolute_url(), ""),
        "feed": (reverse("feed"), ""),
        "news feed": (reverse("news:feed"), ""),
        "priority feed": (reverse("priorities:feed", args=[priority.slug]), ""),
        "sitemap": (reverse("sitemap"), ""),
        "search": (reverse("search"), "q=strategy"),
    }


def warm(site, pages):
    for path, query in pages.values():
        assert site.get(path, query=query).status_code == 200
        _, hit = site.served_from_cache(path, query=query)
        assert hit, f"{path}?{query} was not kept"


# --- a hit is the miss, byte for byte ---------------------------------------------


def test_a_cached_page_is_the_same_bytes_and_headers_as_the_page_rendered(site, content):
    miss = site.get(reverse("home"))
    hit, from_cache = site.served_from_cache(reverse("home"))

    assert from_cache
    assert hit.status == miss.status == "200 OK"
    assert hit.body == miss.body
    assert hit.header_list == miss.header_list
    assert "Families shape the new strategy" in hit.text


@pytest.mark.parametrize("name", ["home", "news list", "detail", "feed", "sitemap", "search"])
def test_a_cached_page_carries_every_security_header_and_no_cookie(site, content, name):
    path, query = public_pages(content["news"])[name]
    site.get(path, query=query)
    hit, from_cache = site.served_from_cache(path, query=query)

    assert from_cache
    for header in SECURITY_HEADERS:
        assert header.lower() in hit.headers, header
    assert "set-cookie" not in hit.headers
    assert "csrfmiddlewaretoken" not in hit.text
    cache_control = {part.strip() for part in hit.headers["cache-control"].split(",")}
    assert "public" in cache_control
    assert any(part.startswith("max-age=") for part in cache_control)
    assert "etag" in hit.headers


def test_a_cached_page_is_served_without_the_database(site, content, django_assert_num_queries):
    site.get(reverse("news:index"))

    with django_assert_num_queries(0):
        _, from_cache = site.served_from_cache(reverse("news:index"))

    assert from_cache


def test_with_redis_a_repeat_hit_is_served_from_the_process_own_copy(
    redis_site, content, monkeypatch
):
    site = redis_site
    site.get(reverse("home"))
    round_trips = []
    backend = caches["default"]
    real_get_many = backend.get_many
    monkeypatch.setattr(
        backend, "get_many", lambda *a, **k: round_trips.append(a) or real_get_many(*a, **k)
    )

    _, from_cache = site.served_from_cache(reverse("home"))
    assert from_cache and round_trips == []

    another_server_changes_content(site)
    response, from_cache = site.served_from_cache(reverse("home"))
    assert not from_cache and len(round_trips) == 1  # heard of the change: asked Redis
    assert response.status_code == 200


def another_server_changes_content(site):
    """What content_changed() does on another server (a new version, a notice on the
    change channel, through a Redis connection of its own), then waiting, up to two
    seconds, for this process to hear of it."""
    backend = caches["default"]
    backend.set(page_cache.VERSION_KEY, "another-servers-version", timeout=None)
    another_server = redis.Redis("127.0.0.1", 6379)
    another_server.publish(backend.make_key(page_cache.CHANGES_CHANNEL), b"changed")
    another_server.close()
    deadline = time.monotonic() + 2
    while site.application.local.trusted_version() is not None and time.monotonic() < deadline:
        time.sleep(0.01)


def test_with_redis_a_change_made_here_is_never_served_stale_while_its_notice_travels(
    redis_site, content, monkeypatch
):
    site = redis_site
    site.get(reverse("home"))
    assert site.served_from_cache(reverse("home"))[1]
    # The notice of this process's own change has not come back from Redis yet: the
    # subscription has nothing to read.
    monkeypatch.setattr(redis.client.PubSub, "get_message", lambda self, **kwargs: None)

    content["priority"].short_title = "Help for families sooner"
    content["priority"].save()
    response, from_cache = site.served_from_cache(reverse("home"))

    assert not from_cache
    assert "Help for families sooner" in response.text


def test_a_cached_page_answers_if_none_match_with_304_and_no_body(site, content):
    first = site.get(reverse("home"))
    site.get(reverse("home"))  # now cached

    response, from_cache = site.served_from_cache(
        reverse("home"), if_none_match=first.headers["etag"]
    )

    assert from_cache
    assert response.status_code == 304
    assert response.body == b""
    assert response.headers["etag"] == first.headers["etag"]
    assert "content-security-policy" in response.headers


def test_an_old_etag_gets_the_whole_page(site, content):
    site.get(reverse("home"))

    response = site.get(reverse("home"), if_none_match='"something-else"')

    assert response.status_code == 200
    assert "Families shape the new strategy" in response.text


def test_head_gets_the_cached_headers_without_the_body(site, content):
    page = site.get(reverse("home"))

    response, from_cache = site.served_from_cache(reverse("home"), method="HEAD")

    assert from_cache
    assert response.body == b""
    assert response.headers["content-length"] == str(len(page.body))


def test_unknown_query_parameters_are_served_but_not_kept(site, content):
    site.get(reverse("news:index"), query="utm_source=newsletter")

    response, from_cache = site.served_from_cache(
        reverse("news:index"), query="utm_source=newsletter"
    )

    assert response.status_code == 200
    assert not from_cache


def test_the_page_cache_can_be_turned_off(site, content, settings):
    settings.PAGE_CACHE_ENABLED = False
    site.get(reverse("home"))

    response, from_cache = site.served_from_cache(reverse("home"))

    assert response.status_code == 200
    assert not from_cache
    assert "public" in response.headers["cache-control"]  # browsers may still keep it


# --- staff, drafts and previews ------------------------------------------------------


def test_signed_in_staff_never_get_a_cached_page(site, content, django_user_model):
    site.get(reverse("home"))  # cached for the public
    cookie = staff_cookie(django_user_model)

    response, from_cache = site.served_from_cache(reverse("home"), cookie=cookie)

    assert not from_cache
    assert "no-store" in response.headers["cache-control"]


def test_staff_never_poison_the_public_copy(site, content, django_user_model):
    draft = PressReleaseFactory(
        strategy=content["strategy"], status=Status.DRAFT, published_at=None, title="Not yet"
    )
    cookie = staff_cookie(django_user_model)

    staff_view = site.get(draft.get_absolute_url(), cookie=cookie)
    public_view = site.get(draft.get_absolute_url())
    site.get(reverse("home"), cookie=cookie)
    public_home, from_cache = site.served_from_cache(reverse("home"))

    assert staff_view.status_code == 200 and "Not yet" in staff_view.text
    assert public_view.status_code == 404
    assert not from_cache  # what staff saw was not kept for the public
    assert "no-store" not in public_home.headers["cache-control"]


def test_an_uploaded_image_is_served_whole_as_gunicorn_streams_it(site, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = b"pixels " * 2000  # serve_media sends the bytes as they are stored
    (tmp_path / "photo.png").write_bytes(photo)

    for _ in range(2):  # the second time would be a hit, were a file ever kept
        response = site.get("/media/photo.png")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/png"
        assert response.body == photo


def test_a_preview_link_is_never_cached(site, content):
    draft = PressReleaseFactory(
        strategy=content["strategy"], status=Status.DRAFT, published_at=None, title="Sign-off"
    )
    link = PreviewLink.objects.create(item=draft, expires_at=timezone.now() + timedelta(days=1))
    url = reverse("preview", args=[link.token])
    site.get(url)

    response, from_cache = site.served_from_cache(url)

    assert response.status_code == 200 and "Sign-off" in response.text
    assert not from_cache
    assert "no-store" in response.headers["cache-control"]


def test_a_revoked_preview_link_stops_working_at_once(site, content):
    draft = PressReleaseFactory(strategy=content["strategy"], status=Status.DRAFT)
    link = PreviewLink.objects.create(item=draft, expires_at=timezone.now() + timedelta(days=1))
    url = reverse("preview", args=[link.token])
    assert site.get(url).status_code == 200

    link.delete()

    assert site.get(url).status_code == 404


# --- every change shows on the very next request -------------------------------------


def assert_every_page_shows(site, pages, text, *, present=True, address=None):
    """`text` on every page, or not; the sitemap lists addresses, so it is checked for
    the item's `address`."""
    for name, (path, query) in pages.items():
        response = site.get(path, query=query)
        wanted = address if name == "sitemap" else text
        if wanted is None:
            continue
        assert (wanted in response.text) is present, f"{name}: {wanted!r} present={not present}"


def test_publishing_shows_on_every_page_at_once(site, content):
    pages = public_pages(content["news"])
    warm(site, pages)

    new = PressReleaseFactory(
        strategy=content["strategy"],
        priorities=[content["priority"]],
        title="Strategy consultation opens",
        published_at=timezone.now() - timedelta(minutes=1),
    )

    others = {name: page for name, page in pages.items() if name != "detail"}
    assert_every_page_shows(site, others, "consultation", address=new.get_absolute_url())


def test_an_edit_shows_on_every_page_at_once(site, content):
    pages = public_pages(content["news"])
    warm(site, pages)

    item = content["news"]
    item.title = "Families shaped the new strategy together"
    item.slug = "families-shaped-the-strategy"
    item.save()

    pages["detail"] = (item.get_absolute_url(), "")
    assert_every_page_shows(
        site, pages, "shaped the new strategy together", address=item.get_absolute_url()
    )


def test_unpublishing_and_deleting_show_on_every_page_at_once(site, content):
    other = PressReleaseFactory(
        strategy=content["strategy"], priorities=[content["priority"]], title="Strategy workshop"
    )
    pages = public_pages(content["news"])
    warm(site, pages)
    detail = other.get_absolute_url()
    assert "Strategy workshop" in site.get(detail).text

    other.status = Status.DRAFT
    other.save()
    assert site.get(detail).status_code == 410
    assert_every_page_shows(site, pages, "Strategy workshop", present=False, address=detail)

    content["news"].delete()
    assert site.get(content["news"].get_absolute_url()).status_code == 410
    home = site.get(reverse("home"))
    assert "Families shape the new strategy" not in home.text


# --- after a change, each page is rendered once, not by every worker at once ---------


def another_worker_is_rendering(path):
    """Another worker's claim to render `path` under the current content version, as
    it holds one while Django renders the page; returns (that worker, its claim)."""
    other = Site()
    other.get(reverse("news:index"))  # any page: the content version is read
    key = page_cache.page_key(
        {"REQUEST_METHOD": "GET", "PATH_INFO": path, "HTTP_HOST": "testserver"}
        | {"SCRIPT_NAME": "", "QUERY_STRING": "", "wsgi.url_scheme": "http"}
    )
    version = caches["default"].get(page_cache.VERSION_KEY)
    claim, _ = other.application.render_once(key, version)
    assert claim is not None
    return other, claim


def test_a_page_another_worker_is_rendering_is_waited_for_not_rendered_again(
    site, content, monkeypatch
):
    other, claim = another_worker_is_rendering(reverse("home"))
    waits = []

    def sleep(seconds):  # while this request waits, the other worker finishes
        waits.append(seconds)
        if len(waits) == 1:
            caches["default"].delete(claim)
            other.get(reverse("home"))

    monkeypatch.setattr(page_cache.time, "sleep", sleep)
    response, from_cache = site.served_from_cache(reverse("home"))

    assert from_cache  # the other worker's page: Django was not called here
    assert response.status_code == 200
    assert "Families shape the new strategy" in response.text
    assert len(waits) == 1


def test_a_page_the_other_worker_could_not_keep_is_rendered_at_once(site, content, monkeypatch):
    other, claim = another_worker_is_rendering(reverse("home"))
    waits = []

    def sleep(seconds):  # the other worker's answer was not to keep: its claim goes
        waits.append(seconds)
        caches["default"].delete(claim)

    monkeypatch.setattr(page_cache.time, "sleep", sleep)
    response, from_cache = site.served_from_cache(reverse("home"))

    assert not from_cache and response.status_code == 200
    assert len(waits) == 1  # no waiting out the rest of RENDER_WAIT


def test_a_claim_left_by_a_stopped_worker_delays_a_page_but_never_loses_it(
    site, content, monkeypatch
):
    another_worker_is_rendering(reverse("home"))  # and never finishes
    monkeypatch.setattr(page_cache, "RENDER_WAIT", 0.05)

    response, from_cache = site.served_from_cache(reverse("home"))

    assert not from_cache and response.status_code == 200
    assert "Families shape the new strategy" in response.text


def test_a_priority_edit_shows_on_every_page_at_once(site, content):
    pages = public_pages(content["news"])
    warm(site, pages)

    priority = content["priority"]
    priority.short_title = "Help for families sooner"
    priority.save()

    for name in ("home", "priority", "detail", "news list"):
        path, query = pages[name]
        assert "Help for families sooner" in site.get(path, query=query).text, name


def test_linking_an_item_to_a_priority_shows_at_once(site, content):
    second = PriorityFactory(
        strategy=content["strategy"], number=2, short_title="Inclusive schools"
    )
    page = second.get_absolute_url()
    assert "Families shape the new strategy" not in site.get(page).text
    site.get(page)

    content["news"].priorities.add(second)  # only a many-to-many change

    assert "Families shape the new strategy" in site.get(page).text


def test_a_scheduled_item_appears_at_its_moment_and_not_before(site, content):
    moment = timezone.now().replace(microsecond=0) + timedelta(hours=2)
    scheduled = PressReleaseFactory(
        strategy=content["strategy"],
        priorities=[content["priority"]],
        title="Scheduled strategy update",
        published_at=moment,
    )
    address = scheduled.get_absolute_url()
    pages = public_pages(content["news"])

    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        warm(site, pages)
        assert_every_page_shows(
            site, pages, "Scheduled strategy update", present=False, address=address
        )
        assert site.get(address).status_code == 404

    with time_machine.travel(moment, tick=False):
        others = {name: page for name, page in pages.items() if name != "detail"}
        assert_every_page_shows(site, others, "Scheduled strategy update", address=address)
        assert site.get(address).status_code == 200


def test_a_page_kept_yesterday_is_not_served_after_midnight(site, content):
    evening = timezone.make_aware(
        timezone.datetime.combine(timezone.localdate(), timezone.datetime.min.time())
    ) + timedelta(hours=23, minutes=59)
    with time_machine.travel(evening, tick=False):
        site.get(reverse("home"))
        _, from_cache = site.served_from_cache(reverse("home"))
        assert from_cache

    with time_machine.travel(evening + timedelta(minutes=2), tick=False):
        _, from_cache = site.served_from_cache(reverse("home"))
        assert not from_cache  # the print footer shows today's date


def test_a_new_server_process_does_not_serve_pages_from_before_it_started(site, content):
    site.get(reverse("home"))

    restarted = Site()  # new code may have new templates
    _, from_cache = restarted.served_from_cache(reverse("home"))

    assert not from_cache


def test_saving_what_never_shows_on_a_page_keeps_the_cache(site, content):
    """Sessions and preview links change on every editor request, rate-limit counts on
    every form post; pages do not."""
    site.get(reverse("home"))

    SessionStore().create()
    PreviewLink.objects.create(item=content["news"], expires_at=timezone.now() + timedelta(days=1))
    allow("feedback.client:test", 10, timedelta(minutes=10))

    _, from_cache = site.served_from_cache(reverse("home"))

    assert from_cache


def test_sending_alerts_and_running_tasks_keeps_the_cache(site, content):
    """Each alert sent writes a row, and so does each task the queue runs: none shows on
    a page, so a press release sent to thousands of people must not empty the cache once
    per email."""
    from alerts import tasks
    from alerts.models import Subscriber
    from contentchecks.models import AvoidWord

    site.get(reverse("home"))

    Subscriber.objects.create(email="reader@example.org")
    AvoidWord.objects.create(phrase="synergistic outcomes", advice="Say what you mean.")
    tasks.send.enqueue(change_id=0)  # a row in the database task queue

    _, from_cache = site.served_from_cache(reverse("home"))

    assert from_cache


# --- settings from the environment ---------------------------------------------------

SHOW_SETTINGS = (
    "from django.conf import settings; c = settings.CACHES['default'];"
    "print(c['BACKEND'], c.get('LOCATION'), c.get('KEY_PREFIX'), settings.PAGE_CACHE_ENABLED)"
)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, "LocMemCache None None True"),
        (
            {"REDIS_URL": "redis://redis.internal:6379/0", "DJANGO_CACHE_KEY_PREFIX": "site"},
            "RedisCache redis://redis.internal:6379/0 site True",
        ),
        (
            {"REDIS_URL": "redis://a:6379/0", "CACHE_URL": "redis://b:6379/1"},
            "RedisCache redis://b:6379/1 None True",
        ),
        ({"DJANGO_PAGE_CACHE": "0"}, "LocMemCache None None False"),
    ],
)
def test_the_cache_and_the_page_cache_are_set_from_the_environment(env, expected):
    keep = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REDIS_URL", "CACHE_URL", "DJANGO_CACHE_KEY_PREFIX", "DJANGO_PAGE_CACHE"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_SETTINGS],
        cwd=Path(__file__).resolve().parent.parent,
        env={**keep, "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().endswith(expected), result.stderr
