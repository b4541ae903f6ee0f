"""Production settings, checked the way a deployment runs them (in a fresh process), and
the warnings about a proxy the settings do not know about."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.urls import reverse

from operations.middleware import FORWARDED_FOR_WITHOUT_PROXY_COUNT

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    production = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") and k not in ("SITE_URL", "PORT")
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**production, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-this-test-0123456789",
    "DJANGO_ALLOWED_HOSTS": "send-strategy.example.gov.uk",
    "SITE_URL": "https://send-strategy.example.gov.uk",
}


def test_production_settings_pass_the_deployment_checklist():
    # Production runs behind a proxy that terminates TLS (the settings trust its
    # X-Forwarded-Proto), so a deployment says how many proxies there are: one nginx.
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        DJANGO_TRUSTED_PROXY_COUNT="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_deployment_checklist_warns_when_the_proxy_count_is_left_at_zero():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "operations.W001" in output
    assert "DJANGO_TRUSTED_PROXY_COUNT is 0" in output
    assert "every visitor then has the proxy's address" in output
    assert "Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies" in output


def proxy_count_warnings():
    return [
        message
        for message in run_checks(include_deployment_checks=True)
        if message.id == "operations.W001"
    ]


@pytest.mark.parametrize(
    ("site_url", "says"),
    [
        (None, "'http://127.0.0.1:8000'"),
        ("http://send-strategy.example.gov.uk", "to plain http"),
        ("https://localhost", "to this machine"),
    ],
)
def test_the_deployment_checklist_warns_when_shared_links_would_lead_nowhere(site_url, says):
    production = {**PRODUCTION, "DJANGO_TRUSTED_PROXY_COUNT": "1"}
    production.pop("SITE_URL")
    if site_url:
        production["SITE_URL"] = site_url

    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **production)

    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "operations.W002" in output
    assert says in output
    assert "Set SITE_URL to the site's public https address" in output


@pytest.mark.parametrize(
    "proxy_setting, value",
    [
        ("SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("USE_X_FORWARDED_HOST", True),
        ("USE_X_FORWARDED_PORT", True),
    ],
)
def test_settings_that_trust_a_proxy_need_a_proxy_count(settings, proxy_setting, value):
    settings.TRUSTED_PROXY_COUNT = 0
    setattr(settings, proxy_setting, value)

    [warning] = proxy_count_warnings()
    assert proxy_setting in warning.msg

    settings.TRUSTED_PROXY_COUNT = 1
    assert proxy_count_warnings() == []


def test_settings_that_trust_no_proxy_need_no_proxy_count(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SECURE_PROXY_SSL_HEADER = None
    settings.USE_X_FORWARDED_HOST = settings.USE_X_FORWARDED_PORT = False

    assert proxy_count_warnings() == []


def test_the_proxy_count_check_runs_only_for_a_deployment(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    assert [m for m in run_checks() if m.id == "operations.W001"] == []


# At run time -------------------------------------------------------------------------


@pytest.fixture
def fresh_process(monkeypatch):
    """As in a newly started worker: the once-per-process warning not yet given."""
    monkeypatch.setattr(FORWARDED_FOR_WITHOUT_PROXY_COUNT, "given", False)


def proxy_warnings(caplog):
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "operations.middleware" and record.levelno == logging.WARNING
    ]


def test_a_request_forwarded_by_an_unknown_proxy_is_warned_about_once_per_process(
    client, db, settings, caplog, fresh_process
):
    settings.TRUSTED_PROXY_COUNT = 0

    for address in ["203.0.113.7", "198.51.100.20", "192.0.2.1"]:
        client.get(reverse("healthz"), HTTP_X_FORWARDED_FOR=address)

    [warning] = proxy_warnings(caplog)
    assert "arrived with X-Forwarded-For, but DJANGO_TRUSTED_PROXY_COUNT is 0" in warning
    assert "Set DJANGO_TRUSTED_PROXY_COUNT to the number of proxies" in warning
    assert "203.0.113.7" not in warning  # no visitor's address in the log


def test_no_warning_when_the_proxy_count_is_set_or_nothing_is_forwarded(
    client, db, settings, caplog, fresh_process
):
    settings.TRUSTED_PROXY_COUNT = 1
    client.get(reverse("healthz"), HTTP_X_FORWARDED_FOR="203.0.113.7")
    settings.TRUSTED_PROXY_COUNT = 0
    client.get(reverse("healthz"))

    assert proxy_warnings(caplog) == []


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="send-strategy.example.gov.uk")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
