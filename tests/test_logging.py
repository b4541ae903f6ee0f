"""What the log says when requests go wrong: one line per problem.

A visitor's 4xx is one line without a traceback, cut short if long; a database outage is
logged when it starts and when it ends, not once per request or health check.
"""

import logging
from datetime import timedelta

import pytest
import time_machine
from django.db import ProgrammingError
from django.test import Client
from django.urls import reverse

from operations.logs import DATABASE, one_line
from tests.test_health import database_down


@pytest.fixture(autouse=True)
def fresh_process(monkeypatch):
    """As in a newly started worker: no outage seen yet."""
    monkeypatch.setattr(DATABASE, "down_since", None)
    monkeypatch.setattr(DATABASE, "last_logged", None)
    monkeypatch.setattr(DATABASE, "failures", 0)


def records(caplog, name):
    return [r for r in caplog.records if r.name == name or r.name.startswith(name + ".")]


def assert_one_short_line(record, limit=500):
    message = record.getMessage()
    assert record.exc_info is None and record.exc_text is None
    assert "\n" not in message and "\r" not in message
    assert len(message) < limit


# A visitor's mistakes, and probes ----------------------------------------------------


def test_a_page_not_found_is_logged_in_one_short_line(client, db, caplog):
    response = client.get("/no-such-page/" + "x" * 3000)

    assert response.status_code == 404
    [record] = records(caplog, "django.request")
    assert record.levelno == logging.WARNING
    assert record.getMessage().startswith("Not Found: /no-such-page/xxx")
    assert "characters, cut short" in record.getMessage()
    assert_one_short_line(record)
    assert "Traceback" not in caplog.text


def test_an_unknown_host_is_logged_in_one_line_with_the_host_cut_short(client, db, caplog):
    response = client.get(reverse("home"), HTTP_HOST="a" * 5000)

    assert response.status_code == 400
    [record] = records(caplog, "django.security")
    assert record.name == "django.security.DisallowedHost"
    assert record.getMessage().startswith("Invalid HTTP_HOST header: 'aaaa")
    assert "characters, cut short" in record.getMessage()
    assert_one_short_line(record)
    assert "Traceback" not in caplog.text
    assert "a" * 600 not in caplog.text


def test_a_forged_admin_form_is_logged_in_one_line_with_its_origin_cut_short(db, caplog):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "a", "password": "b"},
        HTTP_ORIGIN="https://" + "a" * 5000 + ".example",
    )

    assert response.status_code == 403
    [record] = records(caplog, "django.security")
    assert record.name == "django.security.csrf"
    assert record.getMessage().startswith("Forbidden (Origin checking failed - https://aaaa")
    assert "characters, cut short" in record.getMessage()
    assert_one_short_line(record)


def test_a_line_cannot_be_forged_in_the_log():
    assert one_line("Invalid header: 'x'\nERROR Admin password changed") == (
        "Invalid header: 'x'\\nERROR Admin password changed"
    )


def test_a_server_error_is_still_logged_with_its_traceback(caplog):
    try:
        raise ProgrammingError('relation "news_pressrelease" does not exist')
    except ProgrammingError as error:
        logging.getLogger("django.request").error(
            "Internal Server Error: /news/", exc_info=error, extra={"status_code": 500}
        )

    [record] = records(caplog, "django.request")
    assert record.exc_info is not None
    assert "Traceback" in caplog.text


# A database outage -------------------------------------------------------------------


def outage_lines(caplog):
    return [record.getMessage() for record in records(caplog, "operations.logs")]


def test_a_database_outage_is_logged_once_by_the_health_check_and_again_when_it_is_back(
    client, db, caplog
):
    with database_down():
        for _ in range(50):
            assert client.get(reverse("healthz")).status_code == 503

    [down] = outage_lines(caplog)
    assert down.startswith("The database is unavailable (OperationalError: connection refused")
    assert "noticed by the health check" in down
    assert records(caplog, "django.request") == []  # no "Service Unavailable: /healthz"
    assert "Traceback" not in caplog.text

    caplog.clear()
    for _ in range(3):
        assert client.get(reverse("healthz")).status_code == 200

    [back] = outage_lines(caplog)
    assert back.startswith("The database is available again, after ")
    assert back.endswith("unavailable and 50 failures.")


def test_pages_failing_in_a_database_outage_log_it_once_not_per_request(db, caplog):
    client = Client(raise_request_exception=False)

    with database_down():
        for _ in range(20):
            assert client.get(reverse("home")).status_code == 500

    assert records(caplog, "django.request") == []
    [down] = outage_lines(caplog)
    assert "The database is unavailable" in down
    assert "noticed by a request" in down
    assert "Traceback" not in caplog.text

    # The health check sees it back, and says so once.
    caplog.clear()
    client.get(reverse("healthz"))
    client.get(reverse("healthz"))
    [back] = outage_lines(caplog)
    assert "available again" in back
    assert "and 20 failures" in back


def test_the_health_check_and_the_pages_report_one_outage(client, db, caplog):
    with database_down():
        client.get(reverse("healthz"))
        Client(raise_request_exception=False).get(reverse("home"))
        client.get(reverse("healthz"))

    assert len(outage_lines(caplog)) == 1


def test_a_long_outage_is_recalled_every_ten_minutes_at_most(client, db, caplog):
    with time_machine.travel("2026-03-02 09:00 +0000", tick=False) as clock, database_down():
        client.get(reverse("healthz"))
        clock.shift(timedelta(minutes=9))
        client.get(reverse("healthz"))
        assert len(outage_lines(caplog)) == 1

        clock.shift(timedelta(minutes=2))
        client.get(reverse("healthz"))

    down, still = outage_lines(caplog)
    assert still.startswith("The database is still unavailable, after 11 minutes: 3 failures")


def test_a_second_outage_is_logged_again(client, db, caplog):
    for _ in range(2):
        with database_down():
            client.get(reverse("healthz"))
        client.get(reverse("healthz"))

    down, back, down_again, back_again = outage_lines(caplog)
    assert down.startswith("The database is unavailable") and down_again == down
    assert back.startswith("The database is available again") and back_again == back
