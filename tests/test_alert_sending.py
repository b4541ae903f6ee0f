"""Email alerts going out: what is sent, to whom, when, and never twice.

Emails go through a real SMTP server (the `smtp` fixture) and the tasks through the
real database queue, run by the real worker (`manage.py db_worker --batch`)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from alerts.models import Change, Delivery, Frequency, Sending, Subscriber, Subscription, What
from publishing.models import ChangeNote, Status
from tests.factories import PressReleaseFactory, PriorityFactory, StrategyFactory

PARENT = "parent@example.org"


def subscribe(email, *lists, confirmed=True):
    """lists: (what, frequency) or (priority, frequency)."""
    now = timezone.now() if confirmed else None
    subscriber, _ = Subscriber.objects.get_or_create(email=email, defaults={"confirmed_at": now})
    for what, frequency in lists:
        fields = (
            {"what": What.PRIORITY, "priority": what}
            if not isinstance(what, str)
            else {"what": what}
        )
        Subscription.objects.create(
            subscriber=subscriber, frequency=frequency, confirmed_at=now, **fields
        )
    return subscriber


@pytest.fixture
def manage(django_capture_on_commit_callbacks):
    """Run a management command as cron would: what it queues is queued as it ends."""

    def manage(*args):
        with django_capture_on_commit_callbacks(execute=True):
            call_command(*args, verbosity=0)

    return manage


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """Save as an editor's publish would: the tasks are queued when the save commits."""

    def publish(factory=PressReleaseFactory, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            item = factory(**fields)
        return item

    return publish


def test_a_press_release_goes_to_each_person_once_whatever_lists_they_chose(
    db, smtp, publish, run_worker
):
    priority = PriorityFactory(strategy=StrategyFactory())
    subscribe(
        PARENT,
        (What.NEWS, Frequency.IMMEDIATELY),
        (What.EVERYTHING, Frequency.IMMEDIATELY),
        (priority, Frequency.IMMEDIATELY),
    )
    subscribe("carer@example.org", (priority, Frequency.IMMEDIATELY))
    subscribe("decisions@example.org", (What.DECISIONS, Frequency.IMMEDIATELY))
    release = publish(title="New help for families", priorities=[priority])
    run_worker()

    assert len(smtp.to(PARENT)) == 1
    assert len(smtp.to("carer@example.org")) == 1
    assert smtp.to("decisions@example.org") == []
    message = smtp.to(PARENT)[0]
    assert message["Subject"] == "New: New help for families"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert release.get_absolute_url() in text and release.get_absolute_url() in html
    assert "News" in text and "Everything on this site" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "<img" not in html


def test_nobody_unconfirmed_or_on_a_summary_gets_an_immediate_email(db, smtp, publish, run_worker):
    subscribe("waiting@example.org", (What.NEWS, Frequency.IMMEDIATELY), confirmed=False)
    subscribe("daily@example.org", (What.NEWS, Frequency.DAILY))
    publish()
    run_worker()
    assert smtp.messages == []


def test_an_edit_sends_nothing_and_a_public_change_note_sends_an_update(
    db, smtp, publish, run_worker, django_capture_on_commit_callbacks
):
    subscribe(PARENT, (What.NEWS, Frequency.IMMEDIATELY))
    release = publish(title="Short breaks")
    run_worker()
    assert len(smtp.to(PARENT)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        release.standfirst = "A corrected spelling."
        release.save()
    run_worker()
    assert len(smtp.to(PARENT)) == 1, "a minor edit sends nothing"

    with django_capture_on_commit_callbacks(execute=True):
        ChangeNote.objects.create(item=release, note="Added the dates of the drop-in sessions")
    run_worker()
    update = smtp.to(PARENT)[1]
    assert update["Subject"] == "Updated: Short breaks"
    assert "Added the dates of the drop-in sessions" in update.get_body(("plain",)).get_content()


def test_a_scheduled_item_is_sent_when_it_goes_public_never_at_save(db, smtp, publish, run_worker):
    subscribe(PARENT, (What.NEWS, Frequency.IMMEDIATELY))
    moment = timezone.now() + timedelta(hours=3)
    publish(title="Coming soon", published_at=moment)
    run_worker()
    assert smtp.messages == []
    with time_machine.travel(moment + timedelta(seconds=1)):
        run_worker()
    assert [m["Subject"] for m in smtp.to(PARENT)] == ["New: Coming soon"]


def test_a_scheduled_item_taken_back_to_draft_is_never_sent(
    db, smtp, publish, run_worker, manage, django_capture_on_commit_callbacks
):
    subscribe(PARENT, (What.NEWS, Frequency.IMMEDIATELY))
    moment = timezone.now() + timedelta(hours=3)
    release = publish(published_at=moment)
    with django_capture_on_commit_callbacks(execute=True):
        release.status = Status.DRAFT
        release.save()
    with time_machine.travel(moment + timedelta(minutes=1)):
        run_worker()
        manage("send_alerts")
        run_worker()
    assert smtp.messages == []
    assert not Change.objects.exists()


def test_a_moved_schedule_sends_at_the_new_time(
    db, smtp, publish, run_worker, django_capture_on_commit_callbacks
):
    subscribe(PARENT, (What.NEWS, Frequency.IMMEDIATELY))
    first = timezone.now() + timedelta(hours=1)
    release = publish(published_at=first)
    with django_capture_on_commit_callbacks(execute=True):
        release.published_at = first + timedelta(hours=2)
        release.save()
    with time_machine.travel(first + timedelta(minutes=1)):
        run_worker()
    assert smtp.messages == [], "not at the old time"
    with time_machine.travel(first + timedelta(hours=2, minutes=1)):
        run_worker()
    assert len(smtp.to(PARENT)) == 1


def test_a_draft_sends_nothing_until_it_is_published(
    db, smtp, publish, run_worker, django_capture_on_commit_callbacks
):
    subscribe(PARENT, (What.NEWS, Frequency.IMMEDIATELY))
    release = publish(status=Status.DRAFT, published_at=None)
    run_worker()
    assert smtp.messages == []
    with django_capture_on_commit_callbacks(execute=True):
        release.status = Status.PUBLISHED
        release.save()
    run_worker()
    assert len(smtp.to(PARENT)) == 1


def test_content_that_was_public_before_alerts_began_is_not_sent_when_edited(
    db, smtp, run_worker, django_capture_on_commit_callbacks
):
    release = PressReleaseFactory()
    Change.objects.all().delete()  # as if it was published before this app sent anything
    subscribe(PARENT, (What.NEWS, Frequency.IMMEDIATELY))
    with django_capture_on_commit_callbacks(execute=True):
        release.title = "Edited"
        release.save()
    run_worker()
    assert smtp.messages == []


def test_paused_sending_keeps_every_email_until_switched_back_on(
    db, smtp, publish, run_worker, manage
):
    for n in range(3):
        subscribe(f"person{n}@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    Sending.objects.create(pk=1, paused=True)
    publish()
    run_worker()
    assert smtp.messages == []
    assert Delivery.objects.filter(status=Delivery.Status.QUEUED).count() == 3

    Sending.objects.filter(pk=1).update(paused=False)
    manage("send_alerts")
    run_worker()
    assert len(smtp.messages) == 3


def test_a_refused_address_fails_alone_and_the_rest_are_sent(db, smtp, publish, run_worker):
    subscribe("refused@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    subscribe(PARENT, (What.NEWS, Frequency.IMMEDIATELY))
    smtp.refuse("refused@example.org")
    change = publish() and Change.objects.get()
    run_worker()
    assert len(smtp.to(PARENT)) == 1
    counts = Change.objects.with_counts().get(pk=change.pk)
    assert (counts.emails_sent, counts.emails_failed, counts.emails_queued) == (1, 1, 0)


def test_emails_a_stopped_worker_had_taken_are_sent_once_its_lease_ends(
    db, smtp, publish, run_worker, manage, settings
):
    for n in range(5):
        subscribe(f"person{n}@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    Sending.objects.create(pk=1, paused=True)
    publish()
    run_worker()
    # A worker claims them, then dies before sending (nothing reached the mail server).
    Delivery.objects.update(
        status=Delivery.Status.SENDING,
        claim="dead",
        lease_until=timezone.now() + timedelta(minutes=5),
    )
    Sending.objects.filter(pk=1).update(paused=False)
    manage("send_alerts")
    run_worker()
    assert smtp.messages == [], "not while the lease lasts"
    with time_machine.travel(timezone.now() + timedelta(minutes=6)):
        manage("send_alerts")
        run_worker()
    assert sorted(m.recipients[0] for m in smtp.messages) == [
        f"person{n}@example.org" for n in range(5)
    ]


def test_a_daily_summary_gathers_the_days_changes_once_and_nothing_is_sent_for_an_empty_day(
    db, smtp, publish, run_worker, manage
):
    priority = PriorityFactory(strategy=StrategyFactory())
    subscribe(PARENT, (What.NEWS, Frequency.DAILY), (priority, Frequency.DAILY))
    subscribe("weekly@example.org", (What.NEWS, Frequency.WEEKLY))
    subscribe("other@example.org", (What.DECISIONS, Frequency.DAILY))
    monday = timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 0))
    with time_machine.travel(monday):
        publish(title="First news", published_at=monday, priorities=[priority])
        publish(title="Second news", published_at=monday)
        run_worker()
    with time_machine.travel(monday + timedelta(days=1, hours=-3)):  # 07:00 on Tuesday
        manage("send_digests", "daily")
        manage("send_digests", "daily")  # twice: nothing twice
        run_worker()
    assert [m.recipients for m in smtp.messages] == [[PARENT]]
    summary = smtp.messages[0]
    assert summary["Subject"] == "Daily summary: 2 updates from Meeting Needs Together"
    text = summary.get_body(("plain",)).get_content()
    assert text.index("First news") < text.index("Second news")
    assert text.count("First news") == 1, "one mention however many lists matched"

    with time_machine.travel(monday + timedelta(days=2, hours=-3)):  # Wednesday: nothing new
        manage("send_digests", "daily")
        run_worker()
    assert len(smtp.messages) == 1

    with time_machine.travel(monday + timedelta(days=7, hours=-3)):  # next Monday 07:00
        manage("send_digests", "weekly")
        run_worker()
    weekly = smtp.to("weekly@example.org")
    assert [m["Subject"] for m in weekly] == [
        "Weekly summary: 2 updates from Meeting Needs Together"
    ]


def test_a_progress_update_goes_to_progress_and_its_priority(db, smtp, publish, run_worker):
    from tests.factories import DeliverableFactory, ProgressUpdateFactory

    priority = PriorityFactory(strategy=StrategyFactory())
    deliverable = DeliverableFactory(priority=priority)
    subscribe(PARENT, (What.PROGRESS, Frequency.IMMEDIATELY))
    subscribe("priority@example.org", (priority, Frequency.IMMEDIATELY))
    subscribe("news@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    publish(ProgressUpdateFactory, deliverable=deliverable, title="Pilot started")
    run_worker()
    assert len(smtp.to(PARENT)) == 1 and len(smtp.to("priority@example.org")) == 1
    assert smtp.to("news@example.org") == []
    assert deliverable.title in smtp.to(PARENT)[0].get_body(("plain",)).get_content()


def test_a_publisher_publishing_in_the_admin_sends_the_alert_with_its_priorities(
    db, smtp, publisher_client, run_worker, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.test_easyread import form_data

    priority = PriorityFactory(strategy=StrategyFactory())
    subscribe(PARENT, (priority, Frequency.IMMEDIATELY))
    release = PressReleaseFactory(
        title="Drafted in the admin", status=Status.DRAFT, published_at=None, priorities=[priority]
    )
    url = reverse("admin:news_pressrelease_change", args=[release.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = publisher_client.post(url, form_data(publisher_client, url, status="published"))
    assert response.status_code == 302
    run_worker()
    [message] = smtp.to(PARENT)
    assert message["Subject"] == "New: Drafted in the admin"
    assert str(priority) in message.get_body(("plain",)).get_content()
