"""Several app servers behind a load balancer: a change made on one shows on the others.

Two gunicorn processes (as deploy/ runs them, the page cache in front of Django) share
one PostgreSQL database and one Redis, with a key prefix of this test's own. Both
serve the news list (the second request from the cache); a press release is then
published through the ORM in a third process, as the admin does on whichever server
an editor reached; the other servers' very next request shows it.

It needs real servers: PostgreSQL at DATABASE_URL (or 127.0.0.1:5432 when the suite
runs on SQLite) and Redis at 127.0.0.1:6379. It is skipped, with the reason, only when
one of them cannot be reached.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS = ("127.0.0.1", 6379)

SET_UP = """
from datetime import timedelta
from django.utils import timezone
from news.models import PressRelease
from priorities.models import Strategy
strategy = Strategy.objects.create(
    title="Scale-out strategy 2024-2029", short_name="Scale-out", start_year=2024,
    end_year=2029, summary="A plan.", vision="Every young person thrives.", status="current",
)
PressRelease.objects.create(
    title="First news on every server", standfirst="Shown by both servers.", body="Text.",
    strategy=strategy, status="published", published_at=timezone.now() - timedelta(days=1),
)
"""

PUBLISH = """
from news.models import PressRelease
from priorities.models import Strategy
PressRelease.objects.create(
    title="Published through another server", standfirst="New.", body="Text.",
    strategy=Strategy.objects.get(), status="published",
)
"""

EDIT = """
from news.models import PressRelease
item = PressRelease.objects.get(title="First news on every server")
item.title = "First news, corrected"
item.save()
"""


def reachable(address):
    try:
        with socket.create_connection(address, timeout=1):
            return True
    except OSError:
        return False


def postgres_server():
    """(admin URL, host, port) of the PostgreSQL server to use, or None."""
    if connection.vendor == "postgresql":
        params = connection.settings_dict
        host, port = params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432)
        user = params["USER"] or "postgres"
        password = f":{params['PASSWORD']}" if params["PASSWORD"] else ""
        base = f"postgres://{user}{password}@{host}:{port}"
    else:
        host, port, base = "127.0.0.1", 5432, "postgres://postgres@127.0.0.1:5432"
    return base if reachable((host, port)) else None


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_django(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )


def fetch(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.read().decode()


def wait_until_serving(port, process):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the app server on port {port} stopped: {process.stderr.read()}")
        try:
            fetch(port, "/healthz")
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the app server on port {port} did not start")


@pytest.fixture
def shared_services():
    """A fresh PostgreSQL database and a Redis key prefix, removed afterwards."""
    base = postgres_server()
    if base is None:
        pytest.skip("needs a PostgreSQL server (DATABASE_URL or 127.0.0.1:5432): none reachable")
    if not reachable(REDIS):
        pytest.skip("needs Redis at 127.0.0.1:6379: not reachable")
    import psycopg
    import redis

    name = f"scale_out_{secrets.token_hex(4)}"
    prefix = f"scale-out-{secrets.token_hex(4)}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": f"{base}/{name}",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "DJANGO_CACHE_KEY_PREFIX": prefix,
        "DJANGO_PAGE_CACHE": "1",
        "DJANGO_DEBUG": "1",
    }
    env.pop("CACHE_URL", None)
    try:
        yield env
    finally:
        keys = redis.Redis(*REDIS).keys(f"{prefix}:*")
        if keys:
            redis.Redis(*REDIS).delete(*keys)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def two_app_servers(shared_services):
    env = shared_services
    run_django(env, "migrate", "--noinput")
    run_django(env, "shell", "-c", SET_UP)
    servers = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "-c",
                    "deploy/gunicorn.conf.py",
                    "strategy_site.wsgi",
                ],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "2"},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            servers.append((port, process))
        for port, process in servers:
            wait_until_serving(port, process)
        yield env, [port for port, _ in servers]
    finally:
        for _, process in servers:
            process.terminate()
        for _, process in servers:
            process.wait(timeout=30)


def test_a_change_published_on_one_server_shows_on_the_others_next_request(two_app_servers):
    env, (first, second) = two_app_servers
    for port in (first, second):
        for _ in range(3):  # every worker has rendered it, and kept it in the shared cache
            page = fetch(port, "/news/")
            assert "First news on every server" in page
            assert "Published through another server" not in page

    run_django(env, "shell", "-c", PUBLISH)

    assert "Published through another server" in fetch(second, "/news/")
    assert "Published through another server" in fetch(first, "/news/")
    assert "Published through another server" in fetch(second, "/")

    run_django(env, "shell", "-c", EDIT)

    for port in (second, first):
        page = fetch(port, "/news/")
        assert "First news, corrected" in page
        assert "First news on every server" not in page
