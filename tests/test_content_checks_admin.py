"""The content checks in the admin: the panel on the change form, the findings beside
the live preview (their endpoint), the question before publishing with open findings,
the consent warning at save, and the words-to-avoid list editors extend."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from contentchecks.admin import ContentChecksAdmin
from contentchecks.items import is_checked
from contentchecks.models import AvoidWord
from easyread.models import EasyReadVersion
from news.models import PressRelease
from publishing.models import Status
from tests.factories import (
    AvoidWordFactory,
    EasyReadPointFactory,
    EasyReadVersionFactory,
    ImageFactory,
    PressReleaseFactory,
)
from tests.html_page import Page
from tests.test_admin import admin_url, form_as_sent

QUESTION = "This has 2 open content checks, listed under “Content checks” below."


@pytest.fixture
def media_root(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def change_page(client, item):
    return client.get(admin_url(type(item), "change", item.pk))


def panel_text(response):
    page = Page.of(response)
    [panel] = page.find_all("fieldset", id="content-checks")
    return " ".join(element.text for element in page.inside(panel) if element.tag == "li")


def fragment_text(response):
    """The words of an HTML fragment (no <body>), as a reader sees them."""
    page = Page.of(response)
    return " ".join(element.text for element in page.elements if not element.parents)


def in_review(**fields):
    return PressReleaseFactory(status=Status.IN_REVIEW, **fields)


# The panel -------------------------------------------------------------------------------


def test_the_change_form_of_the_real_press_release_lists_its_content_checks(
    staff_client, real_content
):
    response = change_page(staff_client, PressRelease.objects.get())

    page = Page.of(response)
    assert "Content checks" in page.texts("h2")
    assert ["Standfirst", "Body"] == page.texts("h3")[-2:]
    assert "10 findings." in page.text
    assert "Reading age: The reading age is over 18. Aim for 9 or under" in page.text
    listed = panel_text(response)
    assert "“key” is on the list of words to avoid." in listed
    assert "This sentence has 68 words." in listed
    assert "This collaboration, outlined in the Working Together section" in listed


def test_the_add_form_says_the_checks_come_when_it_is_saved(staff_client):
    response = staff_client.get(admin_url(PressRelease, "add"))

    page = Page.of(response)
    assert "The checks of the whole page appear here when it is saved." in page.text
    [panel] = page.find_all("fieldset", id="content-checks")
    assert panel.attrs["data-check-url"] == reverse("content-checks")


def test_an_easy_read_version_lists_its_points_without_a_picture(staff_client):
    version = EasyReadVersionFactory()
    EasyReadPointFactory(version=version, text="We will listen to you.")

    listed = panel_text(change_page(staff_client, version))

    assert "No picture: 1 point has no picture." in listed


def test_every_change_form_with_something_to_check_has_the_content_checks():
    checked = [
        model
        for model in apps.get_models()
        if admin.site.is_registered(model) and is_checked(model)
    ]

    assert PressRelease in checked and EasyReadVersion in checked
    for model in checked:
        assert isinstance(admin.site.get_model_admin(model), ContentChecksAdmin), model


# A glossary entry in one click -----------------------------------------------------------


def test_a_publisher_starts_a_glossary_entry_for_an_unexplained_abbreviation(publisher_client):
    item = in_review(body="Ask the PCF for help.")

    page = Page.of(change_page(publisher_client, item))
    start = reverse("admin:glossary_glossaryterm_add") + "?abbreviation=PCF"
    assert start in page.hrefs

    form = Page.of(publisher_client.get(start))
    [field] = form.find_all("input", id="id_abbreviation")
    assert field.attrs["value"] == "PCF"


def test_an_editor_is_not_offered_a_glossary_entry_they_may_not_add(editor_client):
    item = in_review(body="Ask the PCF for help.")

    response = change_page(editor_client, item)

    assert "“PCF” is not explained." in panel_text(response)
    assert not any(href and "glossaryterm/add" in href for href in Page.of(response).hrefs)


# Publishing with open findings -------------------------------------------------------------


def publish(client, item, **changes):
    data = {**form_as_sent(change_page(client, item)), "status": Status.PUBLISHED, **changes}
    return client.post(admin_url(PressRelease, "change", item.pk), data)


def test_publishing_with_open_checks_asks_once_then_publishes(publisher_client):
    item = in_review(body="We will deliver key services.")

    asked = publish(publisher_client, item)

    assert asked.status_code == 200
    page = Page.of(asked)
    assert QUESTION in page.text
    [tick] = page.find_all("input", name="publish_anyway")
    assert tick.attrs["type"] == "checkbox"
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW

    data = {**form_as_sent(asked), "publish_anyway": "on"}
    published = publisher_client.post(admin_url(PressRelease, "change", item.pk), data)

    assert published.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED


def test_the_history_records_that_it_was_published_with_open_checks(publisher_client):
    item = in_review(body="We will deliver key services.")
    asked = publish(publisher_client, item)
    publisher_client.post(
        admin_url(PressRelease, "change", item.pk), {**form_as_sent(asked), "publish_anyway": "on"}
    )

    comment = Version.objects.get_for_object(item).first().revision.get_comment()
    assert comment.endswith("Published with 2 open content checks.")
    history = Page.of(publisher_client.get(admin_url(PressRelease, "history", item.pk)))
    assert "Published with 2 open content checks." in history.text


def test_publishing_with_nothing_found_asks_nothing(publisher_client):
    item = in_review(body="We will run the main services.")

    response = publish(publisher_client, item)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.PUBLISHED
    assert (
        "open content check"
        not in Version.objects.get_for_object(item).first().revision.get_comment()
    )


def test_saving_a_live_page_asks_only_about_what_the_save_brings(publisher_client, real_content):
    item = PressRelease.objects.get()  # live, with open findings

    unchanged = publish(publisher_client, item)
    assert unchanged.status_code == 302

    worse = publish(publisher_client, item, body=item.body + "\n\nFor more, [click here](/).")
    assert worse.status_code == 200
    assert "open content checks, listed under “Content checks” below." in Page.of(worse).text
    assert "“click here” does not make sense on its own" in panel_text(worse)


def test_rewording_a_live_page_s_long_sentence_asks_nothing(publisher_client, real_content):
    item = PressRelease.objects.get()
    still_long = item.standfirst.replace("A plan that maps out", "A plan that sets out")

    response = publish(publisher_client, item, standfirst=still_long)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.standfirst == still_long


def test_a_live_photo_newly_described_as_a_photo_is_asked_about(publisher_client, media_root):
    photo = ImageFactory(alt="Families at the launch event", consent_recorded=True)
    item = PressReleaseFactory(image=photo, body="We will run the main services.")

    response = publish(publisher_client, item, image_alt="Photo of families")

    assert response.status_code == 200
    assert "This has 1 open content check," in Page.of(response).text, panel_text(response)
    photo.refresh_from_db()
    assert photo.alt == "Families at the launch event"


def test_an_editor_is_never_asked_to_publish_anyway(editor_client):
    item = PressReleaseFactory(status=Status.DRAFT, body="We will deliver key services.")
    data = {**form_as_sent(change_page(editor_client, item)), "status": Status.IN_REVIEW}

    response = editor_client.post(admin_url(PressRelease, "change", item.pk), data)

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


# Consent, told at save ----------------------------------------------------------------------


def test_an_editor_is_told_at_save_that_a_photo_of_people_has_no_consent(editor_client, media_root):
    photo = ImageFactory(shows_people=True, consent_recorded=False)
    item = PressReleaseFactory(status=Status.DRAFT, image=photo, body="Plain words.")

    response = editor_client.post(
        admin_url(PressRelease, "change", item.pk),
        form_as_sent(change_page(editor_client, item)),
        follow=True,
    )

    assert response.redirect_chain
    assert "The photo shows people and no consent is recorded." in Page.of(response).text


def test_no_consent_warning_once_consent_is_recorded(editor_client, media_root):
    photo = ImageFactory(shows_people=True, consent_recorded=True)
    item = PressReleaseFactory(status=Status.DRAFT, image=photo, body="Plain words.")

    response = editor_client.post(
        admin_url(PressRelease, "change", item.pk),
        form_as_sent(change_page(editor_client, item)),
        follow=True,
    )

    assert "no consent is recorded" not in Page.of(response).text


# The live preview's endpoint ----------------------------------------------------------------


def test_staff_get_the_findings_of_a_text_as_they_type(editor_client):
    response = editor_client.post(
        reverse("content-checks"), {"content": "For details [click here](/breaks/)."}
    )

    assert response.status_code == 200
    assert "“click here” does not make sense on its own" in fragment_text(response)
    assert Page.of(response).texts("q") == ["click here"]


def test_the_public_cannot_use_the_checks(db, django_user_model):
    url = reverse("content-checks")
    assert Client().post(url, {"content": "Hello."}).status_code == 403
    visitor = Client()
    visitor.force_login(django_user_model.objects.create_user("visitor", is_staff=False))
    assert visitor.post(url, {"content": "Hello."}).status_code == 403


def test_the_endpoint_answers_only_a_text_sent_to_it(editor_client):
    url = reverse("content-checks")
    assert editor_client.get(url).status_code == 405
    assert editor_client.post(url, {}).status_code == 400


@pytest.mark.parametrize("words", [1, 40])
def test_the_endpoint_s_queries_stay_flat_as_the_list_of_words_grows(
    editor_client, django_assert_max_num_queries, words
):
    AvoidWordFactory.create_batch(words)
    editor_client.post(reverse("content-checks"), {"content": "Warm up."})

    with django_assert_max_num_queries(4):
        response = editor_client.post(reverse("content-checks"), {"content": "Hello there."})
    assert response.status_code == 200


# The words to avoid ----------------------------------------------------------------------------


def test_an_editor_adds_a_word_to_avoid_and_the_checks_find_it(editor_client):
    response = editor_client.post(
        admin_url(AvoidWord, "add"),
        {"phrase": "synergy", "other_forms": "synergies", "advice": "Say what you mean."},
    )
    assert response.status_code == 302

    found = editor_client.post(reverse("content-checks"), {"content": "Great synergies."})
    assert "“synergy” is on the list of words to avoid. Say what you mean." in fragment_text(found)


def test_only_a_publisher_removes_a_word_to_avoid(editor_client, publisher_client):
    word = AvoidWord.objects.get(phrase="key")
    delete = admin_url(AvoidWord, "delete", word.pk)

    assert editor_client.post(delete, {"post": "yes"}).status_code == 403
    assert publisher_client.post(delete, {"post": "yes"}).status_code == 302
    assert not AvoidWord.objects.filter(phrase="key").exists()


def test_the_list_starts_with_the_style_guide_s_words_to_avoid(db):
    phrases = set(AvoidWord.objects.values_list("phrase", flat=True))

    assert {"agenda", "deliver", "going forward", "in order to", "key", "utilise"} <= phrases
