"""Easy Read versions: "Read it the easy way", paired with the standard pages."""

import io
from datetime import timedelta

import pytest
import time_machine
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accessibility.models import AccessibilityStatement
from easyread import pairings
from easyread.models import EasyReadPoint, EasyReadVersion
from easyread.pairings import CACHE_KEY
from news.models import PressRelease
from priorities.models import Priority, Strategy
from publishing.models import PreviewLink, Status
from tests.factories import (
    CabinetDecisionFactory,
    EasyReadPointFactory,
    EasyReadVersionFactory,
    PressReleaseFactory,
    PriorityFactory,
    StrategyFactory,
)
from tests.html_page import Page
from tests.test_admin import form_as_sent

TO_EASY_READ = "Read this in Easy Read"
TO_STANDARD = "Read the standard version"


@pytest.fixture(autouse=True)
def forget_cached_pairings():
    """The cache outlives each test's database rollback: start and end with it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def public():
    return Client()


def link_to(response, words):
    """The address of the link with these words, or None."""
    page = Page.of(response)
    for link in page.find_all("a"):
        if link.text.strip() == words:
            return link.attrs["href"]
    return None


def statement():
    page = AccessibilityStatement(compliance_status="partially")
    page.save()
    return page


PAGES = {
    "priority": lambda: PriorityFactory(),
    "press-release": lambda: PressReleaseFactory(),
    "decision": lambda: CabinetDecisionFactory(),
    "accessibility-statement": statement,
}
EASY_READ_URLS = {
    "priority": lambda page: reverse("easyread:priority", kwargs={"slug": page.slug}),
    "press-release": lambda page: reverse("easyread:press-release", kwargs={"slug": page.slug}),
    "decision": lambda page: reverse("easyread:decision", kwargs={"slug": page.slug}),
    "accessibility-statement": lambda page: reverse("easyread:accessibility-statement"),
}


# Paired pages --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", PAGES)
def test_a_page_and_its_easy_read_version_link_to_each_other(public, db, kind):
    page = PAGES[kind]()
    version = EasyReadVersionFactory(page=page, title="Our plan, the easy way")
    EasyReadPointFactory(version=version, text="We will listen to you.\nWe will act on it.")
    easy_read_url = EASY_READ_URLS[kind](page)

    standard = public.get(page.get_absolute_url())
    assert link_to(standard, TO_EASY_READ) == easy_read_url

    easy_read = public.get(easy_read_url)
    assert easy_read.status_code == 200
    text = Page.of(easy_read)
    assert Page.of(easy_read).texts("h1") == ["Our plan, the easy way"]
    assert "We will listen to you." in text.text and "We will act on it." in text.text
    assert link_to(easy_read, TO_STANDARD) == page.get_absolute_url()
    assert version.get_absolute_url() == easy_read_url


def test_each_line_of_a_point_is_its_own_paragraph(public, db):
    version = EasyReadVersionFactory()
    EasyReadPointFactory(version=version, text="First short line.\n\nSecond short line.")

    page = Page.of(public.get(version.get_absolute_url()))

    assert "First short line." in page.texts("p")
    assert "Second short line." in page.texts("p")


def test_a_page_without_an_easy_read_version_has_no_link_and_no_easy_read_page(public, db):
    priority = PriorityFactory()

    assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ) is None
    response = public.get(reverse("easyread:priority", kwargs={"slug": priority.slug}))
    assert response.status_code == 404


def test_the_link_appears_as_soon_as_a_version_is_published(public, db):
    priority = PriorityFactory()
    version = EasyReadVersionFactory(page=priority, status=Status.DRAFT, published_at=None)
    assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ) is None  # now cached

    version.status = Status.PUBLISHED
    version.save()

    assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ) == (
        version.get_absolute_url()
    )


def test_the_link_goes_when_the_version_is_deleted(public, db):
    priority = PriorityFactory()
    version = EasyReadVersionFactory(page=priority)
    assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ)

    version.delete()

    assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ) is None


# Lists of pages: search results and the priority cards --------------------------------


def test_a_search_result_with_an_easy_read_version_links_to_it(public, db):
    priority = PriorityFactory(number=3, short_title="Timely planning", pledge="Plans on time")
    version = EasyReadVersionFactory(page=priority)
    PressReleaseFactory(title="Timely plans for every child")  # no Easy Read version

    response = public.get(reverse("search"), {"q": "timely"})

    page = Page.of(response)
    assert len(page.find_all("li", **{"class": "app-summary-item"})) == 2
    links = [link for link in page.find_all("a") if link.text.startswith("Easy Read version")]
    assert [(link.text, link.attrs["href"]) for link in links] == [
        ("Easy Read version of priority 3: Timely planning", version.get_absolute_url())
    ]


@pytest.mark.parametrize("address", ["/", "/priorities/"])
def test_a_priority_card_links_to_its_published_easy_read_version_only(public, db, address):
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)  # the home page's strategy
    with_version, with_draft, without = (
        PriorityFactory(strategy=strategy, number=1, short_title="Families as partners"),
        PriorityFactory(strategy=strategy, number=2, short_title="Right support"),
        PriorityFactory(strategy=strategy, number=3, short_title="Timely planning"),
    )
    version = EasyReadVersionFactory(page=with_version)
    EasyReadVersionFactory(page=with_draft, status=Status.DRAFT, published_at=None)

    response = public.get(address)

    assert link_to(response, "Easy Read version of priority 1: Families as partners") == (
        version.get_absolute_url()
    )
    text = Page.of(response).text
    assert "Easy Read version of priority 2" not in text
    assert "Easy Read version of priority 3" not in text
    assert without.short_title in text


def test_easy_read_links_on_a_list_cost_no_query_while_the_pairings_are_cached(public, db):
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    priorities = [PriorityFactory(strategy=strategy, number=n) for n in range(1, 7)]
    public.get("/priorities/")  # the pairings are read and cached
    with CaptureQueriesContext(connection) as without_versions:
        public.get("/priorities/")
    for priority in priorities:
        EasyReadVersionFactory(page=priority)
    public.get("/priorities/")

    with CaptureQueriesContext(connection) as with_versions:
        response = public.get("/priorities/")

    assert response.content.decode().count("Easy Read version") == 6
    assert len(with_versions) == len(without_versions)


# Drafts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state",
    [
        {"status": Status.DRAFT, "published_at": None},
        {"status": Status.IN_REVIEW, "published_at": None},
        {"status": Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=2)},
    ],
    ids=["draft", "in review", "scheduled"],
)
def test_the_public_never_sees_an_unpublished_version(public, staff_client, db, state):
    priority = PriorityFactory()
    version = EasyReadVersionFactory(page=priority, **state)

    assert public.get(version.get_absolute_url()).status_code == 404
    assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ) is None

    response = staff_client.get(version.get_absolute_url())
    assert response.status_code == 200
    assert "Draft - not published" in Page.of(response).text
    assert "no-store" in response.headers["Cache-Control"]


def test_the_easy_read_version_of_an_unpublished_press_release_is_hidden_too(public, db):
    press_release = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    version = EasyReadVersionFactory(page=press_release)

    assert public.get(version.get_absolute_url()).status_code == 404


def test_a_renamed_press_release_easy_read_address_moves_with_it(public, db):
    press_release = PressReleaseFactory(slug="old-name")
    EasyReadVersionFactory(page=press_release)
    press_release.slug = "new-name"
    press_release.save()

    response = public.get(reverse("easyread:press-release", kwargs={"slug": "old-name"}))

    assert response.status_code == 301
    assert response["Location"] == reverse("easyread:press-release", kwargs={"slug": "new-name"})


def test_the_sitemap_lists_published_versions_only(public, db):
    published = EasyReadVersionFactory()
    draft = EasyReadVersionFactory(status=Status.DRAFT, published_at=None)

    sitemap = public.get(reverse("sitemap")).content.decode()

    assert published.get_absolute_url() in sitemap
    assert draft.get_absolute_url() not in sitemap


# Needs review --------------------------------------------------------------------------


def admin_list(client, **filters):
    return Page.of(client.get(reverse("admin:easyread_easyreadversion_changelist"), filters))


def test_editing_the_standard_page_flags_the_easy_read_version_until_it_is_checked(
    staff_client, db
):
    priority = PriorityFactory(short_title="Preparing for adulthood")
    version = EasyReadVersionFactory(page=priority, title="Getting ready for adult life")
    EasyReadPointFactory(version=version)
    assert "⚠ Needs review" not in admin_list(staff_client).text

    priority.pledge = "A reworded pledge."
    priority.save()

    listing = admin_list(staff_client)
    assert "⚠ Needs review" in listing.text
    assert "Getting ready for adult life" in admin_list(staff_client, review="needed").text
    assert "Getting ready for adult life" not in admin_list(staff_client, review="done").text
    change_url = reverse("admin:easyread_easyreadversion_change", args=[version.pk])
    form = Page.of(staff_client.get(change_url))
    assert "the standard page was changed on" in form.text

    response = staff_client.post(change_url, form_data(staff_client, change_url, mark_checked="on"))

    assert response.status_code == 302, Page.of(response).text
    assert "⚠ Needs review" not in admin_list(staff_client).text
    assert "✓ Up to date" in admin_list(staff_client).text
    assert "Getting ready for adult life" in admin_list(staff_client, review="done").text


def test_saving_without_ticking_checked_keeps_the_flag(staff_client, db):
    priority = PriorityFactory()
    version = EasyReadVersionFactory(page=priority)
    EasyReadPointFactory(version=version)
    priority.save()
    change_url = reverse("admin:easyread_easyreadversion_change", args=[version.pk])

    response = staff_client.post(change_url, form_data(staff_client, change_url))

    assert response.status_code == 302
    assert "⚠ Needs review" in admin_list(staff_client).text


def test_a_version_nobody_has_checked_needs_review(db):
    version = EasyReadVersionFactory(checked_at=None)

    assert version.needs_review
    assert list(EasyReadVersion.objects.needs_review()) == [version]


def form_data(client, url, **changes):
    """What the admin's change form sends back unchanged, plus `changes`."""
    data = form_as_sent(client.get(url))
    data.update({name: [value] for name, value in changes.items()})
    return data


# Editing -------------------------------------------------------------------------------


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("picture.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def add_form(priority, **point):
    content_type = ContentType.objects.get_for_model(Priority)
    return {
        "standard_page": f"{content_type.pk}:{priority.pk}",
        "title": "Families as true partners",
        "intro": "This page is about our plan.",
        "status": Status.DRAFT,
        "points-TOTAL_FORMS": "1",
        "points-INITIAL_FORMS": "0",
        "points-MIN_NUM_FORMS": "1",
        "points-MAX_NUM_FORMS": "1000",
        "points-0-text": "We will listen to you.",
        "points-0-order": "1",
        **{f"points-0-{name}": value for name, value in point.items()},
    }


def test_a_picture_needs_alt_text(staff_client, db, media_root):
    priority = PriorityFactory()

    response = staff_client.post(
        reverse("admin:easyread_easyreadversion_add"), add_form(priority, image=png())
    )

    assert response.status_code == 200
    assert "Describe the picture for people who cannot see it" in Page.of(response).text
    assert not EasyReadVersion.objects.exists()


def test_a_picture_with_alt_text_is_shown_beside_its_words(staff_client, public, db, media_root):
    priority = PriorityFactory()
    data = add_form(priority, image=png(), image_alt="A parent and a teacher talking")
    data["status"] = Status.PUBLISHED

    response = staff_client.post(reverse("admin:easyread_easyreadversion_add"), data)

    assert response.status_code == 302, Page.of(response).text
    [point] = EasyReadPoint.objects.all()
    page = Page.of(public.get(point.version.get_absolute_url()))
    [image] = page.find_all("img", alt="A parent and a teacher talking")
    assert image.attrs["width"] and image.attrs["height"]


def test_a_page_can_have_only_one_easy_read_version(staff_client, db):
    priority = PriorityFactory()
    EasyReadVersionFactory(page=priority)

    response = staff_client.post(reverse("admin:easyread_easyreadversion_add"), add_form(priority))

    assert response.status_code == 200
    assert "This page already has an Easy Read version" in Page.of(response).text
    assert EasyReadVersion.objects.count() == 1


def test_an_editor_writes_drafts_and_a_publisher_publishes(editor_client, publisher_client, db):
    priority = PriorityFactory()
    data = add_form(priority)
    data["status"] = Status.PUBLISHED

    refused = editor_client.post(reverse("admin:easyread_easyreadversion_add"), data)
    assert refused.status_code == 200
    assert "Only a publisher can publish" in Page.of(refused).text

    data["status"] = Status.IN_REVIEW
    submitted = editor_client.post(reverse("admin:easyread_easyreadversion_add"), data)
    assert submitted.status_code == 302
    version = EasyReadVersion.objects.get()
    change_url = reverse("admin:easyread_easyreadversion_change", args=[version.pk])
    published = publisher_client.post(
        change_url, form_data(publisher_client, change_url, status=Status.PUBLISHED)
    )
    assert published.status_code == 302
    version.refresh_from_db()
    assert version.is_published


def test_admin_saves_keep_a_history(staff_client, db):
    priority = PriorityFactory()
    staff_client.post(reverse("admin:easyread_easyreadversion_add"), add_form(priority))
    version = EasyReadVersion.objects.get()

    history = staff_client.get(reverse("admin:easyread_easyreadversion_history", args=[version.pk]))

    assert history.status_code == 200
    assert "Families as true partners" in Page.of(history).text


# The real content ----------------------------------------------------------------------


def test_the_six_priorities_have_published_easy_read_versions(public, real_content):
    for priority in Priority.objects.order_by("number"):
        version = EasyReadVersion.objects.for_page(priority).published().get()
        points = list(version.points.all())
        assert priority.short_title in version.title
        assert f"priority {priority.number}" in version.intro
        assert 4 <= len(points) <= 7
        assert not any(point.image for point in points)  # no pictures were supplied
        assert not version.needs_review
        response = public.get(priority.get_absolute_url())
        assert link_to(response, TO_EASY_READ) == version.get_absolute_url()
        assert public.get(version.get_absolute_url()).status_code == 200


def test_the_press_release_has_no_easy_read_version_yet(public, real_content):
    press_release = PressRelease.objects.get()

    assert link_to(public.get(press_release.get_absolute_url()), TO_EASY_READ) is None


# Cost ----------------------------------------------------------------------------------


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_link_costs_no_query_on_a_warm_cache(public, db):
    paired, unpaired = PriorityFactory.create_batch(2)
    EasyReadVersionFactory(page=paired)
    public.get(unpaired.get_absolute_url())  # warms the cache
    public.get(paired.get_absolute_url())  # makes its short link, once (tests/test_share_pack.py)

    with_link = queries_for(public, paired.get_absolute_url())

    assert link_to(public.get(paired.get_absolute_url()), TO_EASY_READ)
    assert len(with_link) == len(queries_for(public, unpaired.get_absolute_url()))
    assert not [sql for sql in with_link if "easyread" in sql]


@pytest.mark.parametrize("address", ["/", "/priorities/", "/search/?q=priority+title"])
def test_a_list_reads_the_cached_pairings_once_however_many_links_it_shows(
    public, db, monkeypatch, address
):
    # Each read from a shared cache is a round trip to Redis: once per page, not per link.
    strategy = StrategyFactory(status=Strategy.Status.CURRENT)
    for number in range(1, 7):
        EasyReadVersionFactory(page=PriorityFactory(strategy=strategy, number=number))
    reads = []

    class CountingCache:
        def get(self, key, *args, **kwargs):
            reads.append(key)
            return cache.get(key, *args, **kwargs)

        def __getattr__(self, name):
            return getattr(cache, name)

    monkeypatch.setattr(pairings, "cache", CountingCache())

    response = public.get(address)

    assert Page.of(response).text.count("Easy Read version of priority") == 6
    assert reads.count(CACHE_KEY) == 1


def test_the_list_of_pairings_is_read_once_then_cached(public, db):
    priority = PriorityFactory()
    EasyReadVersionFactory(page=priority)
    public.get(priority.get_absolute_url())  # warms every cache the page uses
    warm = queries_for(public, priority.get_absolute_url())

    cache.delete(CACHE_KEY)

    cold = queries_for(public, priority.get_absolute_url())
    assert len(cold) == len(warm) + 1
    assert len([sql for sql in cold if "easyread" in sql]) == 1


@pytest.mark.parametrize("kind", PAGES)
def test_a_change_to_any_kind_of_standard_page_flags_its_easy_read_version(db, kind):
    page = PAGES[kind]()
    version = EasyReadVersionFactory(page=page, checked_at=timezone.now() - timedelta(hours=1))
    other = EasyReadVersionFactory(checked_at=timezone.now() + timedelta(hours=1))

    page.save()

    assert version.needs_review and not other.needs_review
    assert list(EasyReadVersion.objects.needs_review()) == [version]
    assert list(EasyReadVersion.objects.up_to_date()) == [other]


def test_a_preview_link_shows_a_draft_easy_read_version_to_someone_without_an_account(public, db):
    version = EasyReadVersionFactory(status=Status.DRAFT, published_at=None, title="Plan")
    EasyReadPointFactory(version=version, text="We will listen to you.")
    link = PreviewLink.objects.create(item=version)

    response = public.get(link.get_absolute_url())

    assert response.status_code == 200
    page = Page.of(response)
    assert page.texts("h1") == ["Plan"]
    assert "We will listen to you." in page.text
    assert "This is a private preview" in page.text


def test_editors_can_list_only_one_type_of_page(staff_client, db):
    EasyReadVersionFactory(page=PriorityFactory(), title="About a priority")
    EasyReadVersionFactory(page=PressReleaseFactory(), title="About some news")

    listing = admin_list(staff_client, type="news-pressrelease")

    assert "About some news" in listing.text
    assert "About a priority" not in listing.text
    assert "Press release" in listing.text  # the filter speaks the editors' words


# Pictures of people --------------------------------------------------------------------

CONSENT_MESSAGE = (
    "The picture beside “We will listen to you.” shows people. Record consent from everyone "
    "in it (for a child, from a parent or carer) and tick this box before publishing."
)


def draft_with_a_picture_of_people(client):
    """An editor saves a draft whose point has a picture of people, consent not yet in."""
    data = add_form(
        PriorityFactory(),
        image=png(),
        image_alt="A parent and a teacher talking",
        image_shows_people="on",
    )
    response = client.post(reverse("admin:easyread_easyreadversion_add"), data)
    assert response.status_code == 302, Page.of(response).text
    version = EasyReadVersion.objects.get()
    return version, reverse("admin:easyread_easyreadversion_change", args=[version.pk])


def test_a_draft_with_a_picture_of_people_saves_before_consent_is_recorded(
    publisher_client, db, media_root
):
    version, _ = draft_with_a_picture_of_people(publisher_client)

    [point] = version.points.all()
    assert point.image and point.image.shows_people and not point.image.consent_recorded
    assert version.status == Status.DRAFT


def test_a_picture_of_people_cannot_be_published_without_consent(
    publisher_client, public, db, media_root
):
    version, change_url = draft_with_a_picture_of_people(publisher_client)
    data = form_data(publisher_client, change_url, status=Status.PUBLISHED, title="A new title")

    response = publisher_client.post(change_url, data)

    assert response.status_code == 200
    assert CONSENT_MESSAGE in Page.of(response).text
    version.refresh_from_db()
    assert version.status == Status.DRAFT  # nothing of the refused save was kept
    assert version.title == "Families as true partners"
    assert public.get(version.get_absolute_url()).status_code == 404


def test_recording_consent_lets_a_picture_of_people_be_published(
    publisher_client, public, db, media_root
):
    version, change_url = draft_with_a_picture_of_people(publisher_client)
    data = form_data(
        publisher_client,
        change_url,
        status=Status.PUBLISHED,
        **{"points-0-image_consent_recorded": "on"},
    )

    response = publisher_client.post(change_url, data)

    assert response.status_code == 302, Page.of(response).text
    page = Page.of(public.get(version.get_absolute_url()))
    assert page.find_all("img", alt="A parent and a teacher talking")


def test_a_picture_that_shows_nobody_needs_no_consent(publisher_client, public, db, media_root):
    data = add_form(PriorityFactory(), image=png(), image_alt="A green tick")
    data["status"] = Status.PUBLISHED  # "the picture shows people" left unticked

    response = publisher_client.post(reverse("admin:easyread_easyreadversion_add"), data)

    assert response.status_code == 302, Page.of(response).text
    version = EasyReadVersion.objects.get()
    assert Page.of(public.get(version.get_absolute_url())).find_all("img", alt="A green tick")


def test_a_published_version_cannot_gain_a_picture_of_people_without_consent(
    publisher_client, db, media_root
):
    version = EasyReadVersionFactory(title="Plan")
    EasyReadPointFactory(version=version, text="We will listen to you.")
    change_url = reverse("admin:easyread_easyreadversion_change", args=[version.pk])
    data = form_data(publisher_client, change_url)
    data["points-0-image"] = [png()]
    data["points-0-image_alt"] = ["A parent and a teacher talking"]
    data["points-0-image_shows_people"] = ["on"]

    response = publisher_client.post(change_url, data)

    assert response.status_code == 200
    assert CONSENT_MESSAGE in Page.of(response).text
    assert not version.points.get().image


def test_the_point_form_offers_the_consent_boxes_beside_the_picture(staff_client, db):
    page = Page.of(staff_client.get(reverse("admin:easyread_easyreadversion_add")))

    assert "The picture shows people" in page.text
    assert "Untick only if nobody can be recognised in the picture." in page.text
    assert "Consent recorded for everyone in the picture" in page.text
    assert "Needed before a picture of people can be published." in page.text


def test_a_scheduled_version_is_linked_at_its_moment_while_the_pairings_are_cached(public, db):
    moment = timezone.now() + timedelta(hours=2)
    priority = PriorityFactory()
    EasyReadVersionFactory(page=PriorityFactory())  # something to cache
    EasyReadVersionFactory(page=priority, published_at=moment)

    with time_machine.travel(moment - timedelta(seconds=1), tick=False):
        assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ) is None
        assert cache.get(CACHE_KEY) is not None
    with time_machine.travel(moment, tick=False):
        assert link_to(public.get(priority.get_absolute_url()), TO_EASY_READ)
