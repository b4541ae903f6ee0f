"""Email alerts in the admin, as the comms team and a data protection officer use it:
how many emails each alert sent, the switch that pauses sending, a publisher's preview
of an alert, and an address's data for a data request.

Emails go through a real SMTP server (the `smtp` fixture) and the tasks through the
real database queue (`run_worker`, from tests/test_alert_sending.py)."""

import json
import re
from datetime import timedelta

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alerts.changes import announce
from alerts.digests import make_digest
from alerts.models import Change, Delivery, Frequency, Sending, Subscriber, What
from publishing import content
from publishing.models import Status
from tests.factories import (
    CabinetDecisionFactory,
    DeliverableFactory,
    PressReleaseFactory,
    ProgressUpdateFactory,
    YouSaidWeDidFactory,
)
from tests.html_page import Page
from tests.test_admin import admin_url
from tests.test_alert_sending import subscribe

PUBLISHER_EMAIL = "publisher@example.org"
Sent = Delivery.Status


def announced(item):
    """The item's alert, announced now (as its task would), its emails queued."""
    change = Change.objects.get(object_id=item.pk, content_type__model=item._meta.model_name)
    assert announce(change.pk)
    change.refresh_from_db()
    return change


def with_emails(change, sent=0, failed=0, queued=0):
    """Give the change's emails these states (its subscribers must be enough)."""
    deliveries = list(change.deliveries.order_by("pk"))
    states = [Sent.SENT] * sent + [Sent.FAILED] * failed + [Sent.QUEUED] * queued
    assert len(deliveries) >= len(states)
    for delivery, state in zip(deliveries, states, strict=False):
        delivery.status = state
        delivery.save()


def subscribers(count, what=What.NEWS):
    for n in range(count):
        subscribe(f"person{n}@example.org", (what, Frequency.IMMEDIATELY))


def rows(response):
    """Each table row, as the words of its cells."""
    page = Page.of(response)
    return [
        [cell.text for cell in page.inside(row) if cell.tag in ("th", "td")]
        for row in page.find_all("tr")
    ]


def row_of(response, words):
    """The cells of the one table row that holds these words."""
    found = [row for row in rows(response) if words in row]
    assert len(found) == 1, found
    return found[0]


def person(django_user_model, username):
    return django_user_model.objects.get(username=username)


def grant(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))


# Each alert, with its emails counted ---------------------------------------------------


@pytest.mark.parametrize("role_client", ["editor_client", "publisher_client"])
def test_editors_and_publishers_see_each_alert_with_its_emails_counted_and_no_address(
    request, db, role_client
):
    staff = request.getfixturevalue(role_client)
    subscribers(4)
    change = announced(PressReleaseFactory(title="Short breaks for families"))
    with_emails(change, sent=2, failed=1, queued=1)
    PressReleaseFactory(title="Coming in spring", published_at=timezone.now() + timedelta(days=3))

    response = staff.get(admin_url(Change, "changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    row = row_of(response, "Short breaks for families")
    assert "Press release: published" in row
    assert row[-3:] == ["1", "2", "1"]  # waiting, sent, failed
    waiting = row_of(response, "Coming in spring")
    assert "Waiting for its moment" in waiting and waiting[-3:] == ["0", "0", "0"]
    assert rows(response).index(waiting) < rows(response).index(row), "newest first"
    assert "@example.org" not in page

    detail = staff.get(admin_url(Change, "change", change.pk))
    assert detail.status_code == 200
    text = Page.of(detail).text
    assert "Short breaks for families" in text and "@example.org" not in text
    assert staff.post(admin_url(Change, "delete", change.pk)).status_code == 403
    assert Change.objects.filter(pk=change.pk).exists()


def test_an_update_says_so_with_its_change_note(db, publisher_client):
    from publishing.models import ChangeNote

    subscribers(1)
    release = PressReleaseFactory(title="Short breaks")
    announced(release)
    note = ChangeNote.objects.create(item=release, note="Added the drop-in dates")
    update = Change.objects.get(change_note=note)
    announce(update.pk)

    response = publisher_client.get(admin_url(Change, "changelist"))
    assert "Press release: updated (a public change note)" in Page.of(response).text
    detail = publisher_client.get(admin_url(Change, "change", update.pk))
    assert "Added the drop-in dates" in Page.of(detail).text


@pytest.mark.parametrize("count", [1, 30])
def test_the_alerts_list_costs_the_same_queries_however_many(
    db, publisher_client, django_assert_max_num_queries, count
):
    subscribers(2)
    for n in range(count):
        announced(PressReleaseFactory(title=f"Release {n}"))
        PressReleaseFactory(title=f"Later {n}", published_at=timezone.now() + timedelta(days=1))
    with django_assert_max_num_queries(11):
        response = publisher_client.get(admin_url(Change, "changelist"))
    assert f"Release {count - 1}" in response.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_summaries_list_costs_the_same_queries_however_many(
    db, publisher_client, django_assert_max_num_queries, count
):
    from alerts.models import Digest

    now = timezone.now()
    for n in range(count):
        Digest.objects.create(
            frequency=Frequency.DAILY,
            period_start=now - timedelta(days=n + 1),
            period_end=now - timedelta(days=n),
        )
    with django_assert_max_num_queries(10):
        response = publisher_client.get(admin_url(Digest, "changelist"))
    assert response.status_code == 200


def test_a_summary_shows_how_many_emails_it_made_and_no_address(db, editor_client):
    from alerts.models import Digest

    for n in range(3):
        subscribe(f"daily{n}@example.org", (What.NEWS, Frequency.DAILY))
    monday = timezone.make_aware(timezone.datetime(2026, 11, 30, 10, 0))
    PressReleaseFactory(published_at=monday)
    announce(Change.objects.get().pk, now=monday)
    digest, emails = make_digest(Frequency.DAILY, now=monday + timedelta(days=1))
    assert emails == 3
    Delivery.objects.filter(digest=digest).update(status=Sent.SENT)

    response = editor_client.get(admin_url(Digest, "changelist"))

    assert row_of(response, "Daily")[-3:] == ["0", "3", "0"]
    assert "@example.org" not in response.content.decode()


# The switch that pauses sending --------------------------------------------------------


def test_a_publisher_pauses_sending_and_every_alerts_page_says_so(
    db, publisher_client, editor_client, django_user_model
):
    switch = publisher_client.get(admin_url(Sending, "changelist"), follow=True)
    assert switch.status_code == 200
    text = Page.of(switch).text
    assert "Tick to stop every alert email and summary going out" in text
    assert "nothing is lost" in text and "Only publishers can change it" in text

    response = publisher_client.post(admin_url(Sending, "change", 1), {"paused": "on"}, follow=True)

    assert response.status_code == 200
    assert Sending.is_paused()
    assert Sending.objects.get().changed_by == person(django_user_model, "publisher")
    for url in [
        reverse("admin:index"),
        reverse("admin:app_list", args=["alerts"]),
        admin_url(Change, "changelist"),
        reverse("admin:alerts_subscription_changelist"),
        admin_url(Sending, "change", 1),
    ]:
        page = editor_client.get(url)
        assert page.status_code == 200, url
        assert "Alert emails are paused" in Page.of(page).text, url


def test_while_sending_runs_no_banner_is_shown(db, editor_client):
    Sending.objects.create(pk=1, paused=False)
    for url in [reverse("admin:index"), admin_url(Change, "changelist")]:
        assert "Alert emails are paused" not in Page.of(editor_client.get(url)).text


def test_an_editor_sees_the_switch_but_cannot_change_it(db, editor_client):
    page = editor_client.get(admin_url(Sending, "change", 1))
    assert page.status_code == 200
    assert not Page.of(page).find_all("input", name="paused")

    response = editor_client.post(admin_url(Sending, "change", 1), {"paused": "on"})

    assert response.status_code == 403
    assert not Sending.is_paused()


def test_staff_without_a_role_cannot_see_the_switch(db, django_user_model):
    user = django_user_model.objects.create_user("someone", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(admin_url(Sending, "change", 1)).status_code == 403
    assert client.get(admin_url(Change, "changelist")).status_code == 403


def test_switching_sending_back_on_sends_what_waited_without_waiting_for_cron(
    db,
    smtp,
    publisher_client,
    run_worker,
    django_capture_on_commit_callbacks,
):
    subscribers(3)
    Sending.objects.create(pk=1, paused=True)
    with django_capture_on_commit_callbacks(execute=True):
        PressReleaseFactory(title="Held back")
    run_worker()
    assert smtp.messages == []

    with django_capture_on_commit_callbacks(execute=True):
        response = publisher_client.post(admin_url(Sending, "change", 1), {}, follow=True)
    assert "Alert emails are being sent" in Page.of(response).text
    run_worker()

    assert sorted(m.recipients[0] for m in smtp.messages) == [
        f"person{n}@example.org" for n in range(3)
    ]


# A publisher's preview of an alert -----------------------------------------------------

ALERT_KINDS = [
    PressReleaseFactory,
    CabinetDecisionFactory,
    ProgressUpdateFactory,
    YouSaidWeDidFactory,
]


def test_every_kind_that_sends_alerts_is_tried_here():
    models = {kind.model for kind in content.kinds() if kind.alert_list}
    assert models == {factory._meta.get_model_class() for factory in ALERT_KINDS}


@pytest.fixture
def publisher(publisher_client, django_user_model):
    user = person(django_user_model, "publisher")
    user.email = PUBLISHER_EMAIL
    user.save()
    return publisher_client


def preview_url(item):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(item)
    return reverse("admin:alerts_change_preview", args=[content_type.pk, item.pk])


@pytest.mark.parametrize("factory", ALERT_KINDS)
def test_a_publisher_can_email_themselves_the_alert_from_any_kind_that_sends_one(
    db, smtp, publisher, factory
):
    subscribers(2, What.EVERYTHING)
    item = factory(status=Status.DRAFT, published_at=None)
    changes = Change.objects.count()

    form = publisher.get(admin_url(type(item), "change", item.pk))
    [link] = [a for a in Page.of(form).find_all("a") if a.text == "Email me a preview of the alert"]
    page = publisher.get(link.attrs["href"])
    assert page.status_code == 200
    assert PUBLISHER_EMAIL in Page.of(page).text

    response = publisher.post(link.attrs["href"], follow=True)

    assert f"A preview of the alert has been sent to {PUBLISHER_EMAIL}" in Page.of(response).text
    [message] = smtp.messages
    assert message.recipients == [PUBLISHER_EMAIL]
    assert message["Subject"] == f"[Preview] New: {item.title}"
    text = message.get_body(("plain",)).get_content()
    assert item.title in text and "Why you got this email" in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert Change.objects.count() == changes and not Delivery.objects.exists()


def test_the_preview_is_the_item_as_saved_now_and_its_links_open_no_ones_alerts(
    client, db, smtp, publisher
):
    subscribe(PUBLISHER_EMAIL, (What.NEWS, Frequency.IMMEDIATELY))
    release = PressReleaseFactory(title="First title", status=Status.DRAFT, published_at=None)
    release.title = "Short breaks: new dates"
    release.save()

    publisher.post(preview_url(release))

    [message] = smtp.messages
    assert message["Subject"] == "[Preview] New: Short breaks: new dates"
    text = message.get_body(("plain",)).get_content()
    assert "you asked Meeting Needs Together for emails about News" in text
    manage_link = re.search(r"https?://\S+/alerts/manage/\S+", text).group(0)
    assert client.get(manage_link.split("testserver", 1)[-1]).status_code == 404


def test_the_preview_matches_the_alert_subscribers_get(
    db,
    smtp,
    publisher,
    run_worker,
    django_capture_on_commit_callbacks,
):
    subscribe("parent@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    release = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    publisher.post(preview_url(release))
    with django_capture_on_commit_callbacks(execute=True):
        release.status = Status.PUBLISHED
        release.published_at = timezone.now()
        release.save()
    run_worker()

    preview, real = smtp.to(PUBLISHER_EMAIL)[0], smtp.to("parent@example.org")[0]
    assert preview["Subject"] == "[Preview] " + real["Subject"]

    def words(message):
        text = message.get_body(("plain",)).get_content()
        return re.sub(r"https?://\S+/(manage|unsubscribe)/\S+", "LINK", text)

    assert words(preview) == words(real)


def test_staff_who_may_not_publish_get_no_preview(db, smtp, editor_client):
    release = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    form = editor_client.get(admin_url(type(release), "change", release.pk))

    assert "Email me a preview of the alert" not in Page.of(form).text
    assert editor_client.get(preview_url(release)).status_code == 403
    assert editor_client.post(preview_url(release)).status_code == 403
    assert smtp.messages == []


def test_a_publisher_with_no_email_address_is_told_so(db, smtp, publisher_client):
    release = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    page = publisher_client.get(preview_url(release))
    publisher_client.post(preview_url(release))

    assert page.status_code == 200
    assert "Your account has no email address" in Page.of(page).text
    assert release.title in Page.of(page).text  # the words can still be read
    assert smtp.messages == []


def test_a_kind_that_sends_no_alerts_offers_no_preview(db, publisher):
    deliverable = DeliverableFactory()
    form = publisher.get(admin_url(type(deliverable), "change", deliverable.pk))
    assert form.status_code == 200
    assert "Email me a preview of the alert" not in Page.of(form).text
    assert publisher.get(preview_url(deliverable)).status_code == 404


def test_a_preview_of_something_missing_is_not_found(db, publisher):
    release = PressReleaseFactory()
    url = preview_url(release)
    release.delete()
    assert publisher.get(url).status_code == 404


def test_a_preview_the_mail_server_refuses_says_so(db, smtp, publisher):
    smtp.refuse(PUBLISHER_EMAIL)
    release = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    response = publisher.post(preview_url(release), follow=True)
    assert response.status_code == 200
    assert "The preview could not be sent" in Page.of(response).text


# Data requests -------------------------------------------------------------------------


@pytest.fixture
def officer(db, django_user_model):
    """Someone an administrator allowed to see addresses and delete them."""
    user = django_user_model.objects.create_user("officer", is_staff=True)
    grant(user, "view_subscriber_address", "delete_subscriber")
    client = Client()
    client.force_login(user)
    return client


def test_an_address_is_found_with_its_lists_and_how_many_emails_it_was_sent(db, officer):
    subscribe(
        "parent@example.org", (What.NEWS, Frequency.IMMEDIATELY), (What.DECISIONS, Frequency.WEEKLY)
    )
    subscribe("other@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    change = announced(PressReleaseFactory(title="Short breaks"))
    Delivery.objects.filter(change=change).update(status=Sent.SENT, sent_at=timezone.now())

    found = officer.get(admin_url(Subscriber, "changelist"), {"q": "PARENT@example"})

    assert "parent@example.org" in Page.of(found).text
    assert "other@example.org" not in Page.of(found).text
    subscriber = Subscriber.objects.get(email="parent@example.org")
    page = Page.of(officer.get(admin_url(Subscriber, "change", subscriber.pk)))
    assert "Decisions" in page.text and "Once a week, a summary" in page.text
    assert re.search(r"Emails sent to it:? 1\b", page.text), page.text
    assert admin_url(Subscriber, "data", subscriber.pk) in page.hrefs


@pytest.mark.parametrize("count", [1, 30])
def test_the_addresses_list_costs_the_same_queries_however_many(
    db, officer, django_assert_max_num_queries, count
):
    for n in range(count):
        subscribe(f"person{n}@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    with django_assert_max_num_queries(8):
        response = officer.get(admin_url(Subscriber, "changelist"))
    assert f"person{count - 1}@example.org" in Page.of(response).text


def test_an_address_s_data_downloads_with_its_lists_and_emails(db, officer, django_user_model):
    subscriber = subscribe("parent@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    change = announced(PressReleaseFactory(title="Short breaks"))
    Delivery.objects.filter(change=change).update(status=Sent.SENT, sent_at=timezone.now())

    response = officer.get(admin_url(Subscriber, "data", subscriber.pk))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["email_address"] == "parent@example.org"
    assert data["confirmed_at"]
    assert data["lists"] == [
        {
            "about": "News",
            "how_often": "As it happens",
            "asked_for_at": data["lists"][0]["asked_for_at"],
            "confirmed_at": data["lists"][0]["confirmed_at"],
        }
    ]
    [email] = data["emails"]
    assert email["about"] == "New: Short breaks" and email["state"] == "Sent" and email["sent_at"]
    [entry] = LogEntry.objects.all()
    assert "parent@example.org" not in entry.object_repr


@pytest.mark.parametrize("role_client", ["editor_client", "publisher_client"])
def test_editors_and_publishers_cannot_download_or_delete_an_address(request, db, role_client):
    staff = request.getfixturevalue(role_client)
    subscriber = subscribe("parent@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    assert staff.get(admin_url(Subscriber, "data", subscriber.pk)).status_code == 403
    assert (
        staff.post(admin_url(Subscriber, "delete", subscriber.pk), {"post": "yes"}).status_code
        == 403
    )
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_deleting_an_address_stops_everything_and_leaves_no_trace_of_it(
    db,
    smtp,
    officer,
    run_worker,
    django_capture_on_commit_callbacks,
):
    subscriber = subscribe("parent@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    subscribe("other@example.org", (What.NEWS, Frequency.IMMEDIATELY))
    Sending.objects.create(pk=1, paused=True)
    with django_capture_on_commit_callbacks(execute=True):
        PressReleaseFactory()
    run_worker()  # its email waits while sending is paused

    confirm = officer.get(admin_url(Subscriber, "delete", subscriber.pk))
    assert confirm.status_code == 200
    response = officer.post(admin_url(Subscriber, "delete", subscriber.pk), {"post": "yes"})
    assert response.status_code == 302

    assert not Subscriber.objects.filter(email="parent@example.org").exists()
    Sending.objects.filter(pk=1).update(paused=False)
    with django_capture_on_commit_callbacks(execute=True):
        from alerts.changes import catch_up

        catch_up()
    run_worker()
    assert [m.recipients for m in smtp.messages] == [["other@example.org"]]
    assert not LogEntry.objects.filter(object_repr__contains="@").exists()
    assert not LogEntry.objects.filter(change_message__contains="@").exists()


# The admin home ------------------------------------------------------------------------


def test_the_admin_home_names_the_alerts_pages_plainly(db, publisher_client):
    page = Page.of(publisher_client.get(reverse("admin:index")))
    for name in [
        "Email alerts sent",
        "Daily and weekly summaries sent",
        "People per list",
        "Sending switch",
    ]:
        assert name in page.texts("a"), name
    assert "Subscriber addresses" not in page.texts("a")
