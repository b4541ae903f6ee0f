"""/healthz for the load balancer, and the branded error page when the database is down."""

import socket
from contextlib import contextmanager

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from strategy_site.settings import cache_config
from tests.test_security_headers import assert_security_headers

# What must never reach the public in an error or health answer.
LEAKS = [
    "Traceback",
    'File "',
    "OperationalError",
    "connection refused",
    "database is down",
    "SECRET_KEY",
    "DATABASES",
    "DJANGO_SETTINGS_MODULE",
    "Using the URLconf",
]


@contextmanager
def database_down():
    """Every query fails the way it does when PostgreSQL has gone away."""

    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused: the database is down")

    with connection.execute_wrapper(refuse):
        yield


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_is_running():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


def assert_leaks_nothing(response):
    text = response.content.decode()
    for leak in LEAKS:
        assert leak not in text, leak


# /healthz ---------------------------------------------------------------------------


def test_health_check_reports_ok_when_the_database_and_cache_answer(client, db):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_health_check_is_never_cached_and_sets_no_cookie(client, db):
    response = client.get(reverse("healthz"))

    assert "no-store" in response.headers["Cache-Control"]
    assert "ETag" not in response.headers
    assert not response.cookies


def test_health_check_answers_503_without_details_when_the_database_is_down(client, db):
    with database_down():
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable", "cache": "ok"}
    assert_leaks_nothing(response)
    assert_security_headers(response)


def test_health_check_keeps_the_instance_in_service_when_only_the_cache_is_down(
    client, db, settings
):
    # Every page is then served from the database: a load balancer must not take every
    # instance out of service because Redis is down.
    settings.CACHES = {"default": cache_config(f"redis://127.0.0.1:{closed_port()}/1")}

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}
    assert_leaks_nothing(response)


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
def test_health_check_is_ok_with_a_shared_redis_cache(client, db, settings):
    settings.CACHES = {"default": cache_config("redis://127.0.0.1:6379/1")}

    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json()["cache"] == "ok"


def test_health_check_only_answers_reads(client, db):
    assert client.head(reverse("healthz")).status_code == 200
    assert client.post(reverse("healthz")).status_code == 405


@pytest.mark.parametrize(
    "url, backend",
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://127.0.0.1:6379/1", "operations.cache.FailSoftRedisCache"),
        ("rediss://cache.internal:6380/0", "operations.cache.FailSoftRedisCache"),
    ],
)
def test_the_cache_is_chosen_by_cache_url(url, backend):
    config = cache_config(url)

    assert config["BACKEND"] == backend
    if url.startswith("redis"):
        assert config["LOCATION"] == url


def test_an_unknown_cache_url_stops_the_site_from_starting():
    with pytest.raises(ImproperlyConfigured):
        cache_config("memcached://127.0.0.1:11211")


# The error page ---------------------------------------------------------------------


def test_the_branded_500_page_renders_when_the_database_is_down(db):
    client = Client(raise_request_exception=False)

    with database_down():
        response = client.get(reverse("home"))

    assert response.status_code == 500
    text = response.content.decode()
    assert "Sorry, there is a problem with the service" in text
    assert "Please try again later." in text
    assert 'href="/static/css/main.css"' in text
    assert_leaks_nothing(response)
    assert_security_headers(response)
    assert not response.cookies


def test_a_public_404_shows_no_debug_information(client, db):
    response = client.get("/no-such-page/?q=%00%ff")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert_leaks_nothing(response)
