"""The Easy Read layout in a real browser: big text on phones, each picture on the left
of its words on wide screens, and no WCAG problems axe can find with pictures shown."""

import io

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import EasyReadPointFactory, EasyReadVersionFactory, ImageFactory
from tests.test_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def version_with_pictures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    version = EasyReadVersionFactory(title="Getting ready for adult life")
    for number, colour in enumerate(["teal", "orange"], start=1):
        buffer = io.BytesIO()
        Image.new("RGB", (300, 200), colour).save(buffer, "PNG")
        EasyReadPointFactory(
            version=version,
            order=number,
            text=f"This is idea {number}.\nIt has a picture.",
            image=ImageFactory(
                file=SimpleUploadedFile(f"idea-{number}.png", buffer.getvalue()),
                alt=f"A picture for idea {number}",
            ),
        )
    EasyReadPointFactory(version=version, order=3, text="This idea has no picture.")
    yield version
    cache.clear()


def open_at(browser, live_server, url, width):
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    assert page.goto(live_server.url + url).status == 200
    return context, page


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_pictures_sit_left_of_their_words_on_wide_screens_and_above_them_on_phones(
    browser, live_server, version_with_pictures
):
    url = version_with_pictures.get_absolute_url()

    context, page = open_at(browser, live_server, url, 1280)
    picture, words = box(page, ".app-easy-read__picture"), box(page, ".app-easy-read__text")
    assert picture["x"] + picture["width"] <= words["x"]  # beside, on the left
    assert abs(picture["y"] - words["y"]) < 5
    assert axe_violations(page) == []
    context.close()

    context, page = open_at(browser, live_server, url, 375)
    picture, words = box(page, ".app-easy-read__picture"), box(page, ".app-easy-read__text")
    assert picture["y"] + picture["height"] <= words["y"]  # stacked: no squeezed words
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.app-easy-read__text p')).fontSize)"
    )
    assert size >= 19
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_the_easy_read_link_on_a_priority_card_opens_the_easy_read_version(
    browser, live_server, width
):
    """The card's title link is stretched over the whole card; the Easy Read link must
    sit above it, or a click on it would open the standard page instead."""
    cache.clear()
    version = EasyReadVersionFactory(page__strategy__status="current")

    context, page = open_at(browser, live_server, "/priorities/", width)
    page.locator(".app-priority-list__easy-read a").first.click()
    page.wait_for_url(live_server.url + version.get_absolute_url())
    context.close()
    cache.clear()
