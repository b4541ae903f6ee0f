"""The rough edges a new editor met in the admin (issue 23, item 4), one test each,
tried as an Editor or a Publisher would meet them."""

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse

from news.models import CabinetDecision, PressRelease
from progress.models import Deliverable, YouSaidWeDid
from publishing.models import PreviewLink, Status
from tests.factories import (
    EasyReadVersionFactory,
    PressReleaseFactory,
)
from tests.html_page import Page
from tests.test_admin import admin_url

FIRST_TITLE = "Families help shape new short breaks"
SECOND_TITLE = "Short breaks: families shape the new offer"
THIRD_TITLE = "New short breaks for disabled children open in spring"


@pytest.fixture
def media_root(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def colleague_client(db, django_user_model, client):
    """A second Publisher, Bea Brown, signed in on another computer."""
    from django.contrib.auth.models import Group
    from django.test import Client

    user = django_user_model.objects.create_user(
        username="bea", first_name="Bea", last_name="Brown", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Publisher"))
    colleague = Client()
    colleague.force_login(user)
    return colleague


def user_of(client, username):
    return User.objects.get(username=username)


def messages_after(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def status_line(response):
    return next(p.text for p in Page.of(response).find_all("p") if p.text.startswith("Status:"))


def share_preview_title(response):
    [title] = [
        p.text
        for p in Page.of(response).find_all("p")
        if p.attrs.get("class") == "share-preview__title"
    ]
    return title


# No share links on a private preview ------------------------------------------------------


def test_a_private_preview_offers_no_share_links(publisher_client, client):
    item = PressReleaseFactory(status=Status.IN_REVIEW, published_at=None)
    link = PreviewLink.objects.create(item=item)

    page = Page.of(client.get(link.get_absolute_url()))

    assert "Please do not share it" in page.text
    assert "Share this page" not in page.texts("h2")
    assert "Copy link" not in page.text
    assert not [href for href in page.hrefs if "facebook.com" in (href or "")]
    # The same page once published offers them.
    item.status = Status.PUBLISHED
    item.save()
    assert "Share this page" in Page.of(client.get(item.get_absolute_url())).texts("h2")


def test_staff_looking_at_a_draft_are_offered_no_share_links(publisher_client):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    page = Page.of(publisher_client.get(item.get_absolute_url()))

    assert "Draft - not published" in page.texts("h2")
    assert "Share this page" not in page.texts("h2")


# The slug's help text says what really happens --------------------------------------------


@pytest.mark.parametrize("model", [PressRelease, CabinetDecision, Deliverable, YouSaidWeDid])
def test_the_web_address_help_says_old_addresses_take_people_to_the_new_one(editor_client, model):
    page = Page.of(editor_client.get(admin_url(model, "add")))

    [help_text] = [div.text for div in page.find_all("div", id="id_slug_helptext")]
    assert "breaks" not in help_text
    assert "its old address keeps working and takes people to the new one" in help_text


# Old addresses keep the query string ------------------------------------------------------


def test_an_old_address_moves_to_the_new_one_with_its_query_string(client, db):
    item = PressReleaseFactory(slug="old-name")
    old_url = item.get_absolute_url()
    item.slug = "new-name"
    item.save()

    response = client.get(f"{old_url}?utm_source=newsletter&utm_medium=email")

    assert response.status_code == 301
    assert response["Location"] == (
        reverse("news:detail", args=["new-name"]) + "?utm_source=newsletter&utm_medium=email"
    )


def test_an_old_easy_read_address_moves_with_its_query_string(client, db):
    press_release = PressReleaseFactory(slug="old-name")
    EasyReadVersionFactory(page=press_release)
    press_release.slug = "new-name"
    press_release.save()

    response = client.get(
        reverse("easyread:press-release", kwargs={"slug": "old-name"}) + "?utm_source=x"
    )

    assert response.status_code == 301
    assert response["Location"] == (
        reverse("easyread:press-release", kwargs={"slug": "new-name"}) + "?utm_source=x"
    )
