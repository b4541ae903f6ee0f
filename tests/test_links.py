"""Shared links keep working: 301 after a rename, 410 Gone when an item is withdrawn."""

import pytest
from django.urls import reverse

from news.models import PressRelease
from publishing.models import SlugRecord, Status
from tests.factories import (
    CabinetDecisionFactory,
    EasyReadVersionFactory,
    PressReleaseFactory,
    ProgressUpdateFactory,
)
from tests.test_admin import admin_url, assert_saved, form_as_sent

FACTORIES = [PressReleaseFactory, CabinetDecisionFactory]


def rename(item, slug):
    item.slug = slug
    item.save()


@pytest.mark.parametrize("factory", FACTORIES)
def test_old_addresses_answer_301_to_the_current_one_after_two_renames(client, db, factory):
    item = factory(slug="first-name")
    first_url = item.get_absolute_url()
    rename(item, "second-name")
    second_url = item.get_absolute_url()
    rename(item, "third-name")

    for old_url in (first_url, second_url):
        response = client.get(old_url)
        assert response.status_code == 301
        assert response["Location"] == item.get_absolute_url()  # straight there, no chain
    assert client.get(item.get_absolute_url()).status_code == 200


def test_a_rename_in_the_admin_keeps_the_old_link_working(publisher_client, client, real_content):
    item = PressRelease.objects.get()
    old_url = item.get_absolute_url()
    data = form_as_sent(publisher_client.get(admin_url(PressRelease, "change", item.pk)))
    data["slug"] = "cabinet-agrees-send-strategy"

    assert_saved(publisher_client.post(admin_url(PressRelease, "change", item.pk), data))

    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == reverse("news:detail", args=["cabinet-agrees-send-strategy"])


@pytest.mark.parametrize("factory", FACTORIES)
def test_an_unpublished_item_answers_410_gone_with_a_friendly_page(client, db, factory):
    item = factory()
    url = item.get_absolute_url()
    item.status = Status.DRAFT
    item.save()

    response = client.get(url)

    assert response.status_code == 410
    assert "This page has been removed" in response.content.decode()


@pytest.mark.parametrize("factory", FACTORIES)
def test_a_deleted_item_answers_410_gone(client, db, factory):
    item = factory()
    url = item.get_absolute_url()
    item.delete()

    assert client.get(url).status_code == 410


def test_deleting_the_real_press_release_in_the_admin_leaves_410(
    publisher_client, client, real_content
):
    item = PressRelease.objects.get()
    url = item.get_absolute_url()

    response = publisher_client.post(admin_url(PressRelease, "delete", item.pk), {"post": "yes"})

    assert response.status_code == 302
    assert client.get(url).status_code == 410


def test_an_old_address_of_a_withdrawn_item_is_gone_not_redirected(client, db):
    item = PressReleaseFactory(slug="old-name")
    rename(item, "new-name")
    item.status = Status.DRAFT
    item.save()

    assert client.get(reverse("news:detail", args=["old-name"])).status_code == 410
    assert client.get(reverse("news:detail", args=["new-name"])).status_code == 410


def test_a_draft_that_was_never_public_is_simply_not_found(client, db):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    rename(item, "renamed-draft")

    assert client.get(item.get_absolute_url()).status_code == 404
    assert client.get(reverse("news:detail", args=["never-existed"])).status_code == 404


def test_deleting_several_items_at_once_in_the_admin_leaves_410(publisher_client, client, db):
    items = PressReleaseFactory.create_batch(2)
    urls = [item.get_absolute_url() for item in items]

    response = publisher_client.post(
        admin_url(PressRelease, "changelist"),
        {"action": "delete_selected", "_selected_action": [i.pk for i in items], "post": "yes"},
    )

    assert response.status_code == 302
    assert not PressRelease.objects.exists()
    assert [client.get(url).status_code for url in urls] == [410, 410]


def test_an_address_the_site_uses_itself_cannot_be_taken(db):
    from django.core.exceptions import ValidationError

    item = PressReleaseFactory.build(slug="feed")
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert "is used by the site itself" in str(refused.value)

    made = PressReleaseFactory(title="Feed", slug="")
    assert made.slug == "feed-2"


@pytest.mark.parametrize("factory", [ProgressUpdateFactory, EasyReadVersionFactory])
def test_an_item_shown_at_another_pages_address_keeps_no_address_of_its_own(db, factory):
    # A progress update is shown on its deliverable's page, an Easy Read version at its
    # standard page's address plus "easy-read/": their links live and die with that page.
    item = factory(title="First title")
    item.title = "Second title"
    item.save()
    item.delete()

    assert not SlugRecord.objects.for_model(type(item)).exists()
