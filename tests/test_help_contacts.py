"""Families find someone who can help, and a way to reach them: the "Get help" page,
each priority's "Need help now?" box, and the council's contact on the pages that ask
them to get in touch. Editors keep the contacts; a contact with no way to reach it is
never shown as help, and the admin home says which those are."""

from pathlib import Path

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accessibility.models import SiteSettings
from helpcontacts.models import HelpContact
from priorities.models import Priority
from tests.factories import HelpContactFactory, PriorityFactory
from tests.html_page import Page
from tests.test_admin import admin_url, assert_saved, form_as_sent
from tests.test_glossary import GLOSSARY_LINK_CLASS
from tests.test_migrations import back_to_latest, leaf, migrate  # noqa: F401 - a fixture
from tests.test_sharing import assert_sections_linkable

SOURCES_NAME = ["Wiltshire Parent Carer Council", "Wiltshire Council"]


def get_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Page.of(response)


def get_help(client):
    return get_page(client, reverse("helpcontacts:index"))


def need_help_box(page):
    [box] = [e for e in page.find_all("aside") if e.attrs.get("aria-label") == "Need help now?"]
    return box


def hrefs_inside(page, element):
    return [e.attrs.get("href") for e in page.inside(element) if e.tag == "a"]


def share_hrefs(page):
    [share] = page.find_all("section", **{"class": "app-share"})
    return set(hrefs_inside(page, share))


def text_of(page, element_id):
    [element] = [e for e in page.elements if e.attrs.get("id") == element_id]
    return element.text


@pytest.fixture
def council(real_content):
    """The council's own contact, as an editor fills it in (test values, not real ones)."""
    HelpContact.objects.filter(is_council=True).update(
        phone="01632 960000",
        opening_hours="Test hours, Monday to Friday",
        email="help@example.org",
        website="https://www.example.org/send/",
    )
    return HelpContact.objects.get(is_council=True)


# The "Get help" page ------------------------------------------------------------------


def test_get_help_lists_each_contact_with_links_a_phone_dials_and_mail_opens(client, db):
    HelpContactFactory(
        organisation="A support line",
        helps_with="They answer questions about school support.",
        phone="+44 1632 960123",
        opening_hours="Monday to Friday, test hours",
        email="line@example.org",
        website="https://example.org/support/",
    )

    page = get_help(client)

    assert page.texts("h1") == ["Get help"]
    assert "A support line" in page.texts("h3")
    assert "They answer questions about school support." in page.text
    assert {"tel:+441632960123", "mailto:line@example.org", "https://example.org/support/"} <= set(
        page.hrefs
    )
    assert "+44 1632 960123" in page.text  # shown as typed, dialled without spaces
    assert "Opening hours: Monday to Friday, test hours" in page.text
    assert "Website: example.org/support" in page.text
    assert assert_sections_linkable(page)


def test_get_help_puts_the_council_first_then_help_for_everyone_then_one_priority(client, db):
    priority = PriorityFactory(short_title="Getting support early")
    HelpContactFactory(organisation="For one priority", order=0, priorities=[priority])
    HelpContactFactory(organisation="For everyone", order=1)
    HelpContactFactory(organisation="The council", order=2, is_council=True)

    page = get_help(client)

    assert page.texts("h2")[:3] == [
        "The council",
        "Help for every family",
        "Help with one part of the strategy",
    ]
    # (then the share panel's "QR code")
    assert page.texts("h3")[:3] == ["The council", "For everyone", "For one priority"]
    assert priority.get_absolute_url() in page.hrefs
    assert f"Helps with priority {priority.number}: Getting support early" in page.text


def test_a_contact_with_no_way_to_reach_it_is_never_shown_as_help(client, db):
    priority = PriorityFactory()
    HelpContactFactory(organisation="Can be reached")
    HelpContactFactory(organisation="No way to reach", phone="")
    HelpContactFactory(organisation="Hidden by an editor", active=False)

    for page in [get_help(client), get_page(client, priority.get_absolute_url())]:
        assert "Can be reached" in page.text
        assert "No way to reach" not in page.text
        assert "Hidden by an editor" not in page.text


def test_with_no_contact_to_reach_get_help_says_plainly_who_to_ask(client, real_content):
    page = get_help(client)

    said = text_of(page, "main-content")
    assert "Phone numbers, email addresses and websites have not been published" in said
    assert "you can ask Wiltshire Parent Carer Council or Wiltshire Council." in said
    # Names only: no link that leads nowhere, nor one to the glossary (the share panel's
    # links share the page itself).
    [main] = page.find_all("main")
    assert not [
        href
        for href in hrefs_inside(page, main)
        if href and href.startswith(("tel:", "mailto:", "http")) and href not in share_hrefs(page)
    ]
    assert not [
        a
        for a in page.inside(main)
        if a.tag == "a" and "Parent Carer Council" in a.text and "glossary" in a.attrs["href"]
    ]


def test_once_the_council_website_is_set_get_help_links_to_it(client, real_content):
    HelpContact.objects.filter(is_council=True).update(website="https://www.example.org/")

    page = get_help(client)

    assert "https://www.example.org/" in page.hrefs
    assert "The council" in page.texts("h2")
    # The others are still waiting for their details: not shown as help.
    assert "Wiltshire Parent Carer Council" not in page.text


def test_the_real_contacts_name_only_organisations_the_sources_name_and_invent_no_details(
    real_content,
):
    contacts = list(HelpContact.objects.all())

    assert [contact.organisation for contact in contacts] == SOURCES_NAME
    assert not [c for c in contacts if c.phone or c.email or c.website or c.opening_hours]
    assert [c.organisation for c in contacts if c.is_council] == ["Wiltshire Council"]


def test_every_page_links_to_get_help_from_the_footer(client, real_content):
    for url in [reverse("home"), reverse("helpcontacts:index"), reverse("glossary:index")]:
        page = get_page(client, url)
        [footer] = page.find_all("footer")
        assert reverse("helpcontacts:index") in hrefs_inside(page, footer), url


def test_the_sitemap_lists_get_help(client, db):
    assert f"{reverse('helpcontacts:index')}</loc>" in client.get(reverse("sitemap")).text


# A priority's "Need help now?" box ---------------------------------------------------


def test_a_priority_box_shows_its_own_contacts_and_those_for_every_priority(client, db):
    first, second = PriorityFactory.create_batch(2)
    HelpContactFactory(organisation="Only for the first", priorities=[first])
    HelpContactFactory(organisation="For the first and second", priorities=[first, second])
    HelpContactFactory(organisation="For everyone", email="everyone@example.org", phone="")

    first_box = need_help_box(get_page(client, first.get_absolute_url()))
    second_page = get_page(client, second.get_absolute_url())
    second_box = need_help_box(second_page)

    assert "Only for the first" in first_box.text
    assert "Only for the first" not in second_box.text
    assert "For the first and second" in first_box.text
    assert "For the first and second" in second_box.text
    assert "For everyone" in first_box.text and "For everyone" in second_box.text
    assert "mailto:everyone@example.org" in hrefs_inside(second_page, second_box)


def test_every_real_priority_box_says_who_to_ask_and_links_to_get_help(client, real_content):
    for priority in Priority.objects.all():
        page = get_page(client, priority.get_absolute_url())
        box = need_help_box(page)
        assert "Need help now?" in box.text
        assert "you can ask Wiltshire Parent Carer Council or Wiltshire Council." in box.text
        links = hrefs_inside(page, box)
        assert reverse("helpcontacts:index") in links
        assert reverse("accessibility:formats") in links


def test_the_box_shows_the_council_contact_once_it_can_be_reached(client, council):
    page = get_page(client, Priority.objects.first().get_absolute_url())
    box = need_help_box(page)

    assert "Wiltshire Council" in box.text
    assert "Wiltshire Parent Carer Council" not in box.text  # no way to reach it yet
    assert {"tel:01632960000", "mailto:help@example.org", "https://www.example.org/send/"} <= set(
        hrefs_inside(page, box)
    )


@pytest.mark.parametrize("count", [1, 30])
def test_the_help_box_costs_one_query_however_many_contacts(client, db, count):
    priorities = PriorityFactory.create_batch(3)
    HelpContactFactory.create_batch(count, priorities=priorities)
    HelpContactFactory.create_batch(count)
    HelpContactFactory.create_batch(count, phone="")  # named as who to ask, no more queries
    url = priorities[0].get_absolute_url()
    client.get(url)  # settle anything cached per process

    with CaptureQueriesContext(connection) as baseline:
        client.get(url)
    HelpContact.objects.all().delete()
    with CaptureQueriesContext(connection) as without:
        client.get(url)

    assert len(baseline) == len(without)


@pytest.mark.parametrize("count", [1, 30])
def test_get_help_costs_the_same_queries_however_many_contacts(
    client, db, django_assert_max_num_queries, count
):
    priorities = PriorityFactory.create_batch(3)
    HelpContactFactory.create_batch(count, priorities=priorities)
    HelpContactFactory.create_batch(count)
    HelpContactFactory(is_council=True)
    url = reverse("helpcontacts:index")
    client.get(url)  # settle anything cached per process (the glossary's terms)

    # The contacts, and their priorities.
    with django_assert_max_num_queries(2):
        assert client.get(url).status_code == 200


# No glossary links in help, navigation or buttons ----------------------------------------


def test_no_glossary_link_sits_in_a_help_box_navigation_or_a_button(client, real_content):
    """The real glossary explains "Parent Carer Council": in the help box and on the Get
    help page the name must stay the organisation's, not become a definition's link."""
    urls = [p.get_absolute_url() for p in Priority.objects.all()]
    urls.append(reverse("helpcontacts:index"))
    for url in urls:
        page = get_page(client, url)
        [main] = page.find_all("main")
        furniture = [
            e
            for e in page.inside(main)
            if e.tag in {"aside", "nav", "button", "header", "footer"}
            or e.attrs.get("data-glossary") == "off"
        ]
        assert furniture, url
        for element in furniture:
            assert not [
                a
                for a in page.inside(element)
                if a.tag == "a" and a.attrs.get("class") == GLOSSARY_LINK_CLASS
            ], (url, element.tag, element.text[:60])
    # The same words outside those places are still explained: the marking still runs.
    page = get_page(client, urls[0])
    assert [a for a in page.elements if a.attrs.get("class") == GLOSSARY_LINK_CLASS]


# The council's contact on the pages that ask families to get in touch ------------------


def contact_pages():
    return {
        "formats": reverse("accessibility:formats"),
        "statement": reverse("accessibility:statement"),
        "feedback-thanks": reverse("feedback:thanks") + "?page=/news/",
        "privacy": reverse("alerts:privacy"),
    }


@pytest.mark.parametrize("name", contact_pages())
def test_the_pages_that_ask_families_to_get_in_touch_give_the_council_contact(
    client, council, name
):
    page = get_page(client, contact_pages()[name])

    assert {"tel:01632960000", "mailto:help@example.org", "https://www.example.org/send/"} <= set(
        page.hrefs
    )
    assert "Test hours, Monday to Friday" in page.text
    assert "have not been published on this site yet" not in page.text


@pytest.mark.parametrize("name", contact_pages())
def test_without_the_council_contact_those_pages_say_honestly_who_to_ask(
    client, real_content, name
):
    page = get_page(client, contact_pages()[name])

    assert "have not been published on this site yet" in page.text
    assert "please contact Wiltshire Council through the council's main website" in page.text
    assert not [h for h in page.hrefs if h and h.startswith(("tel:", "mailto:"))]


def test_a_contact_for_other_formats_is_given_before_the_council_contact(client, council):
    SiteSettings.objects.filter(pk=1).update(formats_email="formats@example.org")

    page = get_page(client, reverse("accessibility:formats"))

    assert "mailto:formats@example.org" in page.hrefs
    assert "mailto:help@example.org" not in page.hrefs


def test_the_feedback_thanks_page_links_to_get_help(client, db):
    page = get_page(client, reverse("feedback:thanks"))

    assert reverse("helpcontacts:index") in page.hrefs


# The admin ----------------------------------------------------------------------------


def test_the_admin_home_lists_the_contacts_with_no_way_to_reach_them(staff_client, real_content):
    page = get_page(staff_client, reverse("admin:index"))
    [warnings] = [e for e in page.elements if e.attrs.get("id") == "help-contacts-missing"]

    assert "Help contacts with no way to reach them" in warnings.text
    for contact in HelpContact.objects.all():
        assert contact.organisation in warnings.text
        assert admin_url(HelpContact, "change", contact.pk) in hrefs_inside(page, warnings)

    HelpContact.objects.update(website="https://www.example.org/")
    page = get_page(staff_client, reverse("admin:index"))
    assert not [e for e in page.elements if e.attrs.get("id") == "help-contacts-missing"]


def test_the_admin_home_says_when_no_contact_is_the_councils(editor_client, db):
    HelpContactFactory(organisation="Reachable, not the council")

    page = get_page(editor_client, reverse("admin:index"))

    assert "No help contact is the council's own main contact" in page.text
    assert "Help contacts with no way to reach them" not in page.text


def test_an_editor_may_look_at_contacts_but_not_add_or_change_them(editor_client, real_content):
    contact = HelpContact.objects.first()
    change = admin_url(HelpContact, "change", contact.pk)

    assert editor_client.get(admin_url(HelpContact, "changelist")).status_code == 200
    assert editor_client.get(admin_url(HelpContact, "add")).status_code == 403
    response = editor_client.post(change, {"organisation": "Changed", "helps_with": "Words."})

    assert response.status_code == 403
    assert HelpContact.objects.get(pk=contact.pk).organisation == contact.organisation


def test_a_publisher_adds_a_contact_for_one_priority_and_families_see_it(publisher_client, db):
    first, second = PriorityFactory.create_batch(2)

    response = publisher_client.post(
        admin_url(HelpContact, "add"),
        {
            "organisation": "A new service",
            "helps_with": "Plain words about what they do.",
            "phone": "01632 960555",
            "opening_hours": "",
            "email": "",
            "website": "",
            "priorities": [str(first.pk)],
            "order": "3",
            "active": "on",
        },
    )

    assert_saved(response)
    first_page = get_page(publisher_client, first.get_absolute_url())
    assert "A new service" in need_help_box(first_page).text
    assert "A new service" not in get_page(publisher_client, second.get_absolute_url()).text
    assert "tel:01632960555" in get_help(publisher_client).hrefs


def test_a_publisher_fills_in_the_council_contact_and_every_contact_page_gives_it(
    publisher_client, real_content
):
    contact = HelpContact.objects.get(is_council=True)
    url = admin_url(HelpContact, "change", contact.pk)
    data = form_as_sent(publisher_client.get(url))
    data["website"] = ["www.example.org"]  # typed without https://

    assert_saved(publisher_client.post(url, data))

    for page_url in contact_pages().values():
        assert "https://www.example.org" in get_page(publisher_client, page_url).hrefs


def test_saving_a_contact_with_no_way_to_reach_it_is_allowed_with_a_warning(publisher_client, db):
    response = publisher_client.post(
        admin_url(HelpContact, "add"),
        {"organisation": "Details to come", "helps_with": "Words.", "order": "0", "active": "on"},
        follow=True,
    )

    assert HelpContact.objects.get().organisation == "Details to come"
    assert "is not shown on the site until it has a phone number" in response.text


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("phone", "call the office", "digits and spaces only"),
        ("phone", "12", "digits and spaces only"),
        ("email", "not an email", "valid email address"),
        ("website", "javascript:alert(1)", "valid URL"),
        ("website", "ftp://example.org/", "valid URL"),
    ],
)
def test_the_admin_refuses_a_way_to_reach_that_is_not_one(
    publisher_client, db, field, value, message
):
    data = {"organisation": "A service", "helps_with": "Words.", "order": "0", "active": "on"}
    data[field] = value

    response = publisher_client.post(admin_url(HelpContact, "add"), data)

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors[field])
    assert not HelpContact.objects.exists()


def test_only_one_contact_can_be_the_councils(publisher_client, real_content):
    response = publisher_client.post(
        admin_url(HelpContact, "add"),
        {
            "organisation": "A second council",
            "helps_with": "Words.",
            "website": "https://example.org/",
            "order": "0",
            "active": "on",
            "is_council": "on",
        },
    )

    assert response.status_code == 200
    assert "already the council's own main contact" in Page.of(response).text
    with pytest.raises(IntegrityError):
        HelpContact.objects.create(organisation="Another", helps_with="Words.", is_council=True)


# Signposts, the help box's old rows, become help contacts -----------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_signposts_become_help_contacts_with_their_priorities_and_go_back():
    migrate(("helpcontacts", "0001_initial"), ("accessibility", "0002_editorial_roles"))
    old = (
        MigrationExecutor(connection)
        .loader.project_state(
            [("helpcontacts", "0001_initial"), ("accessibility", "0002_editorial_roles")]
        )
        .apps
    )
    priority = PriorityFactory()
    Signpost = old.get_model("accessibility", "Signpost")
    Signpost.objects.create(pk=7, title="An old signpost", description="Helps.", url="")
    linked = Signpost.objects.create(
        pk=9, title="A linked one", description="Helps too.", url="https://example.org/", order=2
    )
    linked.priorities.set([priority.pk])

    migrate(leaf("helpcontacts"), leaf("accessibility"))

    contacts = {c.pk: c for c in HelpContact.objects.all()}
    assert contacts[7].organisation == "An old signpost" and not contacts[7].is_reachable
    assert contacts[9].website == "https://example.org/" and contacts[9].order == 2
    assert list(contacts[9].priorities.all()) == [priority]
    # A contact added now takes an id of its own.
    assert HelpContactFactory().pk not in {7, 9}

    migrate(("helpcontacts", "0001_initial"), ("accessibility", "0002_editorial_roles"))
    back = {s.pk: s.title for s in Signpost.objects.all()}
    assert {7: "An old signpost", 9: "A linked one"}.items() <= back.items()


# In a browser, at 375 px --------------------------------------------------------------

SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_help_box_and_get_help_fit_a_phone_without_sideways_scrolling(
    live_server, real_content, browser
):
    """Both as the real content has them, then with long test details filled in. The
    screenshots go to screenshots/ (not kept in git) with the accessibility tests'; the
    real ones are copied to docs/screenshots/ (help-box-375.png, get-help-375.png)."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    SCREENSHOTS.mkdir(exist_ok=True)
    priority_url = live_server.url + Priority.objects.order_by("number")[0].get_absolute_url()
    help_url = live_server.url + reverse("helpcontacts:index")

    def overflow():
        return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    for state in ["real", "filled"]:
        page.goto(priority_url)
        box = page.get_by_role("complementary", name="Need help now?")
        assert box.is_visible()
        assert overflow() <= 0, state
        box.screenshot(path=SCREENSHOTS / f"help-box-{state}-375.png")
        page.goto(help_url)
        assert overflow() <= 0, state
        page.screenshot(path=SCREENSHOTS / f"get-help-{state}-375.png", full_page=True)
        for contact in HelpContact.objects.all():  # saved: the page cache hears of it
            contact.phone = "+44 1632 960000"
            contact.opening_hours = "Monday to Friday, test opening hours for a long line"
            contact.email = "a-rather-long-address-for-families@send-support.example.org"
            contact.website = "https://www.send-support.example.org/families/help/contact-us/"
            contact.save()
    context.close()
