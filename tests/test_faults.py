"""Parts fail, pages keep coming: Redis killed or frozen, PostgreSQL cut off.

A Redis server of the test's own, on a spare port, is killed (SIGKILL) and frozen
(SIGSTOP) while the site, as gunicorn runs it (the page cache's WSGI handler, in this
process), answers requests; PostgreSQL is reached through a TCP proxy the test cuts.
The figures under load (64 connections, 10 s outages) are measured by
`python -m bench.faults`, not here: these tests assert what a visitor or an editor
would notice.
"""

import contextlib
import shutil
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from feedback.models import PageFeedback
from pagecache import cache as page_cache
from pagecache.cache import LocalCopies
from strategy_site.settings import cache_config
from tests.factories import PressReleaseFactory, PriorityFactory, StrategyFactory
from tests.test_page_cache import Site

# "About a second": the settings' Redis timeout is a quarter of one; a request may meet
# it once to connect and once to read before its process leaves Redis alone.
LONGEST_WAIT = 1.5


def spare_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on port {port}")


class RedisServer:
    """A Redis server of this test's own, that the test can kill, start and freeze."""

    def __init__(self):
        self.port = spare_port()
        self.process = None
        self.start()

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_for_port(self.port)

    def kill(self):
        self.process.kill()
        self.process.wait()

    @contextlib.contextmanager
    def frozen(self):
        """Stopped, as a Redis swapping or stuck is: connections open, no answers."""
        self.process.send_signal(signal.SIGSTOP)
        try:
            yield
        finally:
            self.process.send_signal(signal.SIGCONT)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.kill()


@pytest.fixture
def redis_server():
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server (Debian's redis-server package)")
    server = RedisServer()
    yield server
    server.stop()


@pytest.fixture
def site(redis_server, transactional_db, settings):
    """The site with its cache in the test's own Redis, as production runs it."""
    config = cache_config(f"redis://127.0.0.1:{redis_server.port}/0")
    config["RETRY_AFTER"] = 0.5  # the tests wait out a retry rather than 5 s
    settings.CACHES = {"default": config}
    settings.REDIS_RETRY_AFTER = 0.5
    settings.PAGE_CACHE_ENABLED = True
    caches["default"].clear()
    yield Site()


@pytest.fixture
def content(transactional_db):
    strategy = StrategyFactory()
    priority = PriorityFactory(strategy=strategy, number=1, short_title="Early help for families")
    news = PressReleaseFactory(
        strategy=strategy, priorities=[priority], title="Families shape the new strategy"
    )
    return {"priority": priority, "news": news}


def pages(content):
    return [
        reverse("home"),
        reverse("news:index"),
        content["news"].get_absolute_url(),
        content["priority"].get_absolute_url(),
    ]


def timed(site, path, **kwargs):
    """The response, and how long it took: from another thread, so that a request
    stuck on a frozen Redis fails the test instead of hanging it."""
    answer = {}

    def ask():
        started = time.monotonic()
        answer["response"] = site.request(path, **kwargs)
        answer["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=ask, daemon=True)
    thread.start()
    thread.join(timeout=30)
    assert "response" in answer, f"{path}: no answer in 30 s"
    return answer["response"], answer["seconds"]


def test_with_redis_killed_every_page_is_served_from_the_database(site, content, redis_server):
    for path in pages(content):
        site.get(path)  # kept while Redis was up
    redis_server.kill()

    for path in [*pages(content), reverse("search"), reverse("glossary:index")]:
        response, seconds = timed(site, path)
        assert response.status_code == 200, path
        assert seconds < LONGEST_WAIT, f"{path} waited {seconds:.2f} s"
    assert "Families shape the new strategy" in site.get(reverse("home")).text


def test_with_redis_frozen_no_request_waits_more_than_about_a_second(site, content, redis_server):
    for path in pages(content):
        site.get(path)

    with redis_server.frozen():
        for path in pages(content) * 2:
            response, seconds = timed(site, path)
            assert response.status_code == 200, path
            assert seconds < LONGEST_WAIT, f"{path} waited {seconds:.2f} s"


def test_a_change_made_while_redis_was_frozen_shows_once_it_is_back(site, content, redis_server):
    home = reverse("home")
    assert site.served_from_cache(home)[0].status_code == 200
    assert site.served_from_cache(home)[1]  # kept, and served from the cache

    with redis_server.frozen():
        item = content["news"]
        item.title = "Families shaped the new strategy together"
        item.save()  # the new content version cannot reach Redis
        assert "shaped the new strategy together" in timed(site, home)[0].text
    time.sleep(0.6)  # the retry delay passes: Redis is asked again

    for _ in range(3):
        response, _ = timed(site, home)
        assert "shaped the new strategy together" in response.text


def test_a_change_made_while_redis_was_down_shows_once_it_is_back(site, content, redis_server):
    home = reverse("home")
    site.get(home)
    redis_server.kill()
    item = content["news"]
    item.title = "Families shaped the new strategy together"
    item.save()
    redis_server.start()
    time.sleep(0.6)

    assert "shaped the new strategy together" in site.get(home).text
    assert site.served_from_cache(home)[1]  # and kept again


def test_a_change_made_while_redis_was_unreachable_shows_once_it_is_back(
    redis_server, content, settings
):
    """The network to Redis cut, Redis itself running on with the pages from before:
    the change's new content version never reached it, so it is replaced as soon as
    Redis answers again, before any page from before can be served."""
    proxy = CuttableProxy(redis_server.port)
    config = cache_config(f"redis://127.0.0.1:{proxy.port}/0")
    config["RETRY_AFTER"] = 0.5
    settings.CACHES, settings.PAGE_CACHE_ENABLED = {"default": config}, True
    site, home = Site(), reverse("home")
    site.get(home)
    assert site.served_from_cache(home)[1]

    proxy.cut()
    item = content["news"]
    item.title = "Families shaped the new strategy together"
    item.save()
    assert "shaped the new strategy together" in timed(site, home)[0].text
    proxy.restore()
    time.sleep(0.6)

    for _ in range(3):
        assert "shaped the new strategy together" in site.get(home).text
    assert site.served_from_cache(home)[1]  # and kept again
    proxy.close()


def test_a_change_saved_by_a_process_still_leaving_redis_alone_shows_at_once(
    redis_server, content, settings
):
    """Redis is back, but the process that saves met it down a moment before and is
    still in its pause: the change must retire the pages other processes keep again in
    the restored Redis at once, not when the pause is over (found by bench/faults.py)."""
    config = cache_config(f"redis://127.0.0.1:{redis_server.port}/0")
    config["RETRY_AFTER"] = 30  # the editor's pause outlasts the test
    settings.CACHES, settings.PAGE_CACHE_ENABLED = {"default": config}, True
    site, detail, item = Site(), content["news"].get_absolute_url(), content["news"]
    # The editor works in a thread of its own, so it has a cache object of its own
    # (Django's are per thread), with its own pause, as another process would.
    editor = ThreadPoolExecutor(max_workers=1)

    def save(title):
        item.title = title
        item.save()

    redis_server.kill()
    editor.submit(save, "Families shape the strategy: edit A").result()  # meets it down
    redis_server.start()
    page_cache.client_for.cache_clear()
    site.get(detail)
    assert "edit A" in site.served_from_cache(detail)[0].text  # kept in the new Redis

    editor.submit(save, "Families shape the strategy: edit B").result()  # still paused
    time.sleep(LocalCopies.TRUST_SECONDS + 0.1)  # past the worker's trust in its copies

    assert "edit B" in site.get(detail).text
    editor.shutdown()


def test_with_redis_down_feedback_is_still_accepted(site, content, redis_server):
    redis_server.kill()
    client = Client()

    response = client.post(
        reverse("feedback:submit"),
        {"page_path": "/news/", "page_title": "News", "useful": "yes", "comment": ""},
        headers={"origin": "http://testserver"},
    )

    assert response.status_code in (200, 302, 303)
    assert PageFeedback.objects.filter(page_path="/news/", useful=True).exists()


def test_with_redis_down_an_editor_still_saves(site, content, redis_server, admin_client):
    redis_server.kill()
    item = content["news"]
    change = reverse("admin:news_pressrelease_change", args=[item.pk])
    form = admin_client.get(change)
    assert form.status_code == 200

    item.refresh_from_db()
    item.summary = "Saved while the cache was down."
    started = time.monotonic()
    item.save()

    assert time.monotonic() - started < LONGEST_WAIT
    item.refresh_from_db()
    assert item.summary == "Saved while the cache was down."


def test_the_error_page_needs_neither_the_cache_nor_the_database(settings):
    """No `db` fixture: pytest-django refuses every query, as a dead database would."""
    settings.CACHES = {"default": cache_config(f"redis://127.0.0.1:{spare_port()}/0")}

    html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html


# PostgreSQL cut off ---------------------------------------------------------------------


class CuttableProxy:
    """A TCP proxy to PostgreSQL that the test can cut (every connection dropped, new
    ones refused) and restore."""

    def __init__(self, port):
        self.target = ("127.0.0.1", port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = threading.Event()
        self.open.set()
        self.sockets = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open.is_set():
                client.close()
                continue
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self.pipe, args=(source, sink), daemon=True).start()

    def pipe(self, source, sink):
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        with contextlib.suppress(OSError):
            sink.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.open.clear()
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets = []

    def restore(self):
        self.open.set()

    def close(self):
        self.cut()
        self.listener.close()


@pytest.fixture
def database_behind_proxy(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("the database proxy stands in front of PostgreSQL")
    proxy = CuttableProxy(int(connection.settings_dict["PORT"] or 5432))
    real = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(proxy.port))
    yield proxy
    connection.close()
    connection.settings_dict.update(HOST=real["HOST"], PORT=real["PORT"])
    proxy.close()


def test_with_the_database_cut_off_kept_pages_are_served_and_health_says_503(
    database_behind_proxy, settings
):
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = {"default": cache_config("")}
    site = Site()
    content = {
        "priority": PriorityFactory(strategy=StrategyFactory(), number=1),
    }
    content["news"] = PressReleaseFactory(
        strategy=content["priority"].strategy, priorities=[content["priority"]]
    )
    for path in pages(content):
        site.get(path)

    database_behind_proxy.cut()
    for path in pages(content):
        response, from_cache = site.served_from_cache(path)
        assert response.status_code == 200 and from_cache, path
    unkept = site.get(reverse("search"), query="q=families")
    health = site.get(reverse("healthz"))

    assert unkept.status_code == 500
    assert "Sorry, there is a problem with the service" in unkept.text
    assert "content-security-policy" in unkept.headers
    assert health.status_code == 503

    database_behind_proxy.restore()
    content["news"].title = "Back after the outage"
    content["news"].save()
    assert "Back after the outage" in site.get(reverse("home")).text
    assert site.get(reverse("healthz")).status_code == 200


@pytest.fixture(autouse=True)
def forget_redis_clients():
    """The change channel's clients, one per Redis server, go with the test's server."""
    yield
    page_cache.client_for.cache_clear()
