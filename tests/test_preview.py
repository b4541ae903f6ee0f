"""Seeing a draft before it is published: staff preview and private preview links."""

from datetime import timedelta

import time_machine
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from news.models import PressRelease
from publishing.models import PreviewLink, Status
from tests.factories import PressReleaseFactory
from tests.html_page import Page
from tests.test_admin import admin_url


def preview_links_url(item):
    return admin_url(PressRelease, "preview_links", item.pk)


def test_the_change_form_offers_a_preview_of_a_draft(publisher_client):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    page = Page.of(publisher_client.get(admin_url(PressRelease, "change", item.pk)))

    assert item.get_absolute_url() in page.hrefs
    assert preview_links_url(item) in page.hrefs


def test_staff_preview_shows_the_page_with_a_draft_banner_and_the_public_gets_404(
    publisher_client, client
):
    item = PressReleaseFactory(title="Not yet", status=Status.DRAFT, published_at=None)

    preview = publisher_client.get(item.get_absolute_url())

    assert preview.status_code == 200
    assert "Draft - not published" in Page.of(preview).texts("h2")
    assert client.get(item.get_absolute_url()).status_code == 404


def test_a_publisher_makes_a_preview_link_for_someone_without_an_account(publisher_client, client):
    item = PressReleaseFactory(title="For sign-off", status=Status.IN_REVIEW, published_at=None)

    response = publisher_client.post(preview_links_url(item), {"days": "3"})

    assert response.status_code == 302
    link = PreviewLink.objects.get()
    assert LogEntry.objects.filter(
        object_id=str(item.pk), change_message__startswith="Made a preview link"
    ).exists()
    assert len(link.token) >= 40  # 256 bits from secrets: unguessable
    assert link.expires_at - timezone.now() > timedelta(days=2, hours=23)
    assert link.token in publisher_client.get(preview_links_url(item)).content.decode()

    page = client.get(reverse("preview", args=[link.token]))
    assert page.status_code == 200
    assert "For sign-off" in Page.of(page).texts("h1")
    assert "This is a private preview" in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page["Cache-Control"]
    assert page["Referrer-Policy"] == "no-referrer"


def test_a_preview_link_stops_working_when_it_expires(client, db):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    link = PreviewLink.objects.create(item=item, expires_at=timezone.now() + timedelta(days=1))
    url = reverse("preview", args=[link.token])

    assert client.get(url).status_code == 200
    with time_machine.travel(link.expires_at + timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 404


def test_a_publisher_revokes_a_preview_link(publisher_client, client):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    link = PreviewLink.objects.create(item=item)

    publisher_client.post(preview_links_url(item), {"revoke": link.pk})

    assert client.get(reverse("preview", args=[link.token])).status_code == 404


def test_a_guessed_or_mangled_token_finds_nothing(client, db):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    link = PreviewLink.objects.create(item=item)

    assert client.get(reverse("preview", args=[link.token + "x"])).status_code == 404
    assert client.get(reverse("preview", args=["guess"])).status_code == 404


def test_an_editor_cannot_make_preview_links(editor_client):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    response = editor_client.post(preview_links_url(item), {"days": "7"})

    assert response.status_code == 403
    assert not PreviewLink.objects.exists()


def test_the_public_cannot_reach_the_preview_link_page(client, db):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    response = client.post(preview_links_url(item), {"days": "7"})

    assert response.status_code == 302  # to the login page
    assert not PreviewLink.objects.exists()
