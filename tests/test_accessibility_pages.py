"""Families who need the site another way: another format and the accessibility
statement. (Where to find help now: tests/test_help_contacts.py.)"""

from datetime import date

import pytest
from django.urls import reverse

from accessibility.models import AccessibilityStatement, SiteSettings
from tests.html_page import Page
from tests.test_admin import admin_url, assert_saved, form_as_sent
from tests.test_pages import mistyped_url, public_urls
from tests.test_sharing import assert_sections_linkable


def accessibility_urls():
    return [reverse("accessibility:statement"), reverse("accessibility:formats")]


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page.of(response)


@pytest.fixture
def contact(real_content):
    """The contact for other formats, as an editor might fill it in."""
    SiteSettings.objects.update_or_create(
        pk=1,
        defaults={
            "formats_email": "formats@example.org",
            "formats_phone": "01234 000000",
            "formats_postal_address": "Example House\nExample Street",
            "relay_note": "Use Relay UK or a BSL video relay service.",
            "response_time": "within a test number of working days",
        },
    )


# The pages ----------------------------------------------------------------------------


def test_the_pages_open_with_one_heading_and_set_no_cookies(client, real_content):
    for url in accessibility_urls():
        response = client.get(url)
        assert response.status_code == 200, url
        assert len(Page.of(response).find_all("h1")) == 1, url
        assert not response.cookies, url


def test_each_section_of_the_pages_has_a_link_of_its_own(client, real_content):
    for url in accessibility_urls():
        assert assert_sections_linkable(get_page(client, url)), url


def test_the_statement_shows_the_fixture_text_in_the_required_sections(client, real_content):
    page = get_page(client, reverse("accessibility:statement"))

    assert page.texts("h1") == ["Accessibility statement"]
    assert page.texts("h2")[:6] == [
        "Compliance status",
        "Non-accessible content",
        "Ask for another format",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Preparation of this accessibility statement",
    ]
    assert (
        "This website is partially compliant with the Web Content Accessibility Guidelines "
        "version 2.2 AA standard" in page.text
    )
    assert "automated accessibility tests" in page.text
    assert "Equality and Human Rights Commission (EHRC)" in page.text
    assert "Equality Advisory and Support Service (EASS)" in page.text
    assert "Last reviewed Not yet reviewed" in page.text
    assert reverse("accessibility:formats") in page.hrefs


def test_the_statement_gives_the_review_date_once_there_is_one(client, real_content):
    AccessibilityStatement.objects.update(
        last_reviewed_on=date(2030, 1, 2),
        compliance_status=AccessibilityStatement.Compliance.FULLY,
    )

    page = get_page(client, reverse("accessibility:statement"))

    assert "Last reviewed 2 January 2030" in page.text
    assert "This website is fully compliant" in page.text
    assert "This website is partially compliant" not in page.text


def test_the_statement_page_opens_before_anything_is_written(client, db):
    page = get_page(client, reverse("accessibility:statement"))

    assert "Not yet reviewed" in page.text
    assert "have not been published on this site yet" in page.text


def test_the_formats_page_explains_each_format(client, real_content):
    page = get_page(client, reverse("accessibility:formats"))

    assert page.texts("h1") == ["Ask for another format"]
    for words in ["Easy Read", "large print", "audio", "British Sign Language (BSL)"]:
        assert words in page.text


@pytest.mark.parametrize("url", accessibility_urls(), ids=["statement", "formats"])
def test_without_contact_details_the_pages_say_so_honestly(client, real_content, url):
    page = get_page(client, url)

    assert "have not been published on this site yet" in page.text
    assert "the council's main website" in page.text
    assert not [href for href in page.hrefs if href and href.startswith(("mailto:", "tel:"))]


@pytest.mark.parametrize("url", accessibility_urls(), ids=["statement", "formats"])
def test_the_contact_details_appear_once_set(client, contact, url):
    page = get_page(client, url)

    assert "mailto:formats@example.org" in page.hrefs
    assert "01234 000000" in page.text
    assert "tel:01234000000" in page.hrefs
    assert "Example House" in page.text and "Example Street" in page.text
    assert "Relay UK" in page.text
    assert "We will reply within a test number of working days." in page.text
    assert "have not been published on this site yet" not in page.text


# The footer ---------------------------------------------------------------------------


def test_every_page_links_to_the_statement_and_other_formats_from_the_footer(client, real_content):
    wanted = set(accessibility_urls())
    for url in [*public_urls(), *accessibility_urls(), mistyped_url()]:
        page = Page.of(client.get(url))
        [footer] = page.find_all("footer")
        hrefs = {e.attrs.get("href") for e in page.inside(footer) if e.tag == "a"}
        assert wanted <= hrefs, url
    for link in wanted:
        assert client.get(link).status_code == 200


@pytest.mark.parametrize("url", accessibility_urls(), ids=["statement", "formats"])
def test_the_accessibility_pages_cost_three_queries(
    client, real_content, django_assert_max_num_queries, url
):
    # The statement, the contact for other formats and the council's help contact. The
    # statement asks whether it has an Easy Read version: one query on a cold cache for
    # every page's answer at once (easyread/pairings.py), none once warm.
    client.get(url)
    with django_assert_max_num_queries(3):
        assert client.get(url).status_code == 200


# The admin ----------------------------------------------------------------------------


def test_staff_can_add_the_contact_details_and_see_them(staff_client, db):
    response = staff_client.post(
        admin_url(SiteSettings, "add"),
        {"formats_email": "formats@example.org", "formats_phone": "", "response_time": ""},
    )

    assert_saved(response)
    assert SiteSettings.load().formats_email == "formats@example.org"
    assert (
        "mailto:formats@example.org"
        in get_page(staff_client, reverse("accessibility:formats")).hrefs
    )
    # One row only: no second one, and it cannot be deleted.
    assert staff_client.get(admin_url(SiteSettings, "add")).status_code == 403


def test_staff_can_change_the_contact_details(staff_client, real_content):
    url = admin_url(SiteSettings, "change", 1)
    data = form_as_sent(staff_client.get(url))
    data["formats_phone"] = ["01234 000000"]

    assert_saved(staff_client.post(url, data))

    assert SiteSettings.load().formats_phone == "01234 000000"


def test_staff_can_add_the_statement(staff_client, db):
    response = staff_client.post(
        admin_url(AccessibilityStatement, "add"),
        {
            "compliance_status": "not",
            "compliance_text": "We are working on it.",
            "non_accessible_content": "### A known issue\n\nSomething.",
            "reporting_problems": "Tell us.",
            "enforcement_procedure": "The EHRC enforces the regulations.",
            "preparation": "Prepared by the team.",
            "last_reviewed_on": "",
        },
    )

    assert_saved(response)
    page = get_page(staff_client, reverse("accessibility:statement"))
    assert "This website is not compliant" in page.text
    assert "A known issue" in page.texts("h3")


def test_staff_can_change_the_statement_review_date(staff_client, real_content):
    url = admin_url(AccessibilityStatement, "change", 1)
    data = form_as_sent(staff_client.get(url))
    data["last_reviewed_on"] = ["2/1/2030"]

    assert_saved(staff_client.post(url, data))

    assert AccessibilityStatement.load().last_reviewed_on == date(2030, 1, 2)
