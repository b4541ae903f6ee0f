"""The share pack (issue 24): short links, QR codes, one-page handouts, the share panel
and counts that track no one. How it works: docs/notes/sharing.md.

Following a link is tested through the real WSGI entry point (the counter in front of
the page cache, in front of Django), as gunicorn runs it; the pages through Django's
test client.
"""

import io
import re
from datetime import date, timedelta
from html import unescape

import pytest
import time_machine
import zxingcpp
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from news.models import CabinetDecision, PressRelease
from pagecache import cache as page_cache
from priorities.models import Priority
from publishing.models import Status
from sharing import handouts, shortlinks
from sharing.models import FollowCount, ShortLink
from sharing.shortlinks import ALPHABET, CountFollows
from tests import payloads
from tests.factories import (
    CabinetDecisionFactory,
    DeliverableFactory,
    EasyReadVersionFactory,
    PressReleaseFactory,
    PriorityFactory,
    YouSaidWeDidFactory,
)
from tests.html_page import Page
from tests.test_page_cache import running_site, staff_cookie


@pytest.fixture
def media_root(db, settings, tmp_path):
    """QR codes are kept in the media storage: a fresh, empty one for each test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def page_at(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page.of(response)


def pack_on(client, url):
    """What the share panel of the page at `url` offers, as a reader finds it."""
    response = client.get(url)
    assert response.status_code == 200, url
    page = Page.of(response)
    page.raw = response.content.decode()
    [share] = page.find_all("section", **{"class": "app-share"})
    inside = page.inside(share)
    fields = {e.attrs["id"]: e for e in inside if e.tag in ("input", "textarea")}
    short = fields.get("share-short-url")
    return {
        "page": page,
        "short_url": short.attrs["value"] if short else None,
        "post": posted_text(page.raw) if "share-post" in fields else None,
        "images": [e for e in inside if e.tag == "img"],
        "links": {e.text: e.attrs["href"] for e in inside if e.tag == "a"},
        "text": share.text,
    }


def posted_text(html):
    """The text to paste, line breaks and all (Page.text joins the lines)."""
    [text] = re.findall(r'<textarea[^>]*id="share-post"[^>]*>(.*?)</textarea>', html, re.S)
    return unescape(text)


def path_of(url):
    return url.removeprefix(settings.SITE_URL)


def code_of(url):
    return path_of(url).split("/")[2]


def code_via(site, address):
    """The code of the short link in the share panel of the page at `address`, fetched
    through the site (a request through Django's test client would undo what
    running_site does to keep the test's transaction open)."""
    [field] = Page(site.get(address).text).find_all("input", id="share-short-url")
    return code_of(field.attrs["value"])


@pytest.fixture
def site(db, settings):
    """The site as gunicorn runs it: follows counted, then the page cache, then Django."""
    with running_site("memory", settings) as running:
        running.application = CountFollows(running.application)
        yield running


def every_kind_of_page():
    """One public page of each kind that has a short address, as (name, address)."""
    priority = PriorityFactory(short_title="Early help for families")
    return {
        "home": reverse("home"),
        "priority": priority.get_absolute_url(),
        "press release": PressReleaseFactory(priorities=[priority]).get_absolute_url(),
        "decision": CabinetDecisionFactory(priorities=[priority]).get_absolute_url(),
        "deliverable": DeliverableFactory(priority=priority).get_absolute_url(),
        "Easy Read version": EasyReadVersionFactory(page=priority).get_absolute_url(),
        "you said, we did": YouSaidWeDidFactory().get_absolute_url(),
        "Get help": reverse("helpcontacts:index"),
    }


# Short links ---------------------------------------------------------------------------


def test_every_public_page_has_a_short_link_that_leads_to_it(client, media_root):
    pages = every_kind_of_page()

    codes = set()
    for name, address in pages.items():
        short_url = pack_on(client, address)["short_url"]
        assert re.fullmatch(rf"{settings.SITE_URL}/s/[{ALPHABET}]{{4}}", short_url), name
        response = client.get(path_of(short_url))
        assert (response.status_code, response["Location"]) == (302, address), name
        codes.add(code_of(short_url))
    assert len(codes) == len(pages)  # one each


def test_a_short_link_is_made_once_and_never_changes(client, db):
    priority = PriorityFactory()
    first = pack_on(client, priority.get_absolute_url())["short_url"]
    cache.clear()  # as a restarted site, which finds it in the database

    assert pack_on(client, priority.get_absolute_url())["short_url"] == first
    assert ShortLink.objects.count() == 1


def test_a_short_link_follows_its_page_when_it_is_renamed(client, db):
    item = PressReleaseFactory(slug="old-name")
    short = path_of(pack_on(client, item.get_absolute_url())["short_url"])

    item.slug = "new-name"
    item.save()

    response = client.get(short)
    assert response["Location"] == reverse("news:detail", args=["new-name"])
    assert path_of(pack_on(client, response["Location"])["short_url"]) == short


@pytest.mark.parametrize("how", ["unpublished", "deleted"])
def test_a_withdrawn_pages_short_link_says_it_has_been_removed(client, media_root, how):
    item = CabinetDecisionFactory()
    code = code_of(pack_on(client, item.get_absolute_url())["short_url"])
    if how == "deleted":
        item.delete()
    else:
        item.status = Status.DRAFT
        item.save()

    for name in [
        "sharing:short-link",
        "sharing:qr-follow",
        "sharing:handout",
        "sharing:handout-pdf",
    ]:
        response = client.get(reverse(name, args=[code]))
        assert response.status_code == 410, name
        page = Page.of(response)
        assert page.texts("h1") == ["This page has been removed"]
        assert not page.find_all("link", rel="canonical")  # nothing to share here
    # Never given to another page: a new one gets a code of its own.
    other = CabinetDecisionFactory()
    assert code_of(pack_on(client, other.get_absolute_url())["short_url"]) != code
    assert ShortLink.objects.filter(code=code).exists()


def test_a_draft_has_no_short_link_until_it_is_published(staff_client, db):
    item = PressReleaseFactory(status=Status.DRAFT)

    pack = pack_on(staff_client, item.get_absolute_url())

    assert pack["short_url"] is None
    assert "gets a short link, a QR code and a handout when it is published" in pack["text"]
    assert not ShortLink.objects.exists()


def test_codes_are_easy_to_read_out_and_type_in_either_case(client, db):
    assert not set(ALPHABET) & set("0oO1lLiI")
    assert not set(ALPHABET) & set("aeiu")  # no vowel: no word spelt by chance
    item = PriorityFactory()
    code = code_of(pack_on(client, item.get_absolute_url())["short_url"])

    for typed in [f"/s/{code}", f"/s/{code.upper()}", f"/S/{code.upper()}", f"/s/{code}/"]:
        response = client.get(typed)
        assert (response.status_code, response["Location"]) == (302, item.get_absolute_url())


def test_codes_are_random_and_never_given_twice(db, monkeypatch):
    taken = ShortLink.objects.create(code="bbbb", page="home")
    drawn = iter(["bbbb"] * shortlinks.TRIES_PER_LENGTH + ["ccccc"])
    monkeypatch.setattr(shortlinks, "new_code", lambda length: next(drawn))

    link = shortlinks.make_link(page="get-help")

    assert link.code == "ccccc"  # one longer, once four letters kept colliding
    assert ShortLink.objects.get(pk=taken.pk).page == "home"
    assert shortlinks.make_link(page="get-help") == link  # made once


# QR codes ------------------------------------------------------------------------------


def read_qr(png):
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found


def test_a_qr_code_reads_back_to_the_short_link_and_is_kept_a_year(client, media_root):
    item = PriorityFactory()
    pack = pack_on(client, item.get_absolute_url())
    code = code_of(pack["short_url"])

    png = client.get(pack["links"]["Download the QR code as a picture (PNG)"])
    svg = client.get(pack["links"]["Download the QR code to print at any size (SVG)"])

    assert (png["Content-Type"], svg["Content-Type"]) == ("image/png", "image/svg+xml")
    found = read_qr(png.content)
    assert found.text == f"{pack['short_url']}/qr"  # the short link, marked as scanned
    assert found.ec_level == "H"  # the highest error correction
    assert client.get(path_of(found.text))["Location"] == item.get_absolute_url()
    for response in (png, svg):
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    # The address in words beneath, for anyone who cannot scan it.
    words = f"{settings.SITE_URL.split('//')[1]}/s/{code}"
    assert f">{words}</text>" in svg.content.decode()
    assert f"<title>QR code for {words}</title>" in svg.content.decode()


def shades(image):
    return {shade for shade, pixels in enumerate(image.histogram()) if pixels}


def test_a_qr_code_is_black_on_white_with_a_quiet_zone(client, media_root):
    pack = pack_on(client, PriorityFactory().get_absolute_url())
    png = client.get(pack["links"]["Download the QR code as a picture (PNG)"]).content
    image = Image.open(io.BytesIO(png))

    side = image.width  # the code is square, and the address is in a band beneath it
    assert image.mode == "L" and image.height > side
    assert shades(image.crop((0, 0, side, side))) == {0, 255}
    quiet = 4 * 16  # four modules of 16 pixels, all round
    for box in [(0, 0, side, quiet), (0, 0, quiet, side), (side - quiet, 0, side, side)]:
        assert shades(image.crop(box)) == {255}
    assert shades(image.crop((0, side - quiet, side, side))) == {255}


def test_a_qr_code_is_drawn_once_then_read_from_storage(client, media_root, monkeypatch):
    from sharing import qr

    pack = pack_on(client, PriorityFactory().get_absolute_url())
    png = pack["links"]["Download the QR code as a picture (PNG)"]
    first = client.get(png).content
    monkeypatch.setattr(qr, "draw_png", lambda data, words: pytest.fail("drawn again"))

    assert client.get(png).content == first
    assert len(list((media_root / "qr-codes").iterdir())) == 1


# The share panel -----------------------------------------------------------------------


def test_the_share_panel_offers_the_whole_pack(client, media_root):
    item = CabinetDecisionFactory(title="Cabinet agrees the new SEND strategy")

    pack = pack_on(client, item.get_absolute_url())

    assert pack["post"].startswith("Cabinet agrees the new SEND strategy\n")
    assert pack["post"].endswith(f"\n{pack['short_url']}")
    assert len(pack["post"]) < 280
    [qr] = pack["images"]
    code = code_of(pack["short_url"])
    assert qr.attrs["alt"] == f"QR code for {settings.SITE_URL.split('//')[1]}/s/{code}"
    assert int(qr.attrs["width"]) and int(qr.attrs["height"])
    for label in [
        "Download the QR code as a picture (PNG)",
        "Download the QR code to print at any size (SVG)",
        "Print the handout (A4)",
        "Download the handout as a PDF (A4)",
        "print the handout (A5)",
        "download the handout as a PDF (A5)",
    ]:
        assert client.get(pack["links"][label]).status_code == 200, label
    # The links to share it elsewhere are still there.
    assert {"Share by Email", "Share on WhatsApp"} <= set(pack["links"])


def test_text_to_paste_stays_under_280_characters_however_long_the_headline(client, db):
    item = PressReleaseFactory(title="A very long headline " * 9, standfirst="Words " * 100)

    post = pack_on(client, item.get_absolute_url())["post"]

    assert len(post) < 280
    assert post.startswith("A very long headline")
    assert post.endswith(pack_on(client, item.get_absolute_url())["short_url"])


@pytest.mark.parametrize("kind", ["deliverable", "Easy Read version", "Get help", "home"])
def test_pages_without_a_handout_offer_none(client, media_root, kind):
    address = every_kind_of_page()[kind]

    pack = pack_on(client, address)

    assert pack["short_url"] and pack["images"]
    assert not [label for label in pack["links"] if "handout" in label.lower()]
    code = code_of(pack["short_url"])
    assert client.get(reverse("sharing:handout", args=[code])).status_code == 404
    assert client.get(reverse("sharing:handout-pdf", args=[code])).status_code == 404


# Handouts ------------------------------------------------------------------------------


def handout_of(client, item, name="handout"):
    code = code_of(pack_on(client, item.get_absolute_url())["short_url"])
    return code, client.get(reverse(f"sharing:{name}", args=[code]))


@pytest.mark.parametrize("make", [PriorityFactory, PressReleaseFactory, CabinetDecisionFactory])
def test_a_handout_has_the_summary_qr_code_short_address_council_and_date(client, media_root, make):
    item = make()
    code, response = handout_of(client, item)

    page = Page.of(response)
    [sheet] = page.find_all("article", **{"class": "app-handout"})
    text = sheet.text
    assert page.texts("h1") == [str(item.short_title if make is PriorityFactory else item.title)]
    assert settings.ORGANISATION_NAME in text
    assert f"{settings.SITE_URL.split('//')[1]}/s/{code}" in text
    today = timezone.localdate()
    assert f"Printed on {today.day} {today:%B} {today.year}" in text
    [qr] = [e for e in page.inside(sheet) if e.tag == "img"]
    assert qr.attrs["src"] == reverse("sharing:qr-svg", args=[code])
    summary = {
        PriorityFactory: lambda: item.pledge,
        PressReleaseFactory: lambda: item.standfirst,
        CabinetDecisionFactory: lambda: item.summary_for_families,
    }[make]()
    assert " ".join(summary.split()) in text
    # Only the sheet goes to paper; the page around it says how to print it.
    stylesheets = [e.attrs["href"] for e in page.find_all("link", rel="stylesheet")]
    assert "/static/css/handout.css" in stylesheets and "/static/css/handout-a4.css" in stylesheets
    assert page.find_all("meta", name="robots", content="noindex")


def test_the_a5_handout_is_on_a5_paper(client, media_root):
    _, response = handout_of(client, PriorityFactory(), "handout-a5")

    page = Page.of(response)
    stylesheets = [e.attrs["href"] for e in page.find_all("link", rel="stylesheet")]
    assert "/static/css/handout-a5.css" in stylesheets
    assert "/static/css/handout-a4.css" not in stylesheets
    css = (settings.BASE_DIR / "static" / "css" / "handout-a5.css").read_text()
    assert "size: A5" in css


def pdf_of(response):
    assert response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


@pytest.mark.parametrize("size, paper", [("a4", (595, 842)), ("a5", (420, 595))])
def test_a_handout_pdf_is_one_titled_tagged_page_of_real_text(client, media_root, size, paper):
    item = CabinetDecisionFactory(title="Cabinet agrees the new SEND strategy")
    name = "handout-pdf" if size == "a4" else "handout-pdf-a5"
    code, response = handout_of(client, item, name)

    assert response["Content-Disposition"] == (
        f'attachment; filename="{item.slug}-handout-{size}.pdf"'
    )
    pdf = pdf_of(response)
    assert len(pdf.pages) == 1
    box = pdf.pages[0].mediabox
    assert (round(box.width), round(box.height)) == paper
    assert pdf.metadata.title == f"{item.title}: handout - {settings.SITE_NAME}"
    assert pdf.metadata.author == settings.ORGANISATION_NAME
    catalog = pdf.trailer["/Root"]
    assert catalog["/Lang"] == "en-GB"
    assert catalog["/MarkInfo"]["/Marked"]
    tags = [kid.get_object()["/S"] for kid in structure(catalog["/StructTreeRoot"])]
    assert "/H1" in tags and "/Figure" in tags and "/P" in tags
    text = " ".join(pdf.pages[0].extract_text().split())
    assert "Cabinet agrees the new SEND strategy" in text
    assert f"/s/{code}" in text
    assert settings.ORGANISATION_NAME in text


def structure(node):
    """Every element of a PDF's structure tree, depth first."""
    node = node.get_object()
    kids = node.get("/K", [])
    kids = kids if isinstance(kids, list) else [kids]
    for kid in kids:
        kid = kid.get_object()
        if hasattr(kid, "get") and "/S" in kid:
            yield kid
            yield from structure(kid)


@pytest.mark.parametrize("name", ["handout-pdf", "handout-pdf-a5"])
def test_a_long_summary_still_fits_one_page(client, media_root, name):
    item = CabinetDecisionFactory(
        title="A decision with a long title that runs over two lines of the handout " * 2,
        summary_for_families="\n\n".join(["A sentence of plain words for families. " * 12] * 8),
    )

    _, response = handout_of(client, item, name)

    pdf = pdf_of(response)
    assert len(pdf.pages) == 1
    assert "…" in pdf.pages[0].extract_text()  # cut short; the QR code leads to the rest


def test_a_handout_fetches_nothing_from_the_network(client, media_root):
    fetcher = handouts.local_only()
    for url in ["http://127.0.0.1:9/x.png", "https://example.org/x.css", "file:///etc/passwd"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    item = CabinetDecisionFactory(
        summary_for_families="![A picture](http://127.0.0.1:9/picture.png) and words."
    )

    _, response = handout_of(client, item, "handout-pdf")

    assert "and words." in pdf_of(response).pages[0].extract_text()


# Counting follows ----------------------------------------------------------------------


def counts(code):
    link = ShortLink.objects.get(code=code)
    return list(link.follow_counts.values_list("week", "link_follows", "qr_follows"))


def monday():
    today = timezone.localdate()
    return today - timedelta(days=today.weekday())


def test_each_follow_is_counted_even_when_the_page_cache_answers(site, media_root):
    item = PriorityFactory()
    code = code_via(site, item.get_absolute_url())

    answers = [site.served_from_cache(f"/s/{code}") for _ in range(3)]
    answers += [site.served_from_cache(f"/s/{code.upper()}/qr") for _ in range(2)]

    assert {(r.status_code, r.headers["location"]) for r, _ in answers} == {
        (302, item.get_absolute_url())
    }
    assert [cached for _, cached in answers] == [False, True, True, False, True]
    assert counts(code) == [(monday(), 3, 2)]
    # Browsers and nginx ask again each time, so every follow reaches the counter.
    assert answers[1][0].headers["cache-control"] == "public, max-age=0, must-revalidate"


def test_following_a_link_leaves_the_page_cache_as_it_was(site, media_root):
    item = PriorityFactory()
    code = code_via(site, item.get_absolute_url())
    site.get(item.get_absolute_url())
    version = page_cache.cache.get(page_cache.VERSION_KEY)

    site.get(f"/s/{code}")  # the week's first follow: a new row of counts

    assert page_cache.cache.get(page_cache.VERSION_KEY) == version
    assert site.served_from_cache(item.get_absolute_url())[1]


def test_a_kept_redirect_follows_a_rename(site, media_root):
    item = PressReleaseFactory(slug="old-name")
    code = code_via(site, item.get_absolute_url())
    site.get(f"/s/{code}")

    item.slug = "new-name"
    item.save()

    assert site.get(f"/s/{code}").headers["location"] == reverse("news:detail", args=["new-name"])
    item.status = Status.DRAFT
    item.save()
    assert site.get(f"/s/{code}").status_code == 410
    assert counts(code) == [(monday(), 3, 0)]


@pytest.mark.parametrize(
    "visitor",
    [
        {"method": "HEAD"},
        {"user_agent": "WhatsApp/2.23.20.0 A"},
        {"user_agent": "facebookexternalhit/1.1"},
        {"user_agent": "Mozilla/5.0 (compatible; Googlebot/2.1)"},
        {"sec_purpose": "prefetch"},
    ],
    ids=["HEAD", "WhatsApp preview", "Facebook preview", "search engine", "prefetch"],
)
def test_link_previews_robots_and_prefetches_are_not_counted(site, media_root, visitor):
    code = code_via(site, PriorityFactory().get_absolute_url())

    assert site.get(f"/s/{code}", **visitor).status_code == 302

    assert counts(code) == []


def test_a_count_that_fails_never_stops_the_visitor(site, media_root, monkeypatch, caplog):
    item = PriorityFactory()
    code = code_via(site, item.get_absolute_url())

    def broken(code, via):
        raise ConnectionError("the database is away")

    monkeypatch.setattr(shortlinks, "count_follow", broken)
    response = site.get(f"/s/{code}")

    assert (response.status_code, response.headers["location"]) == (302, item.get_absolute_url())
    assert "could not count a follow (ConnectionError('the database is away'))" in caplog.text


def test_staff_checking_their_links_are_not_counted(site, media_root, django_user_model):
    code = code_via(site, PriorityFactory().get_absolute_url())

    site.get(f"/s/{code}", cookie=staff_cookie(django_user_model))

    assert counts(code) == []


def test_counts_are_kept_per_iso_week(site, media_root):
    code = code_via(site, PriorityFactory().get_absolute_url())

    with time_machine.travel(date(2025, 3, 16), tick=False):  # a Sunday: week 11
        site.get(f"/s/{code}")
    with time_machine.travel(date(2025, 3, 17), tick=False):  # Monday: week 12
        site.get(f"/s/{code}/qr")
        site.get(f"/s/{code}")

    assert sorted(counts(code)) == [(date(2025, 3, 10), 1, 0), (date(2025, 3, 17), 1, 1)]


def test_nothing_about_a_visitor_is_kept(site, media_root):
    code = code_via(site, PriorityFactory().get_absolute_url())

    response = site.get(f"/s/{code}", user_agent="Mozilla/5.0 (iPhone)", x_forwarded_for="1.2.3.4")

    assert "set-cookie" not in response.headers
    assert [field.name for field in FollowCount._meta.get_fields()] == [
        "id",
        "link",
        "week",
        "link_follows",
        "qr_follows",
    ]
    assert [field.name for field in ShortLink._meta.concrete_fields] == [
        "id",
        "code",
        "content_type",
        "object_id",
        "page",
        "created_at",
    ]


def test_the_privacy_page_says_what_the_counts_keep(client, db):
    page = page_at(client, reverse("alerts:privacy"))

    assert "If you follow a short link or scan a QR code" in page.texts("h2")
    assert (
        "The count keeps no cookie, no internet address and nothing about your browser or "
        "phone, so it cannot tell who you are." in page.text
    )


# The admin -----------------------------------------------------------------------------


def rows_of(page):
    """The cells of each row of the page's tables, as text."""
    return [
        [cell.text for cell in page.inside(row) if cell.tag in ("th", "td")]
        for row in page.find_all("tr")
    ]


def test_the_admin_shows_each_links_follows_week_by_week(site, staff_client, media_root):
    item = PressReleaseFactory(title="Families shape the new strategy")
    code = code_via(site, item.get_absolute_url())
    with time_machine.travel(date(2025, 3, 12), tick=False):
        site.get(f"/s/{code}")
        site.get(f"/s/{code}/qr")
    with time_machine.travel(date(2025, 3, 19), tick=False):
        site.get(f"/s/{code}/qr")

    listing = page_at(staff_client, reverse("admin:sharing_shortlink_changelist"))
    [row] = [r for r in listing.find_all("tr") if "Families shape" in r.text]
    assert [cell.text for cell in listing.inside(row) if cell.tag in ("th", "td")][:4] == [
        f"{settings.SITE_URL.split('//')[1]}/s/{code}",
        "Press release: Families shape the new strategy",
        "1",
        "2",
    ]
    link = ShortLink.objects.get(code=code)
    detail = page_at(staff_client, reverse("admin:sharing_shortlink_change", args=[link.pk]))
    weeks = [
        ["Week 12, 2025 (from 17 March)", "0", "1", "1"],
        ["Week 11, 2025 (from 10 March)", "1", "1", "2"],
        ["In all", "1", "2", "3"],
    ]
    assert rows_of(detail)[-3:] == weeks
    # The press release's own form says it too.
    form = page_at(staff_client, reverse("admin:news_pressrelease_change", args=[item.pk]))
    assert rows_of(form)[-3:] == weeks


def test_editors_see_short_links_and_no_one_changes_them(editor_client, db, client):
    code = code_of(pack_on(client, PriorityFactory().get_absolute_url())["short_url"])
    link = ShortLink.objects.get(code=code)

    assert editor_client.get(reverse("admin:sharing_shortlink_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:sharing_shortlink_add")).status_code == 403
    assert (
        editor_client.get(reverse("admin:sharing_shortlink_delete", args=[link.pk])).status_code
        == 403
    )


# Hostile codes -------------------------------------------------------------------------

ODD_CODES = [
    "zzzz",  # could be one, but is not
    "0o1l",  # confusable characters are never in a code
    "bcd",  # too short
    "b" * 9,  # too long
    "b" * 500,
    "bcd%00",
    "%F0%9F%98%80%F0%9F%98%80",
    "b%2Fcd",
    "..%2F..",
    "%C3%A9bcd",
    "bcdf%20",
    "bcdf%0A",
]

SHORT_LINK_PATTERNS = [
    "sharing:short-link",
    "sharing:qr-follow",
    "sharing:qr-svg",
    "sharing:qr-png",
    "sharing:handout",
    "sharing:handout-a5",
    "sharing:handout-pdf",
    "sharing:handout-pdf-a5",
]


def address_with(name, segment):
    return reverse(name, args=["SLOT"]).replace("SLOT", segment)


@pytest.mark.parametrize("name", SHORT_LINK_PATTERNS)
def test_odd_codes_are_not_found_and_never_a_server_error(db, name):
    visitor = Client(raise_request_exception=False)
    PriorityFactory()  # a page, with no link made yet

    answers = {
        segment: visitor.get(address_with(name, segment)).status_code
        for segment in [*ODD_CODES, *payloads.PATH_SEGMENTS]
    }

    assert {segment: status for segment, status in answers.items() if status != 404} == {}


def test_odd_codes_through_the_counter_are_not_found_and_count_nothing(site, db):
    for segment in [*ODD_CODES, *payloads.PATH_SEGMENTS]:
        for path in [f"/s/{segment}", f"/s/{segment}/qr"]:
            assert site.get(path).status_code == 404, path
    assert not FollowCount.objects.exists()


# What it costs -------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 40])
def test_following_a_link_costs_the_same_queries_however_many_links(
    client, db, django_assert_max_num_queries, count
):
    items = PressReleaseFactory.create_batch(count)
    for item in items:
        client.get(item.get_absolute_url())
    code = ShortLink.objects.get(object_id=items[0].pk).code

    with django_assert_max_num_queries(2):  # the link, the item
        assert client.get(reverse("sharing:short-link", args=[code])).status_code == 302


@pytest.mark.parametrize("count", [1, 40])
def test_a_handout_costs_the_same_queries_however_much_content(
    client, media_root, django_assert_max_num_queries, count
):
    items = CabinetDecisionFactory.create_batch(count)
    code, _ = handout_of(client, items[0])

    with django_assert_max_num_queries(2):  # the link, the item
        assert client.get(reverse("sharing:handout", args=[code])).status_code == 200


def test_counting_a_follow_is_one_update(site, media_root):
    code = code_via(site, PriorityFactory().get_absolute_url())
    site.get(f"/s/{code}")  # the week's first: an insert

    with CaptureQueriesContext(connection) as queries:
        shortlinks.count_follow(code, shortlinks.LINK)

    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    assert [word for word in statements if word in ("SELECT", "INSERT", "UPDATE")] == ["UPDATE"]
    assert counts(code) == [(monday(), 2, 0)]


def test_the_share_panel_costs_no_query_once_the_link_is_made(client, db):
    item = PriorityFactory()
    client.get(item.get_absolute_url())  # makes it

    with CaptureQueriesContext(connection) as queries:
        assert pack_on(client, item.get_absolute_url())["short_url"]

    assert not [query for query in queries.captured_queries if "sharing_" in query["sql"]]
    content_type = ContentType.objects.get_for_model(Priority)
    assert cache.get(f"short-link:item:{content_type.pk}:{item.pk}")


# Real content --------------------------------------------------------------------------


def test_the_real_strategy_pages_share_and_print(client, real_content, media_root):
    for item in [
        *Priority.objects.all(),
        PressRelease.objects.get(),
        CabinetDecision.objects.get(),
    ]:
        code, response = handout_of(client, item, "handout-pdf")
        assert len(pdf_of(response).pages) == 1, item
        _, response = handout_of(client, item, "handout-pdf-a5")
        assert len(pdf_of(response).pages) == 1, item


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
def test_the_short_link_and_the_text_copy_with_a_click(
    live_server, browser_page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = browser_page
    item = PriorityFactory(short_title="Early help for families")
    page.goto(live_server.url + item.get_absolute_url())

    page.get_by_role("button", name="Copy short link").click()
    page.get_by_role("status").filter(has_text="Link copied").wait_for()
    short_url = page.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(rf"{settings.SITE_URL}/s/[{ALPHABET}]{{4}}", short_url)

    page.get_by_role("button", name="Copy text").click()
    page.get_by_role("status").filter(has_text="Text copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == (
        f"Early help for families\n{item.pledge}\n{short_url}"
    )
    assert page.get_by_role("img", name=re.compile("^QR code for ")).is_visible()
    assert page.evaluate("window.__cspViolations") == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_pack_is_there_to_select(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + PriorityFactory().get_absolute_url())

    assert page.get_by_role("button", name=re.compile("^Copy")).count() == 0  # not offered
    assert page.get_by_label("Short link").is_visible()
    assert page.get_by_label("Text for a post or message").is_visible()
    assert page.get_by_role("link", name="Print the handout (A4)").is_visible()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_printed_handout_is_the_sheet_alone(live_server, browser_page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = browser_page
    item = CabinetDecisionFactory(title="Cabinet agrees the new SEND strategy")
    page.goto(live_server.url + item.get_absolute_url())
    page.get_by_role("link", name="Print the handout (A4)").click()

    assert page.get_by_role("button", name="Print this handout").is_visible()
    page.emulate_media(media="print")

    for hidden in [".govuk-template__header", ".govuk-template__footer", ".app-handout-tools"]:
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.get_by_role("heading", level=1).inner_text() == item.title
    assert page.get_by_role("img", name=re.compile("^QR code")).is_visible()
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert len(pdf.pages) == 1
    assert (round(pdf.pages[0].mediabox.width), round(pdf.pages[0].mediabox.height)) == (595, 842)
    assert page.evaluate("window.__cspViolations") == []
