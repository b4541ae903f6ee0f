"""`make run` on any port gives links that lead back to the running site: canonical,
link preview and "Copy link" addresses follow PORT unless SITE_URL is set."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.urls import reverse

from tests.html_page import Page

ROOT = Path(__file__).resolve().parent.parent


def clean_environment(**env):
    """This shell's environment without the site's settings, plus `env`."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_", "SITE_"))
        and k not in {"PORT", "REDIS_URL", "CACHE_URL"}
    }
    return {**kept, **env}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode()


@pytest.fixture
def site_on_a_port(tmp_path):
    """The site served as `PORT=<port> make run` serves it (runserver on that port, in
    development, with no SITE_URL), on a database of its own."""
    port = free_port()
    env = clean_environment(
        DJANGO_DEBUG="1", PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    for command in (["migrate", "--noinput"], ["load_content"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT, env=env, check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    address = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                fetch(address + reverse("healthz"))
                break
            except OSError:
                time.sleep(0.1)
        yield address
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_on_another_port_the_links_a_page_gives_out_lead_back_to_it(site_on_a_port):
    status, html = fetch(site_on_a_port + reverse("news:index"))
    assert status == 200
    news = Page(html)
    [story] = [
        a.attrs["href"]
        for a in news.find_all("a")
        if any(p.attrs.get("class") == "app-summary-item" for p in a.parents)
    ]

    status, html = fetch(site_on_a_port + story)
    assert status == 200
    page = Page(html)
    [canonical] = [e.attrs["href"] for e in page.find_all("link", rel="canonical")]
    [preview] = [e.attrs["content"] for e in page.find_all("meta", property="og:url")]
    [to_copy] = [e.attrs["value"] for e in page.find_all("input", id="share-url")]
    assert canonical == preview == to_copy == site_on_a_port + story
    assert fetch(canonical)[0] == 200


SHOW_SITE_URL = "from django.conf import settings; print(settings.SITE_URL)"


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"DJANGO_DEBUG": "1", "PORT": "8301"}, "http://127.0.0.1:8301"),
        ({"DJANGO_DEBUG": "1"}, "http://127.0.0.1:8000"),
        (
            {"DJANGO_DEBUG": "1", "PORT": "8301", "SITE_URL": "https://send.example.gov.uk/"},
            "https://send.example.gov.uk",
        ),
        # In production the address is SITE_URL's alone: a platform's PORT is not public.
        (
            {"PORT": "8301", "DJANGO_SECRET_KEY": "a-long-random-key-for-this-test-0123456789"},
            "http://127.0.0.1:8000",
        ),
    ],
)
def test_the_site_s_address_follows_port_in_development_unless_site_url_is_set(env, expected):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SHOW_SITE_URL],
        cwd=ROOT,
        env=clean_environment(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr


def test_make_run_hands_its_port_to_the_site():
    result = subprocess.run(
        ["make", "--dry-run", "run", "PORT=8301"],
        cwd=ROOT,
        env=clean_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert "PORT=8301 .venv/bin/python manage.py runserver 127.0.0.1:8301" in result.stdout
