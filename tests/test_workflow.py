"""Draft, In review, Published: two roles, scheduling and public change notes."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from news.models import CabinetDecision, PressRelease
from publishing.models import ChangeNote, Status
from tests.factories import CabinetDecisionFactory, PressReleaseFactory, PriorityFactory
from tests.html_page import Page
from tests.test_admin import admin_url, assert_saved, form_as_sent, management_form

ONLY_PUBLISHERS = "Only a publisher can publish."


def new_press_release(**fields):
    return {
        "title": "Short breaks for disabled children",
        "slug": "short-breaks-for-disabled-children",
        "standfirst": "A new short breaks offer.",
        "body": "The details.",
        "status": Status.DRAFT,
        **management_form("quotes", 0),
        **fields,
    }


# Roles ---------------------------------------------------------------------------------


def test_an_editor_can_write_a_draft_and_submit_it_for_review(editor_client):
    response = editor_client.post(
        admin_url(PressRelease, "add"), new_press_release(status=Status.IN_REVIEW)
    )

    assert_saved(response)
    item = PressRelease.objects.get()
    assert item.status == Status.IN_REVIEW
    assert item not in PressRelease.objects.published()


def test_an_editor_is_not_offered_publish(editor_client):
    response = editor_client.get(admin_url(PressRelease, "add"))

    options = [option.attrs["value"] for option in Page.of(response).find_all("option")]
    assert Status.IN_REVIEW in options
    assert Status.PUBLISHED not in options


@pytest.mark.parametrize("model", [PressRelease, CabinetDecision])
def test_an_editor_cannot_publish_however_the_request_is_crafted(editor_client, model):
    data = {
        PressRelease: new_press_release(status=Status.PUBLISHED),
        CabinetDecision: {
            "title": "A decision",
            "slug": "a-decision",
            "meeting_body": "Cabinet",
            "meeting_date": "2026-01-13",
            "status": Status.PUBLISHED,
            "published_at_0": "01/01/2026",
            "published_at_1": "09:00:00",
            **management_form("points", 0),
        },
    }[model]

    response = editor_client.post(admin_url(model, "add"), data)

    assert response.status_code == 200
    assert ONLY_PUBLISHERS in response.content.decode()
    assert not model.objects.exists()


def test_an_editor_cannot_change_a_published_item(editor_client):
    """What an editor saves on a live item is kept aside for a publisher (prepared
    changes, tests/test_prepared_changes.py): the item and its page stay as they are."""
    item = PressReleaseFactory(title="Live news")

    page = editor_client.get(admin_url(PressRelease, "change", item.pk))
    sent = editor_client.post(
        admin_url(PressRelease, "change", item.pk), new_press_release(title="Defaced")
    )

    assert page.status_code == 200
    assert "You are changing a live page" in page.content.decode()
    assert sent.status_code in (200, 302)  # kept aside, or refused as incomplete
    item.refresh_from_db()
    assert item.title == "Live news"
    assert item.is_published
    assert "Defaced" not in Client().get(item.get_absolute_url()).content.decode()


def test_an_editor_cannot_unpublish_or_delete_a_published_item(editor_client):
    item = PressReleaseFactory()

    response = editor_client.post(admin_url(PressRelease, "delete", item.pk), {"post": "yes"})

    assert response.status_code == 403
    assert PressRelease.objects.published().filter(pk=item.pk).exists()


def test_an_editor_cannot_set_the_publication_date(editor_client):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    data = form_as_sent(editor_client.get(admin_url(PressRelease, "change", item.pk)))
    data.update({"published_at_0": "01/01/2020", "published_at_1": "09:00:00"})

    assert_saved(editor_client.post(admin_url(PressRelease, "change", item.pk), data))

    item.refresh_from_db()
    assert item.published_at is None


def test_a_publisher_signs_off_an_item_in_review(publisher_client, client):
    item = PressReleaseFactory(status=Status.IN_REVIEW, published_at=None)
    data = form_as_sent(publisher_client.get(admin_url(PressRelease, "change", item.pk)))
    data["status"] = Status.PUBLISHED

    assert_saved(publisher_client.post(admin_url(PressRelease, "change", item.pk), data))

    assert client.get(item.get_absolute_url()).status_code == 200
    assert LogEntry.objects.filter(object_id=str(item.pk)).exists()


def test_the_admin_list_shows_each_items_state(publisher_client):
    PressReleaseFactory(title="In review item", status=Status.IN_REVIEW)
    PressReleaseFactory(title="Scheduled item", published_at=timezone.now() + timedelta(days=3))

    text = Page.of(publisher_client.get(admin_url(PressRelease, "changelist"))).text

    assert "In review" in text
    assert "Scheduled for" in text
    assert "(UK time)" in text


def test_roles_are_groups_an_administrator_can_assign(db):
    from django.contrib.auth.models import Group

    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    publisher = set(
        Group.objects.get(name="Publisher").permissions.values_list("codename", flat=True)
    )

    assert {"add_pressrelease", "change_pressrelease"} <= editor
    assert not {"publish_pressrelease", "publish_cabinetdecision"} & editor
    assert {"publish_pressrelease", "publish_cabinetdecision", "add_previewlink"} <= publisher


# Scheduling --------------------------------------------------------------------------


@pytest.mark.parametrize("factory", [PressReleaseFactory, CabinetDecisionFactory])
def test_a_scheduled_item_appears_at_its_moment_and_not_a_second_before(client, db, factory):
    moment = timezone.now() + timedelta(days=2)
    priority = PriorityFactory()
    item = factory(title="Scheduled news", published_at=moment, priorities=[priority])
    pages = [
        item.get_absolute_url(),
        reverse("home"),
        reverse("news:index" if factory is PressReleaseFactory else "decisions:index"),
        priority.get_absolute_url(),
    ]

    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert client.get(pages[0]).status_code == 404
        for url in pages[2:]:
            assert "Scheduled news" not in client.get(url).content.decode()

    with time_machine.travel(moment + timedelta(seconds=1), tick=False):
        assert client.get(pages[0]).status_code == 200
        for url in pages[2:]:
            assert "Scheduled news" in client.get(url).content.decode()


def test_a_publisher_schedules_in_uk_time(publisher_client):
    data = new_press_release(
        status=Status.PUBLISHED, published_at_0="01/07/2030", published_at_1="09:30:00"
    )

    assert_saved(publisher_client.post(admin_url(PressRelease, "add"), data))

    item = PressRelease.objects.get()
    assert timezone.localtime(item.published_at).strftime("%H:%M %Z") == "09:30 BST"
    assert item.state_label == "Scheduled for 1 Jul 2030 at 09:30 (UK time)"


# Change notes ----------------------------------------------------------------------


def test_a_publisher_adds_a_public_change_note(publisher_client, client):
    item = PressReleaseFactory(published_at=timezone.now() - timedelta(days=30))
    data = form_as_sent(publisher_client.get(admin_url(PressRelease, "change", item.pk)))
    data.update({"body": "Now with the list of partners.", "change_note": "Added partners"})

    assert_saved(publisher_client.post(admin_url(PressRelease, "change", item.pk), data))

    page = Page.of(client.get(item.get_absolute_url()))
    today = timezone.localdate().strftime("%-d %B %Y")
    assert f"last updated {today}" in page.text
    assert "See all updates" in page.texts("summary")
    assert "Added partners" in page.text


def test_a_minor_fix_needs_no_note(publisher_client, client):
    item = PressReleaseFactory()
    data = form_as_sent(publisher_client.get(admin_url(PressRelease, "change", item.pk)))
    data["body"] = "Fixed a typo."

    assert_saved(publisher_client.post(admin_url(PressRelease, "change", item.pk), data))

    assert not ChangeNote.objects.exists()
    assert "last updated" not in client.get(item.get_absolute_url()).content.decode()


def test_editors_are_not_offered_change_notes(editor_client):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    response = editor_client.get(admin_url(PressRelease, "change", item.pk))

    assert 'name="change_note"' not in response.content.decode()
