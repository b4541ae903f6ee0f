"""One rate-limit counter for every form on a cached page (ratelimits): the feedback
form's answers and the alert forms' requests share one table, and neither limit
disturbs the other."""

from datetime import timedelta

import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ratelimits.limits import allow, key_for
from ratelimits.models import RequestCount

SITE = "http://testserver"  # the Django test client's own origin
PARENT = "parent@example.com"


def ask_for_alerts(client, email=PARENT):
    data = {"what": "news", "how_often": "daily", "email": email, "website": ""}
    return client.post(reverse("alerts:subscribe-post"), data, headers={"origin": SITE})


def send_feedback(client):
    data = {"page_path": "/news/", "page_title": "News", "useful": "yes", "comment": ""}
    return client.post(reverse("feedback:submit"), data, headers={"origin": SITE})


def test_a_key_is_allowed_up_to_its_limit_then_refused_until_its_window_ends(db):
    window = timedelta(minutes=5)
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        answers = [allow("test:a", 3, window) for _ in range(4)]
        other_key = allow("test:b", 3, window)
        traveller.shift(window + timedelta(seconds=1))
        after_the_window = allow("test:a", 3, window)

    assert answers == [True, True, True, False]
    assert other_key
    assert after_the_window


def test_a_key_never_holds_the_address_and_each_purpose_counts_apart():
    key = key_for("feedback.client", "203.0.113.9")

    assert "203.0.113.9" not in key
    assert key.startswith("feedback.client:")
    assert key != key_for("alerts.client", "203.0.113.9")
    assert len(key) <= RequestCount._meta.get_field("key").max_length


def test_ten_feedback_answers_do_not_stop_the_same_visitor_asking_for_alerts(client, db, smtp):
    for _ in range(10):
        assert send_feedback(client).status_code == 303
    assert send_feedback(client).status_code == 429

    assert ask_for_alerts(client).status_code == 303
    assert len(smtp.messages) == 1


def test_feedback_answers_ten_minutes_on_do_not_lift_the_hourly_limit_on_an_address(db, smtp):
    """Feedback's windows last 10 minutes and alerts' an hour: starting a feedback window
    clears only windows that have ended, never an alert count still running."""
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(3):
            ask_for_alerts(Client(REMOTE_ADDR="192.0.2.1"))
        traveller.shift(timedelta(minutes=20))
        send_feedback(Client(REMOTE_ADDR="192.0.2.2"))  # starts a window: clears old ones

        response = ask_for_alerts(Client(REMOTE_ADDR="192.0.2.3"))

    assert response.status_code == 303  # the same answer, so nobody learns who subscribes
    assert len(smtp.messages) == 3


def test_counts_whose_windows_ended_are_deleted_when_a_window_starts(db):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        allow("test:short", 1, timedelta(minutes=10))
        allow("test:long", 1, timedelta(hours=1))
        traveller.shift(timedelta(minutes=30))
        allow("test:new", 1, timedelta(minutes=10))

    assert sorted(RequestCount.objects.values_list("key", flat=True)) == ["test:long", "test:new"]
