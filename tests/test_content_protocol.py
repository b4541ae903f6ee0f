"""The content protocol (publishing/content.py): a kind of content written as one app
appears everywhere the shared apps show content, with no edit anywhere else.

`tests.noticeboard` (installed by tests/settings.py only) is such an app: a Notice
model with its migration, templates, URLs and content.py. A published notice is found
by search, listed in the sitemap and the all-updates feed, has a link-preview card and
structured data on its page; a draft appears in none of them."""

import json
from datetime import datetime

import pytest
from django.core.management import call_command
from django.template.loader import get_template
from django.urls import NoReverseMatch, resolve, reverse
from django.utils.safestring import SafeString

from publishing import content
from publishing.models import Status
from tests.factories import (
    CabinetDecisionFactory,
    EasyReadVersionFactory,
    PressReleaseFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    YouSaidWeDidFactory,
)
from tests.html_page import Page
from tests.noticeboard.factories import NoticeFactory
from tests.noticeboard.models import Notice

FEEDS = ["feed", "feed-atom"]


@pytest.fixture
def notice(db):
    return NoticeFactory(title="Parents' evening about zephyrine transport")


@pytest.fixture
def draft(db):
    return NoticeFactory(title="Draft about zephyrine transport", status=Status.DRAFT)


def card_address(page):
    [image] = page.find_all("meta", property="og:image")
    return image.attrs["content"]


def structured_data(page):
    [script] = page.find_all("script", type="application/ld+json")
    return json.loads(script.text)


def test_a_published_notice_has_its_own_page(client, notice):
    response = client.get(notice.get_absolute_url())
    assert response.status_code == 200
    assert Page.of(response).find_all("h1")[0].text == notice.title


def test_a_published_notice_is_found_by_search(client, notice):
    response = client.get(reverse("search"), {"q": "zephyrine"})
    links = [a.attrs["href"] for a in Page.of(response).find_all("a")]
    assert notice.get_absolute_url() in links
    assert "1 result for" in Page.of(response).text


def test_a_published_notice_is_in_the_sitemap(client, notice):
    response = client.get(reverse("sitemap"))
    assert notice.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize("feed", FEEDS)
def test_a_published_notice_is_in_the_all_updates_feed(client, notice, feed):
    response = client.get(reverse(feed))
    text = response.content.decode()
    assert response.status_code == 200
    assert notice.title.replace("'", "&#x27;") in text or notice.title in text
    assert notice.get_absolute_url() in text
    assert "<strong>transport</strong>" in text.replace("&lt;", "<").replace("&gt;", ">")


def test_a_published_notice_has_a_link_preview_card(client, notice, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = Page.of(client.get(notice.get_absolute_url()))
    address = card_address(page).removeprefix(settings.SITE_URL)
    assert address.startswith(
        reverse("social-card", kwargs={"kind": "notice", "slug": notice.slug})
    )
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_a_published_notice_has_structured_data(client, notice):
    page = Page.of(client.get(notice.get_absolute_url()))
    data = structured_data(page)
    assert data["@type"] == "Article"
    assert data["headline"] == notice.title
    assert data["description"] == notice.summary
    assert data["datePublished"]
    [og_type] = page.find_all("meta", property="og:type")
    assert og_type.attrs["content"] == "article"


def test_a_draft_notice_appears_nowhere(client, draft):
    assert client.get(draft.get_absolute_url()).status_code == 404
    search = client.get(reverse("search"), {"q": "zephyrine"})
    assert draft.get_absolute_url() not in search.content.decode()
    assert "No results" in Page.of(search).text
    assert draft.get_absolute_url() not in client.get(reverse("sitemap")).content.decode()
    for feed in FEEDS:
        assert draft.get_absolute_url() not in client.get(reverse(feed)).content.decode()
    card = reverse("social-card", kwargs={"kind": "notice", "slug": draft.slug})
    assert client.get(card).status_code == 404


def test_a_renamed_notice_keeps_its_old_address_and_a_withdrawn_one_is_gone(client, notice):
    old_address = notice.get_absolute_url()
    notice.title, notice.slug = "Noticeboard moved", "noticeboard-moved"
    notice.save()
    assert client.get(old_address).headers["Location"] == notice.get_absolute_url()

    notice.status = Status.DRAFT
    notice.save()
    assert client.get(notice.get_absolute_url()).status_code == 410


def test_the_new_kind_passes_the_system_checks():
    """What the guide asks of a new kind (a permission to publish, a slug for its
    address history) is all there: Django's checks find nothing to say."""
    call_command("check", "noticeboard", "publishing", fail_level="WARNING")


# Every registered kind implements the whole protocol ----------------------------------


@pytest.fixture
def one_of_each(real_content):
    """A public item of every registered kind."""
    priority = PriorityFactory()
    PressReleaseFactory(priorities=[priority])
    CabinetDecisionFactory(priorities=[priority])
    ProgressUpdateFactory()
    YouSaidWeDidFactory()
    EasyReadVersionFactory()
    NoticeFactory()


def test_the_notice_is_registered_from_its_own_app():
    kind = content.by_kind("notice")
    assert kind.model is Notice
    assert content.of(Notice) is kind
    assert content.of(Notice()) is kind


def test_every_registered_kind_implements_the_whole_protocol(one_of_each):
    assert len({kind.kind for kind in content.kinds()}) == len(content.kinds())
    for kind in content.kinds():
        assert kind.model is not None and kind.kind and kind.label, kind
        item = kind.published().first()
        assert item is not None, f"no public {kind.label}"
        assert content.of(item) is kind

        address = kind.address(item)
        assert address.startswith("/"), kind
        assert isinstance(kind.title(item), str) and kind.title(item), kind
        assert isinstance(kind.summary(item), str), kind
        for moment in (kind.published_at(item), kind.updated_at(item)):
            assert moment is None or isinstance(moment, datetime), kind
        assert all(hasattr(priority, "short_title") for priority in kind.priorities(item))
        photo = kind.image(item)
        assert photo is None or photo.image, kind
        assert isinstance(kind.changes(item), list), kind
        assert isinstance(kind.share_title(item), str), kind

        if kind.has_card:
            text = kind.card_text(item)
            assert isinstance(text, content.CardText) and text.title and text.label, kind
            assert resolve(address).view_name == kind.detail_view_name, kind
        if kind.article:
            assert kind.published_at(item) is not None, kind
            data = kind.structured_data(item, {"headline": kind.title(item), "publisher": {}})
            assert data["@type"] and data["headline"] == kind.title(item), kind
        if kind.in_feed:
            assert isinstance(kind.feed_entry(item), SafeString), kind
            assert isinstance(kind.feed_categories(item), list), kind
            kind.feed_queryset(kind.published()).count()
        if kind.search is not None:
            for name in (*kind.search.fields, *kind.search.shown):
                kind.model._meta.get_field(name)  # FieldDoesNotExist if misnamed
            get_template(kind.search_result_template())
        if kind.easy_read is not None:
            kwargs = {"slug": item.slug} if kind.easy_read.by_slug else {}
            try:
                reverse(f"easyread:{kind.easy_read.url_name}", kwargs=kwargs)
            except NoReverseMatch:  # pragma: no cover - the message says which
                pytest.fail(f"{kind.label}: no Easy Read page {kind.easy_read.url_name}")
