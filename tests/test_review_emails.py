"""The review queue's emails are never lost and never sent twice: an email the mail
server could not take is sent once it is back (`manage.py send_review_emails`, run by
cron), and whoever already has theirs is not emailed again. Restoring an earlier
version that puts an item back in review asks the Publishers again, once, and says so.

Emails go through the real task queue and a real SMTP server (tests/smtp.py)."""

from contextlib import ExitStack
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from news.models import PressRelease
from publishing.models import Review, Status
from publishing.reviews import catch_up
from tests import test_migrations, test_review_queue
from tests.html_page import Page
from tests.smtp import SMTPServer
from tests.test_admin import admin_url, assert_saved, form_as_sent
from tests.test_history import entries, history
from tests.test_migrations import leaf, migrate
from tests.test_review_queue import home, section, send_back, submit
from tests.test_workflow import new_press_release

PUBLISHERS = ["pat@example.org", "sam@example.org"]
# An Editor (Eddie), Publishers Pat and Sam with email addresses, one without, and an
# Editor Ann (tests/test_review_queue.py).
people = test_review_queue.people
back_to_latest = test_migrations.back_to_latest


@pytest.fixture
def mail_server(settings):
    """A real SMTP server that the site sends through, down until the test calls
    `start()`: its `inbox` holds every email that arrived."""
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    with ExitStack() as running:
        yield SimpleNamespace(inbox=server.inbox, start=lambda: running.enter_context(server))


@pytest.fixture
def manage(django_capture_on_commit_callbacks):
    """Run a management command as cron would: what it queues is queued as it ends."""

    def manage(*args):
        with django_capture_on_commit_callbacks(execute=True):
            call_command(*args, verbosity=0)

    return manage


def later(minutes):
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes))


def recipients(inbox):
    return sorted(address for message in inbox.messages for address in message.recipients)


def task_states():
    return sorted(result.status for result in DBTaskResult.objects.all())


# Never lost ----------------------------------------------------------------------------


def test_an_email_the_mail_server_could_not_take_is_sent_once_it_is_back(
    people, mail_server, run_worker, manage, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    item = submit(editor, django_capture_on_commit_callbacks)

    run_worker()  # the mail server is down

    assert mail_server.inbox.messages == []
    assert task_states() == [TaskResultStatus.FAILED]
    assert PressRelease.objects.get(pk=item.pk).status == Status.IN_REVIEW

    manage("send_review_emails")  # too soon to tell a lost task from a slow one
    run_worker()
    assert task_states() == [TaskResultStatus.FAILED]

    mail_server.start()
    with later(minutes=6):
        manage("send_review_emails")
        run_worker()
    assert recipients(mail_server.inbox) == PUBLISHERS
    assert all(
        message["Subject"] == f"Waiting for review: {item.title}"
        for message in mail_server.inbox.messages
    )

    with later(minutes=30):
        manage("send_review_emails")
        run_worker()
    assert recipients(mail_server.inbox) == PUBLISHERS, "nobody is emailed twice"


def test_a_sent_back_email_the_mail_server_could_not_take_is_sent_once_it_is_back(
    people, mail_server, run_worker, manage, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    item = submit(editor, django_capture_on_commit_callbacks)
    send_back(
        publisher, item, "Please say who can get short breaks.", django_capture_on_commit_callbacks
    )
    run_worker()  # both emails fail: the mail server is down

    mail_server.start()
    with later(minutes=6):
        manage("send_review_emails")
        run_worker()

    # The Publishers' email is out of date (the item is a draft again): only the editor's goes.
    [email] = mail_server.inbox.messages
    assert email.recipients == ["ed@example.org"]
    assert email["Subject"] == f"Sent back to you: {item.title}"
    assert "Please say who can get short breaks." in email.get_content()
    with later(minutes=30):
        manage("send_review_emails")
        run_worker()
    assert len(mail_server.inbox.messages) == 1


def test_emails_not_sent_before_the_item_moved_on_are_never_sent(
    people, mail_server, run_worker, manage, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    item = submit(editor, django_capture_on_commit_callbacks)
    run_worker()  # fails: the mail server is down
    form = form_as_sent(publisher.get(admin_url(PressRelease, "change", item.pk)))
    form["status"] = Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(publisher.post(admin_url(PressRelease, "change", item.pk), form))

    mail_server.start()
    with later(minutes=6):
        manage("send_review_emails")
        run_worker()

    assert mail_server.inbox.messages == [], "nothing waits for review any more"


# Never twice ---------------------------------------------------------------------------


def test_a_worker_that_was_stopped_for_a_while_sends_each_email_once(
    people, smtp, run_worker, manage, django_capture_on_commit_callbacks
):
    """The task waits in the queue past the catch-up's few minutes, so the catch-up queues
    the emails again; when the worker is back it runs both tasks."""
    _, editor = people["editor"]
    submit(editor, django_capture_on_commit_callbacks)

    with later(minutes=10):
        manage("send_review_emails")
        assert DBTaskResult.objects.count() == 2
        run_worker()

    assert recipients(smtp) == PUBLISHERS
    assert task_states() == [TaskResultStatus.SUCCESSFUL] * 2


def test_sent_emails_are_not_queued_again(
    people, smtp, run_worker, manage, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    submit(editor, django_capture_on_commit_callbacks)
    run_worker()

    with later(minutes=10):
        manage("send_review_emails")

    assert DBTaskResult.objects.count() == 1
    assert recipients(smtp) == PUBLISHERS


def test_a_failure_part_way_emails_only_those_not_emailed_yet(
    people, smtp, run_worker, manage, django_capture_on_commit_callbacks, monkeypatch
):
    """The mail server takes Pat's email, then answers “try again later” for Sam's."""
    _, editor = people["editor"]
    not_now = {"sam@example.org"}
    accept = smtp.handle_RCPT

    async def refuse_for_now(server, session, envelope, address, rcpt_options):
        if address in not_now:
            return "451 4.3.0 Try again later"
        return await accept(server, session, envelope, address, rcpt_options)

    monkeypatch.setattr(smtp, "handle_RCPT", refuse_for_now)
    submit(editor, django_capture_on_commit_callbacks)
    run_worker()
    assert recipients(smtp) == ["pat@example.org"]
    assert task_states() == [TaskResultStatus.FAILED]

    not_now.clear()
    with later(minutes=6):
        manage("send_review_emails")
        run_worker()

    assert recipients(smtp) == PUBLISHERS


def test_an_address_that_does_not_exist_is_not_tried_again_and_stops_nobody(
    people, smtp, run_worker, manage, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    smtp.refuse("pat@example.org")

    submit(editor, django_capture_on_commit_callbacks)
    run_worker()
    with later(minutes=30):
        manage("send_review_emails")
        run_worker()

    assert recipients(smtp) == ["sam@example.org"]
    assert task_states() == [TaskResultStatus.SUCCESSFUL]


# Restoring an earlier version ----------------------------------------------------------


def restore(client, item, nth, django_capture_on_commit_callbacks):
    """Restore the nth version on the item's history page (0 is the current one), saving
    the restore form as it comes."""
    [restore_url] = entries(history(client, item))[nth]["restore"]
    form = form_as_sent(client.get(restore_url))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(restore_url, form)
    assert_saved(response)
    return response


def test_restoring_a_version_in_review_asks_the_publishers_again_and_says_it_was_restored(
    people, smtp, run_worker, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    _, other_editor = people["editor2"]
    item = submit(editor, django_capture_on_commit_callbacks)
    send_back(publisher, item, "Shorter sentences, please.", django_capture_on_commit_callbacks)
    run_worker()
    smtp.messages.clear()
    submitted_version_at = entries(history(other_editor, item))[1]["heading"]

    response = restore(other_editor, item, 1, django_capture_on_commit_callbacks)
    run_worker()

    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW
    assert "It is in review" in Page.of(other_editor.get(response.url)).text
    assert recipients(smtp) == PUBLISHERS
    text = smtp.to("pat@example.org")[0].get_content()
    assert "Ann has restored an earlier version of this press release" in text
    assert submitted_version_at.split(" by ")[0] in text  # the day and time of that version
    # The queue shows the new request, by the person who restored it.
    waiting = section(home(publisher), "waiting-for-review")
    assert "sent by Ann" in waiting.text
    assert "Sent back to me" not in home(editor).texts("h2")


def test_restoring_a_version_with_the_status_the_item_has_emails_nobody(
    people, smtp, run_worker, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    item = submit(editor, django_capture_on_commit_callbacks)
    form = form_as_sent(editor.get(admin_url(PressRelease, "change", item.pk)))
    form["body"] = "The details, rewritten."
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(editor.post(admin_url(PressRelease, "change", item.pk), form))
    run_worker()
    smtp.messages.clear()

    restore(editor, item, 1, django_capture_on_commit_callbacks)
    run_worker()

    item.refresh_from_db()
    assert (item.status, item.body) == (Status.IN_REVIEW, "The details.")
    assert smtp.messages == []
    assert Review.objects.count() == 1


def test_restoring_a_draft_version_of_an_item_in_review_emails_nobody(
    people, smtp, run_worker, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(editor.post(admin_url(PressRelease, "add"), new_press_release()))
    item = PressRelease.objects.get()
    form = form_as_sent(editor.get(admin_url(PressRelease, "change", item.pk)))
    form["status"] = Status.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(editor.post(admin_url(PressRelease, "change", item.pk), form))
    run_worker()
    smtp.messages.clear()

    restore(editor, item, 1, django_capture_on_commit_callbacks)
    run_worker()

    item.refresh_from_db()
    assert item.status == Status.DRAFT
    assert smtp.messages == []


# Upgrading ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_reviews_from_before_emails_were_recorded_are_not_emailed_again(back_to_latest):
    """Their emails were tried when they happened: the first catch-up after the upgrade
    must not email everyone about old reviews."""
    migrate(("publishing", "0002_review_queue"))
    old = MigrationExecutor(connection).loader.project_state(("publishing", "0002_review_queue"))
    ContentType = old.apps.get_model("contenttypes", "ContentType")
    OldReview = old.apps.get_model("publishing", "Review")
    kind = ContentType.objects.get(app_label="news", model="pressrelease")
    a_day_ago = timezone.now() - timedelta(days=1)
    OldReview.objects.create(content_type=kind, object_id=1, submitted_at=a_day_ago)
    OldReview.objects.create(
        content_type=kind, object_id=2, submitted_at=a_day_ago, sent_back_at=a_day_ago
    )

    migrate(leaf("publishing"))

    assert catch_up() == 0
