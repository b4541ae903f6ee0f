"""Sharing a page: its link preview, its share links, its sections, its structured
data for search engines, and how it prints."""

import io
import json
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority
from publishing.models import ChangeNote, Status
from sharing import cards as social_cards
from tests.factories import (
    CabinetDecisionFactory,
    DecisionPointFactory,
    ImageFactory,
    PressReleaseFactory,
    PriorityFactory,
)
from tests.html_page import Page
from tests.test_images import encoded, two_colour_photo, upload
from tests.test_pages import public_urls


@pytest.fixture
def media_root(db, settings, tmp_path):
    """Cards are kept in the media storage: a fresh, empty one for each test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def press_release(real_content):
    return PressRelease.objects.get()


@pytest.fixture
def decision(real_content):
    return CabinetDecision.objects.get()


def iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def page_at(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page.of(response)


def meta(page, key):
    """The content of <meta property=key> (Open Graph) or <meta name=key> (Twitter)."""
    found = page.find_all("meta", property=key) or page.find_all("meta", name=key)
    assert len(found) == 1, (key, len(found))
    return found[0].attrs["content"]


def canonical(page):
    [link] = page.find_all("link", rel="canonical")
    return link.attrs["href"]


def local(url):
    """An absolute address on this site as the test client asks for it."""
    assert url.startswith(settings.SITE_URL + "/"), url
    return url.removeprefix(settings.SITE_URL)


def cards_stored(media_root):
    folder = media_root / social_cards.STORAGE_FOLDER
    return sorted(path for path in folder.rglob("*") if path.is_file())


def json_ld(page):
    [script] = page.find_all("script", type="application/ld+json")
    return json.loads(script.text)


# Link previews -------------------------------------------------------------------------


def test_every_public_page_has_an_absolute_canonical_address_and_a_link_preview(
    client, real_content
):
    for url in public_urls():
        page = page_at(client, url)
        address = settings.SITE_URL + url

        assert canonical(page) == address
        assert meta(page, "og:url") == address
        assert meta(page, "og:title") == page.title.removesuffix(" - Meeting Needs Together")
        [description] = page.find_all("meta", name="description")
        assert meta(page, "og:description") == description.attrs["content"] != ""
        assert meta(page, "og:site_name") == "Meeting Needs Together"
        assert meta(page, "og:locale") == "en_GB"
        assert meta(page, "og:image").startswith(settings.SITE_URL + "/")
        assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1200", "630")
        assert meta(page, "og:image:alt")
        assert meta(page, "twitter:card") == "summary_large_image"
        assert meta(page, "twitter:title") == meta(page, "og:title")
        assert meta(page, "twitter:description") == meta(page, "og:description")
        assert meta(page, "twitter:image") == meta(page, "og:image")


def test_press_releases_and_decisions_are_articles_with_their_dates(client, real_content):
    for item in [PressRelease.objects.get(), CabinetDecision.objects.get()]:
        page = page_at(client, item.get_absolute_url())

        published = iso(item.published_at)
        assert meta(page, "og:type") == "article"
        assert meta(page, "article:published_time") == published
        assert meta(page, "article:modified_time") == published


def test_other_pages_are_websites_without_article_dates(client, real_content):
    for url in [
        reverse("home"),
        reverse("priorities:index"),
        Priority.objects.first().get_absolute_url(),
        reverse("news:index"),
        reverse("decisions:index"),
    ]:
        page = page_at(client, url)

        assert meta(page, "og:type") == "website"
        assert not page.find_all("meta", property="article:published_time")


def test_a_public_change_note_is_the_modified_time(client, press_release):
    note = ChangeNote.objects.create(item=press_release, note="Added the timetable.")

    page = page_at(client, press_release.get_absolute_url())

    assert meta(page, "article:modified_time") == iso(note.created_at)


def test_the_second_page_of_a_list_is_its_own_canonical_page(client, db):
    PressReleaseFactory.create_batch(11)

    page = page_at(client, reverse("news:index") + "?page=2&utm_source=newsletter")

    assert canonical(page) == f"{settings.SITE_URL}{reverse('news:index')}?page=2"


def test_a_filtered_list_is_canonical_with_its_filters_and_without_junk(client, db):
    priority = PriorityFactory()
    in_2024 = timezone.make_aware(datetime(2024, 6, 1, 9, 0))
    PressReleaseFactory.create_batch(11, priorities=[priority], published_at=in_2024)
    year = 2024
    news = reverse("news:index")

    filtered = page_at(client, f"{news}?year={year}&utm_source=x&priority={priority.slug}&page=2")
    unknown = page_at(client, f"{news}?priority=no-such-priority")

    assert canonical(filtered) == (
        f"{settings.SITE_URL}{news}?priority={priority.slug}&year={year}&page=2"
    )
    assert canonical(unknown) == f"{settings.SITE_URL}{news}"


def test_a_search_results_page_has_a_link_preview_of_the_site(client, real_content, media_root):
    page = page_at(client, reverse("search") + "?q=strategy&utm_source=x")

    assert canonical(page) == f"{settings.SITE_URL}{reverse('search')}?q=strategy"
    assert meta(page, "og:type") == "website"
    card = client.get(local(meta(page, "og:image")))
    assert Image.open(io.BytesIO(card.content)).size == (1200, 630)


def test_a_renamed_item_is_canonical_at_its_new_address(client, db):
    item = PressReleaseFactory(slug="old-address")
    item.slug = "new-address"
    item.save()

    page = page_at(client, reverse("news:detail", kwargs={"slug": "new-address"}))

    assert canonical(page) == settings.SITE_URL + item.get_absolute_url()


def test_error_pages_offer_nothing_to_share(client, db):
    gone = PressReleaseFactory()
    gone_url = gone.get_absolute_url()
    gone.delete()

    for url, status in [("/no-such-page/", 404), (reverse("news:detail", args=["x"]), 404)]:
        response = client.get(url)
        assert response.status_code == status
        assert not Page.of(response).find_all("link", rel="canonical")
    response = client.get(gone_url)
    assert response.status_code == 410
    page = Page.of(response)
    assert not page.find_all("link", rel="canonical")
    assert not page.find_all("meta", property="og:image")
    assert not page.find_all("section", **{"class": "app-share"})


def test_the_site_address_comes_from_settings_not_the_request(client, db, settings):
    settings.SITE_URL = "https://send.example.gov.uk"
    item = PressReleaseFactory()

    page = Page.of(client.get(item.get_absolute_url(), HTTP_HOST="localhost:8765"))

    assert canonical(page) == "https://send.example.gov.uk" + item.get_absolute_url()
    assert meta(page, "og:image").startswith("https://send.example.gov.uk/social-cards/")


# Social cards --------------------------------------------------------------------------


def test_every_link_preview_image_is_a_1200_by_630_png(client, real_content, media_root):
    images = {meta(page_at(client, url), "og:image") for url in public_urls()}

    assert len(images) == len(public_urls())  # each page has its own card
    for image_url in images:
        response = client.get(local(image_url))
        assert response.status_code == 200, image_url
        assert response["Content-Type"] == "image/png"
        with Image.open(io.BytesIO(response.content)) as card:
            assert card.format == "PNG"
            assert card.size == (1200, 630)


def test_a_card_is_drawn_once_and_then_served_from_storage(
    client, press_release, media_root, monkeypatch
):
    drawn = []
    draw = social_cards.draw_card
    monkeypatch.setattr(social_cards, "draw_card", lambda card: drawn.append(card) or draw(card))
    image_url = local(meta(page_at(client, press_release.get_absolute_url()), "og:image"))

    first = client.get(image_url)
    [stored] = cards_stored(media_root)
    modified = stored.stat().st_mtime_ns
    second = client.get(image_url)

    assert len(drawn) == 1
    assert cards_stored(media_root) == [stored]
    assert stored.stat().st_mtime_ns == modified
    assert first.content == second.content == stored.read_bytes()


def test_a_new_title_gives_a_new_card_at_a_new_version(client, press_release, media_root):
    before = meta(page_at(client, press_release.get_absolute_url()), "og:image")
    old_card = client.get(local(before)).content

    press_release.title = "Cabinet agrees the SEND strategy for Wiltshire"
    press_release.save()
    after = meta(page_at(client, press_release.get_absolute_url()), "og:image")
    new_card = client.get(local(after)).content

    assert urlsplit(after).path == urlsplit(before).path  # the same stable address
    assert urlsplit(after).query != urlsplit(before).query  # a new version of it
    assert new_card != old_card
    assert len(cards_stored(media_root)) == 2
    # The stable address, without a version, shows the current card.
    assert client.get(urlsplit(before).path).content == new_card


def test_a_versioned_card_is_cached_for_a_year_and_the_plain_address_briefly(
    client, press_release, media_root
):
    image_url = local(meta(page_at(client, press_release.get_absolute_url()), "og:image"))

    versioned = client.get(image_url)
    plain = client.get(urlsplit(image_url).path)

    assert "max-age=31536000" in versioned["Cache-Control"]
    assert "immutable" in versioned["Cache-Control"]
    assert "public" in versioned["Cache-Control"]
    assert "max-age=3600" in plain["Cache-Control"]
    # Other sites' link previews may show it.
    assert versioned["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_a_drafts_card_is_for_staff_only_and_never_kept(staff_client, media_root):
    draft = PressReleaseFactory(status=Status.DRAFT, title="Secret plans")
    url = reverse("social-card", kwargs={"kind": "news", "slug": draft.slug})

    assert Client().get(url).status_code == 404
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert cards_stored(media_root) == []


@pytest.mark.parametrize(
    "kind, slug", [("page", "search"), ("nonsense", "home"), ("news", "no-such-news")]
)
def test_there_is_no_card_for_anything_else(client, db, media_root, kind, slug):
    response = client.get(reverse("social-card", kwargs={"kind": kind, "slug": slug}))

    assert response.status_code == 404
    assert cards_stored(media_root) == []


def test_a_card_is_in_the_councils_colour_with_white_text_that_passes_contrast():
    def luminance(rgb):
        linear = [c / 255 / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    ratio = (luminance(social_cards.WHITE) + 0.05) / (luminance(social_cards.BRAND) + 0.05)
    png = social_cards.draw_card(social_cards.Card("page", "news", "News", "Press releases"))

    assert ratio >= 4.5
    assert social_cards.BRAND == (0x00, 0x62, 0x5E)
    with Image.open(io.BytesIO(png)) as card:
        card = card.convert("RGB")
        assert card.getpixel((20, 20)) == social_cards.BRAND
        assert social_cards.WHITE in {colour for _, colour in card.getcolors(100_000)}


def test_a_long_title_is_wrapped_and_shrunk_to_fit_the_card():
    box = social_cards.WIDTH - 2 * social_cards.MARGIN
    height = social_cards.TITLE_BOTTOM - social_cards.TITLE_TOP

    _, short_size, short_lines = social_cards.fit_title("News", box, height)
    _, long_size, long_lines = social_cards.fit_title("Cabinet agrees a plan " * 8, box, height)
    face, _, too_long = social_cards.fit_title("Supercalifragilistic " * 40, box, height)

    assert short_lines == ["News"]
    assert long_size < short_size
    assert len(long_lines) > 1
    assert too_long[-1].endswith("…")
    assert all(face.getlength(line) <= box for line in too_long)


def test_a_press_release_with_a_photo_is_previewed_with_the_photo(client, media_root):
    item = PressReleaseFactory(
        image=ImageFactory(
            file=upload("photo.jpg", encoded(two_colour_photo((1500, 1000)), "JPEG"), "image/jpeg"),
            alt="Parents and officers around a table",
            consent_recorded=True,
        ),
    )

    page = page_at(client, item.get_absolute_url())

    largest = item.image.renditions["fallback"][-1]
    assert meta(page, "og:image") == f"{settings.SITE_URL}/media/{largest['name']}"
    assert meta(page, "og:image:type") == "image/jpeg"
    assert (meta(page, "og:image:width"), meta(page, "og:image:height")) == ("1280", "853")
    assert meta(page, "og:image:alt") == "Parents and officers around a table"
    assert client.get(local(meta(page, "og:image"))).status_code == 200
    assert json_ld(page)["image"] == [meta(page, "og:image")]


# Share links ---------------------------------------------------------------------------


def query_of(href):
    return {key: values[0] for key, values in parse_qs(urlsplit(href).query).items()}


@pytest.mark.parametrize(
    "make",
    [
        lambda: PressReleaseFactory(title='Q&A: "Why" #SEND matters? 100% + more'),
        lambda: CabinetDecisionFactory(title="Decision & next steps? #2"),
        lambda: PriorityFactory(short_title="Families & partners"),
    ],
    ids=["press release", "decision", "priority"],
)
def test_share_links_carry_the_canonical_address_encoded(client, db, make):
    item = make()
    page = page_at(client, item.get_absolute_url())
    address = canonical(page)
    title = item.title if hasattr(item, "title") else meta(page, "og:title")
    [section] = page.find_all("section", **{"class": "app-share"})
    links = {e.text: e.attrs["href"] for e in page.inside(section) if e.tag == "a"}

    email = links["Share by Email"]
    assert email.startswith("mailto:?")
    assert "+" not in email  # spaces are %20 in a mailto: address
    assert query_of(email) == {"subject": title, "body": f"{title}\n\n{address}"}

    whatsapp = links["Share on WhatsApp"]
    assert whatsapp.startswith("https://wa.me/?")
    assert query_of(whatsapp) == {"text": f"{title} {address}"}

    facebook = links["Share on Facebook"]
    assert facebook.startswith("https://www.facebook.com/sharer/sharer.php?")
    assert query_of(facebook) == {"u": address}

    x = links["Share on X (Twitter)"]
    assert x.startswith("https://twitter.com/intent/tweet?")
    assert query_of(x) == {"url": address, "text": title}

    linkedin = links["Share on LinkedIn"]
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?")
    assert query_of(linkedin) == {"url": address}

    # Nothing in the address or title escapes its parameter.
    for href in links.values():
        assert "#" not in href and " " not in href


def test_the_address_is_there_to_copy_and_the_copy_button_waits_for_javascript(
    client, press_release
):
    page = page_at(client, press_release.get_absolute_url())

    [field] = page.find_all("input", id="share-url")
    assert field.attrs["value"] == canonical(page)
    assert "readonly" in field.attrs
    assert [label.text for label in page.find_all("label", **{"for": "share-url"})] == [
        "Link to this page"
    ]
    # The short link and the text to paste are copied the same way (tests/test_share_pack.py).
    copies = page.find_all("div", **{"data-module": "app-copy-link"})
    assert len(copies) == 3
    for copy in copies:
        [button] = [e for e in page.inside(copy) if e.tag == "button"]
        assert "hidden" in button.attrs
        [status] = [e for e in page.inside(copy) if e.attrs.get("role") == "status"]
        assert status.text == ""


def test_the_share_section_is_on_every_detail_page_and_no_list(client, real_content):
    details = [
        reverse("home"),  # the page people share most of all
        *(p.get_absolute_url() for p in Priority.objects.all()),
        PressRelease.objects.get().get_absolute_url(),
        CabinetDecision.objects.get().get_absolute_url(),
    ]
    for url in public_urls():
        shares = page_at(client, url).find_all("section", **{"class": "app-share"})
        assert len(shares) == (1 if url in details else 0), url


def test_no_third_party_script_or_tracker_is_loaded(client, real_content):
    for url in public_urls():
        page = page_at(client, url)
        for script in page.find_all("script"):
            src = script.attrs.get("src")
            assert src is None or src.startswith("/static/"), (url, src)


# Links to sections ---------------------------------------------------------------------


# Headings of the page's furniture, not sections of its content.
FURNITURE_HEADINGS = {
    "share-heading",
    "related-priorities-heading",
    "related-items-heading",
    "draft-banner-title",
}


def ids_on(page):
    return [element.attrs["id"] for element in page.elements if "id" in element.attrs]


def assert_sections_linkable(page):
    ids = ids_on(page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    # Sections of the page's content are inside <main>; what sits outside it (the
    # "Was this page useful?" box, the header and footer) is the site's, not the page's.
    [main] = page.find_all("main")
    headings = [
        h
        for h in page.inside(main)
        if h.tag in ("h2", "h3") and h.attrs.get("id") and h.attrs["id"] not in FURNITURE_HEADINGS
    ]
    for heading in headings:
        # Beside the heading, not inside it: a screen reader's list of headings then
        # reads only the heading's words.
        assert not [e for e in page.inside(heading) if e.tag == "a"], heading.text
        anchor = page.next_sibling_element(heading)
        assert anchor is not None and "app-heading-anchor" in anchor.attrs.get("class", "")
        assert anchor.attrs["href"] == f"#{heading.attrs['id']}"
        assert anchor.attrs["aria-label"] == "Link to this section"
    for anchor in page.find_all("a", **{"class": "app-heading-anchor"}):
        assert anchor.attrs["href"].removeprefix("#") in ids
    return {heading.text: heading.attrs["id"] for heading in headings}


def test_every_section_of_a_priority_has_a_link_of_its_own(client, real_content):
    priority = Priority.objects.get(number=6)

    sections = assert_sections_linkable(page_at(client, priority.get_absolute_url()))

    assert sections == {
        "Our pledge": "our-pledge",
        "What Cabinet said": "what-cabinet-said",
        "How it will be delivered": "how-it-will-be-delivered",
        "Progress": "progress",
        "News about this priority": "news",
        "Decisions about this priority": "decisions",
    }


def test_every_section_of_a_decision_has_a_link_of_its_own(client, real_content):
    decision = CabinetDecision.objects.get()

    sections = assert_sections_linkable(page_at(client, decision.get_absolute_url()))

    assert {
        "What this means for families": "for-families",
        "The formal record": "formal-record",
        "What was decided": "what-was-decided",
        "Reasons for the proposals": "reasons",
        "What was said at the meeting": "discussion",
    }.items() <= sections.items()
    assert any(section_id.startswith("decided-") for section_id in sections.values())


def test_headings_editors_type_never_clash_with_the_pages_own(client, db):
    heading_text = "## News\n\nA.\n\n## Background\n\nB.\n\n## Background\n\nC.\n\n# Decisions"
    priority = PriorityFactory(body=heading_text)
    decision = CabinetDecisionFactory(
        summary_for_families=heading_text, reasons=heading_text, discussion=heading_text
    )
    DecisionPointFactory(decision=decision)

    priority_ids = ids_on(page_at(client, priority.get_absolute_url()))
    decision_ids = ids_on(page_at(client, decision.get_absolute_url()))

    for ids in [priority_ids, decision_ids]:
        assert len(ids) == len(set(ids))
    assert {"news", "news-section", "decisions", "decisions-section"} <= set(priority_ids)
    assert {"background", "background_1"} <= set(priority_ids)
    for field in ["families", "reasons", "discussion"]:
        assert {f"{field}-news", f"{field}-background", f"{field}-background_1"} <= set(
            decision_ids
        )


def test_an_id_typed_as_html_is_dropped_so_it_cannot_take_over_the_skip_link(client, db):
    item = PressReleaseFactory(body='<h2 id="main-content">Look here</h2>\n\nText.')

    page = page_at(client, item.get_absolute_url())

    assert ids_on(page).count("main-content") == 1
    assert page.find_all("main", id="main-content")


# Structured data -----------------------------------------------------------------------


def test_a_press_release_is_a_news_article(client, press_release):
    page = page_at(client, press_release.get_absolute_url())

    data = json_ld(page)

    published = iso(press_release.published_at)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == press_release.title
    assert data["description"] == meta(page, "og:description")
    assert data["datePublished"] == data["dateModified"] == published
    assert data["image"] == [meta(page, "og:image")]
    assert data["publisher"]["@type"] == "GovernmentOrganization"  # a kind of Organization
    assert data["publisher"]["name"] == "Wiltshire Council"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": canonical(page)}


def test_a_decision_is_an_article_about_the_meeting(client, decision):
    page = page_at(client, decision.get_absolute_url())

    data = json_ld(page)

    assert data["@type"] == "Article"
    assert data["headline"] == decision.title
    assert data["articleSection"] == "Decisions"
    assert data["about"]["@type"] == "Event"
    assert data["about"]["startDate"] == "2024-09-17"
    assert data["about"]["organizer"]["name"] == "Wiltshire Council"
    assert data["mainEntityOfPage"]["@id"] == canonical(page)
    assert data["datePublished"] == iso(decision.published_at)


def test_the_home_page_describes_the_council_and_the_site(client, real_content):
    data = json_ld(page_at(client, reverse("home")))

    by_type = {node["@type"]: node for node in data["@graph"]}
    assert by_type["GovernmentOrganization"]["name"] == "Wiltshire Council"
    assert by_type["WebSite"]["name"] == "Meeting Needs Together"
    assert by_type["WebSite"]["url"] == settings.SITE_URL + "/"


def test_structured_data_cannot_break_out_of_its_script(client, db):
    title = "</script><script>alert(1)</script> & <!-- more"
    item = PressReleaseFactory(title=title)

    html = client.get(item.get_absolute_url()).content.decode()
    block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]

    assert "<" not in block and ">" not in block
    assert json.loads(block)["headline"] == title


def test_priority_and_list_pages_carry_no_structured_data(client, real_content):
    for url in [reverse("priorities:index"), reverse("news:index"), reverse("decisions:index")]:
        assert not page_at(client, url).find_all("script", type="application/ld+json")


# Print -----------------------------------------------------------------------------------


def test_a_printout_ends_with_the_address_and_the_date(client, press_release):
    page = page_at(client, press_release.get_absolute_url())

    [footer] = page.find_all("p", **{"class": "app-print-footer"})
    assert "app-print-only" in footer.parents[-1].attrs["class"]
    [date] = [e for e in page.inside(footer) if e.tag == "time"]
    today = timezone.localdate()
    assert footer.text == (f"Printed from {canonical(page)} on {today.day} {today:%B} {today.year}")
    assert date.attrs["datetime"] == today.isoformat()


def media_blocks(css, opening):
    """The insides of every `opening`...} block of compressed CSS."""
    blocks, start = [], css.find(opening)
    while start != -1:
        depth, end = 1, start + len(opening)
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        blocks.append(css[start + len(opening) : end - 1])
        start = css.find(opening, end)
    return blocks


def test_the_print_stylesheet_leaves_out_what_paper_does_not_need():
    css = (settings.BASE_DIR / "static" / "css" / "main.css").read_text()
    print_css = "".join(media_blocks(css, "@media print{"))

    for selector in [
        ".govuk-skip-link",
        ".govuk-service-navigation",
        ".govuk-breadcrumbs",
        ".govuk-pagination",
        ".app-footer__links",
        ".app-share",
        ".app-heading-anchor",
    ]:
        assert selector in print_css
    assert ".app-print-only{display:block}" in print_css
    assert ".app-print-only{display:none}" in css
    assert "attr(data-print-href)" in css


# The editor's preview ----------------------------------------------------------------


@pytest.mark.parametrize("admin_name", ["news_pressrelease", "news_cabinetdecision"])
def test_editors_see_how_the_link_will_look_when_shared(
    staff_client, real_content, media_root, admin_name
):
    item = (PressRelease if "press" in admin_name else CabinetDecision).objects.get()
    public = page_at(staff_client, item.get_absolute_url())

    response = staff_client.get(reverse(f"admin:{admin_name}_change", args=[item.pk]))

    assert response.status_code == 200
    form = Page.of(response)
    assert "How the link looks when shared" in form.texts("h2")
    [box] = form.find_all("div", **{"class": "share-preview"})
    [img] = [e for e in form.inside(box) if e.tag == "img"]
    texts = [e.text for e in form.inside(box) if e.tag == "p"]
    assert texts == [
        urlsplit(settings.SITE_URL).netloc,
        meta(public, "og:title"),
        meta(public, "og:description"),
    ]
    assert img.attrs["src"] == local(meta(public, "og:image"))
    card = staff_client.get(img.attrs["src"])
    assert card.status_code == 200
    assert Image.open(io.BytesIO(card.content)).size == (1200, 630)
    assert canonical(public) in form.hrefs


def test_an_unsaved_item_has_no_preview_yet(staff_client, db):
    response = staff_client.get(reverse("admin:news_pressrelease_add"))

    assert "Save it to see how its link will look when it is shared." in response.content.decode()


def test_a_draft_can_be_previewed_by_its_editor(staff_client, media_root):
    draft = PressReleaseFactory(status=Status.DRAFT, published_at=None)

    form = Page.of(staff_client.get(reverse("admin:news_pressrelease_change", args=[draft.pk])))

    [box] = form.find_all("div", **{"class": "share-preview"})
    [img] = [e for e in form.inside(box) if e.tag == "img"]
    assert staff_client.get(img.attrs["src"]).status_code == 200
    assert "(it works once this is published)" in form.text


# In a real browser ---------------------------------------------------------------------


@pytest.fixture
def browser_page(browser, live_server):
    from tests.test_browser_csp import RECORD_VIOLATIONS

    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_init_script(RECORD_VIOLATIONS)
    yield context.new_page()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_copy_link_copies_the_address_and_says_so(live_server, real_content, browser_page):
    page = browser_page
    item = PressRelease.objects.get()
    page.goto(live_server.url + item.get_absolute_url())

    page.get_by_role("button", name="Copy link").click()

    page.get_by_role("status").filter(has_text="Link copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == settings.SITE_URL + (
        item.get_absolute_url()
    )
    # The JSON-LD data block is not a script the Content-Security-Policy blocks.
    assert page.evaluate("window.__cspViolations") == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_address_is_there_to_copy(live_server, real_content, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + PressRelease.objects.get().get_absolute_url())

    assert page.get_by_role("button", name="Copy link").count() == 0  # hidden: not offered
    assert page.get_by_label("Link to this page").is_visible()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_printout_has_the_content_the_link_addresses_and_where_it_came_from(
    live_server, real_content, browser_page
):
    page = browser_page
    item = PressRelease.objects.get()
    page.goto(live_server.url + item.get_absolute_url())
    page.emulate_media(media="print")

    for hidden in [
        ".govuk-skip-link",
        ".govuk-service-navigation",
        ".govuk-breadcrumbs",
        ".app-share",
        ".app-footer__links",
    ]:
        assert page.locator(hidden).count() and not page.locator(hidden).first.is_visible(), hidden
    assert page.locator("h1").is_visible()
    footer = page.locator(".app-print-footer")
    assert footer.is_visible()
    assert f"Printed from {settings.SITE_URL}{item.get_absolute_url()} on " in footer.inner_text()
    # A link in the content is followed by its full address.
    link = page.locator(".app-related a").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert f"{live_server.url}{link.get_attribute('href')}" in after
