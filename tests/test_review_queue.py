"""The review queue: Publishers see what waits for review and are emailed when something
is submitted; they publish it or send it back with a comment, which its Editor sees and
is emailed. Emails go through the real task queue and a real SMTP server, and a mail
server that is down never stops a save."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from reversion.models import Revision

from news.models import CabinetDecision, PressRelease
from publishing.models import PreparedChange, Review, Status
from tests.factories import CabinetDecisionFactory, PressReleaseFactory
from tests.html_page import Page
from tests.smtp import free_port
from tests.test_admin import admin_url, assert_saved, form_as_sent
from tests.test_workflow import new_press_release


def person(django_user_model, username, role, email="", first_name=""):
    user = django_user_model.objects.create_user(
        username=username,
        password="a-long-test-password",
        is_staff=True,
        email=email,
        first_name=first_name,
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def people(db, django_user_model):
    """An Editor and two Publishers with email addresses; a Publisher without one."""
    return {
        "editor": person(django_user_model, "ed", "Editor", "ed@example.org", "Eddie"),
        "pub": person(django_user_model, "pat", "Publisher", "pat@example.org", "Pat"),
        "pub2": person(django_user_model, "sam", "Publisher", "sam@example.org", "Sam"),
        "no_email": person(django_user_model, "nomail", "Publisher"),
        "editor2": person(django_user_model, "ann", "Editor", "ann@example.org", "Ann"),
    }


def submit(client, django_capture_on_commit_callbacks, **fields):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            admin_url(PressRelease, "add"), new_press_release(status=Status.IN_REVIEW, **fields)
        )
    assert_saved(response)
    return PressRelease.objects.get(title=fields.get("title", new_press_release()["title"]))


def send_back(client, item, comment, django_capture_on_commit_callbacks):
    url = admin_url(type(item), "send_back", item.pk)
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, {"comment": comment})


def home(client):
    return Page.of(client.get(reverse("admin:index")))


def section(page, id):
    [div] = page.find_all("div", id=id) or [None]
    return div


# Submitting for review -----------------------------------------------------------------


def test_submitting_for_review_emails_the_publishers(
    people, smtp, run_worker, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    item = submit(editor, django_capture_on_commit_callbacks)

    run_worker()

    assert sorted(r for m in smtp.messages for r in m.recipients) == [
        "pat@example.org",
        "sam@example.org",
    ]
    email = smtp.to("pat@example.org")[0]
    assert email["Subject"] == f"Waiting for review: {item.title}"
    text = email.get_content()
    assert "Eddie has asked for this press release to be checked" in text
    link = next(
        line for line in text.splitlines() if admin_url(PressRelease, "change", item.pk) in line
    )
    path = urlsplit(link.strip()).path
    assert people["pub"][1].get(path).status_code == 200


def test_saving_a_draft_tells_nobody(people, smtp, run_worker, django_capture_on_commit_callbacks):
    _, editor = people["editor"]
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(editor.post(admin_url(PressRelease, "add"), new_press_release()))

    run_worker()

    assert smtp.messages == []
    assert not Review.objects.exists()


def test_saving_again_while_in_review_does_not_email_again(
    people, smtp, run_worker, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    item = submit(editor, django_capture_on_commit_callbacks)
    run_worker()
    smtp.messages.clear()

    form = form_as_sent(editor.get(admin_url(PressRelease, "change", item.pk)))
    form["body"] = "The details, with a typo fixed."
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(editor.post(admin_url(PressRelease, "change", item.pk), form))
    run_worker()

    assert smtp.messages == []


def test_a_mail_server_that_is_down_never_stops_a_save(
    people, settings, run_worker, django_capture_on_commit_callbacks, django_user_model
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    _, editor = people["editor"]

    item = submit(editor, django_capture_on_commit_callbacks)
    run_worker()

    assert PressRelease.objects.get(pk=item.pk).status == Status.IN_REVIEW
    [result] = DBTaskResult.objects.all()
    assert result.status == TaskResultStatus.FAILED
    admin = django_user_model.objects.create_superuser("admin", "", "a-long-test-password")
    client = Client()
    client.force_login(admin)
    tasks = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
    rows = [tr.text for tr in Page.of(tasks).find_all("tr") if "email_review" in tr.text]
    assert len(rows) == 1 and "Failed" in rows[0]


# The admin home ------------------------------------------------------------------------


def test_publishers_see_what_waits_for_review_oldest_first(
    people, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    older = CabinetDecisionFactory(title="A decision put in review earlier", status=Status.DRAFT)
    CabinetDecision.objects.filter(pk=older.pk).update(
        status=Status.IN_REVIEW, updated_at=timezone.now() - timedelta(days=2)
    )
    PressReleaseFactory(title="Already live")
    newer = submit(editor, django_capture_on_commit_callbacks, title="Short breaks news")

    page = home(publisher)

    waiting = section(page, "waiting-for-review")
    items = [li.text for li in page.inside(waiting) if li.tag == "li"]
    assert [text.split(" (")[0] for text in items] == [older.title, newer.title]
    assert "(Press release)" in items[1] and "sent by Eddie" in items[1]
    links = [a.attrs["href"] for a in page.inside(waiting) if a.tag == "a"]
    assert links == [
        admin_url(CabinetDecision, "change", older.pk),
        admin_url(PressRelease, "change", newer.pk),
    ]
    for link in links:
        assert publisher.get(link).status_code == 200


def test_editors_are_not_shown_the_publishers_queue(people, django_capture_on_commit_callbacks):
    _, editor = people["editor"]
    submit(editor, django_capture_on_commit_callbacks)

    page = home(editor)

    assert "Waiting for review" not in page.texts("h2")


def test_publishing_takes_an_item_off_the_queue(people, django_capture_on_commit_callbacks):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    item = submit(editor, django_capture_on_commit_callbacks)

    form = form_as_sent(publisher.get(admin_url(PressRelease, "change", item.pk)))
    form["status"] = Status.PUBLISHED
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(publisher.post(admin_url(PressRelease, "change", item.pk), form))

    assert "Waiting for review" not in home(publisher).texts("h2")
    assert not Review.objects.open().exists()


@pytest.mark.parametrize("count", [1, 20])
def test_the_admin_home_queries_stay_flat(
    people, count, django_assert_max_num_queries, django_user_model
):
    editor_user, editor = people["editor"]
    publisher_user, _ = people["pub"]
    both = person(django_user_model, "both", "Publisher")[0]
    both.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(both)
    for n in range(count):
        for factory in (PressReleaseFactory, CabinetDecisionFactory):
            waiting = factory(status=Status.IN_REVIEW)
            Review.submit(waiting, editor_user)
            sent = factory(status=Status.DRAFT)
            Review.send_back(Review.submit(sent, both).item, publisher_user, f"Fix {n}")
            # Changes prepared to a live item, which its editor asked to be published.
            PreparedChange.objects.create(
                item=factory(),
                revision=Revision.objects.create(date_created=timezone.now()),
                prepared_by=editor_user,
                wants_review=True,
            )

    # The same whatever the count: prepared changes add theirs, their items (one query
    # per kind) and, the first time, their content types.
    with django_assert_max_num_queries(28):
        page = home(client)

    waiting = section(page, "waiting-for-review")
    sent_back = section(page, "sent-back-to-me")
    assert len([li for li in page.inside(waiting) if li.tag == "li"]) == 4 * count
    assert waiting.text.count("changes to the live page") == 2 * count
    assert len([li for li in page.inside(sent_back) if li.tag == "li"]) == 2 * count
    assert sent_back.text.count("Sent back by Pat") == 2 * count


# Sending back ---------------------------------------------------------------------------


def test_a_publisher_sends_an_item_back_with_a_comment(
    people, smtp, run_worker, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    item = submit(editor, django_capture_on_commit_callbacks)
    run_worker()
    smtp.messages.clear()

    change = Page.of(publisher.get(admin_url(PressRelease, "change", item.pk)))
    assert admin_url(PressRelease, "send_back", item.pk) in change.hrefs
    form = publisher.get(admin_url(PressRelease, "send_back", item.pk))
    assert form.status_code == 200
    response = send_back(
        publisher, item, "Please say who can get short breaks.", django_capture_on_commit_callbacks
    )

    assert response.status_code == 302
    assert response.url == admin_url(PressRelease, "change", item.pk)
    item.refresh_from_db()
    assert item.status == Status.DRAFT
    shown = Page.of(publisher.get(response.url)).text
    assert "is a draft again and has been sent back to Eddie" in shown
    assert "They will get an email with your comment." in shown

    # The editor is emailed, and sees it on the item and on their admin home.
    run_worker()
    [email] = smtp.messages
    assert email.recipients == ["ed@example.org"]
    assert email["Subject"] == f"Sent back to you: {item.title}"
    assert "Please say who can get short breaks." in email.get_content()
    assert "Pat has sent this press release back to you" in email.get_content()

    on_item = Page.of(editor.get(admin_url(PressRelease, "change", item.pk)))
    [note] = on_item.find_all("div", id="review-sent-back")
    assert "Please say who can get short breaks." in note.text
    assert "Sent back to be changed by Pat" in note.text
    page = home(editor)
    mine = section(page, "sent-back-to-me")
    assert "Please say who can get short breaks." in mine.text
    links = [a.attrs["href"] for a in page.inside(mine) if a.tag == "a"]
    assert links == [admin_url(PressRelease, "change", item.pk)]
    # Publishers no longer see it waiting.
    assert "Waiting for review" not in home(publisher).texts("h2")
    # Only the editor who submitted it is shown it.
    assert "Sent back to me" not in home(people["editor2"][1]).texts("h2")
    # The history says what happened.
    history = editor.get(admin_url(PressRelease, "history", item.pk))
    assert "Please say who can get short breaks." in Page.of(history).text


def test_sending_it_again_clears_sent_back_to_me(
    people, smtp, run_worker, django_capture_on_commit_callbacks
):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    item = submit(editor, django_capture_on_commit_callbacks)
    send_back(publisher, item, "Shorter sentences, please.", django_capture_on_commit_callbacks)
    run_worker()
    smtp.messages.clear()

    form = form_as_sent(editor.get(admin_url(PressRelease, "change", item.pk)))
    form["status"] = Status.IN_REVIEW
    with django_capture_on_commit_callbacks(execute=True):
        assert_saved(editor.post(admin_url(PressRelease, "change", item.pk), form))
    run_worker()

    assert "Sent back to me" not in home(editor).texts("h2")
    assert not Page.of(editor.get(admin_url(PressRelease, "change", item.pk))).find_all(
        "div", id="review-sent-back"
    )
    assert "Waiting for review" in home(publisher).texts("h2")
    assert len(smtp.messages) == 2  # both publishers with an address, asked again


def test_sending_back_needs_a_comment(people, django_capture_on_commit_callbacks):
    _, editor = people["editor"]
    _, publisher = people["pub"]
    item = submit(editor, django_capture_on_commit_callbacks)

    response = send_back(publisher, item, "  ", django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Say what should be changed, so the editor can fix it." in Page.of(response).text
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_an_editor_cannot_send_back(people, django_capture_on_commit_callbacks):
    _, editor = people["editor"]
    _, other_editor = people["editor2"]
    item = submit(editor, django_capture_on_commit_callbacks)

    change = Page.of(other_editor.get(admin_url(PressRelease, "change", item.pk)))
    response = send_back(
        other_editor, item, "I would change it.", django_capture_on_commit_callbacks
    )

    assert admin_url(PressRelease, "send_back", item.pk) not in change.hrefs
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_only_an_item_in_review_can_be_sent_back(people, django_capture_on_commit_callbacks):
    _, publisher = people["pub"]
    item = PressReleaseFactory(title="Live news")

    response = send_back(publisher, item, "Too late.", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert "is not in review now" in Page.of(publisher.get(response.url)).text
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
