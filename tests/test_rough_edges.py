"""The rough edges a new editor met in the admin (issue 23, item 4), one test each,
tried as an Editor or a Publisher would meet them."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from news.models import CabinetDecision, PressRelease
from progress.models import Deliverable, YouSaidWeDid
from publishing.models import ChangeNote, PreviewLink, Status
from tests.factories import (
    EasyReadVersionFactory,
    PressReleaseFactory,
    PriorityFactory,
    QuoteFactory,
    StrategyFactory,
    small_png,
)
from tests.html_page import Page
from tests.test_admin import admin_url, assert_saved, form_as_sent
from tests.test_history import edit, entries, form_errors, history, open_form

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


# Restore keeps the public change notes and the text in agreement --------------------------


def test_restoring_a_version_from_before_a_change_note_removes_that_note_and_says_so(
    publisher_client, client
):
    item = PressReleaseFactory(
        title=FIRST_TITLE, body="It opens in spring.", published_at=timezone.now() - timedelta(30)
    )
    assert_saved(edit(publisher_client, item, title=FIRST_TITLE))  # the version to go back to
    assert_saved(
        edit(
            publisher_client,
            item,
            body="It opens in spring.\n\nThe partners are listed below.",
            change_note="Added the list of partners",
        )
    )
    assert "Added the list of partners" in Page.of(client.get(item.get_absolute_url())).text

    [restore_url] = entries(history(publisher_client, item))[1]["restore"]
    form = publisher_client.get(restore_url)
    # Asked before anything changes: the note that will go, and why.
    warning = Page.of(form).text
    assert "Restoring this version also removes the public change note" in warning
    assert "“Added the list of partners”" in warning

    response = publisher_client.post(restore_url, form_as_sent(form))

    assert_saved(response)
    page = Page.of(client.get(item.get_absolute_url()))
    assert "Added the list of partners" not in page.text
    assert "last updated" not in page.text
    assert not ChangeNote.objects.exists()
    [message] = messages_after(response)
    assert (
        "Removed the public change note “Added the list of partners”, "
        "because the change it describes is no longer on the page." in message
    )


def test_restoring_a_version_that_has_the_change_keeps_its_note(publisher_client, client):
    item = PressReleaseFactory(body="It opens in spring.")
    assert_saved(edit(publisher_client, item, body="With partners.", change_note="Added partners"))
    assert_saved(edit(publisher_client, item, body="With partners and a typo fixed."))

    [restore_url] = entries(history(publisher_client, item))[1]["restore"]
    form = publisher_client.get(restore_url)
    assert "removes the public change note" not in Page.of(form).text
    assert_saved(publisher_client.post(restore_url, form_as_sent(form)))

    assert "Added partners" in Page.of(client.get(item.get_absolute_url())).text


# After a refused save: show what is stored ------------------------------------------------


def test_after_a_refused_save_the_status_line_shows_the_stored_status(publisher_client):
    item = PressReleaseFactory(status=Status.IN_REVIEW, published_at=None)
    data = open_form(publisher_client, item)
    data.update({"status": [Status.PUBLISHED], "standfirst": [""]})  # a required field left out

    response = publisher_client.post(admin_url(PressRelease, "change", item.pk), data)

    assert response.status_code == 200  # refused
    assert status_line(response).startswith("Status: In review.")
    item.refresh_from_db()
    assert item.status == Status.IN_REVIEW


def test_after_a_two_editor_refusal_the_heading_and_link_preview_show_the_stored_headline(
    publisher_client, colleague_client
):
    item = PressReleaseFactory(title=FIRST_TITLE, status=Status.DRAFT, published_at=None)
    mine = open_form(publisher_client, item)
    assert_saved(edit(colleague_client, item, title=SECOND_TITLE))
    mine["title"] = [THIRD_TITLE]

    response = publisher_client.post(admin_url(PressRelease, "change", item.pk), mine)

    assert response.status_code == 200
    page = Page.of(response)
    assert page.texts("h2")[0] == SECOND_TITLE  # the heading under "Change press release"
    assert share_preview_title(response) == SECOND_TITLE
    assert SECOND_TITLE in page.find_all("div", **{"class": "breadcrumbs"})[0].text
    # What the editor typed is still in the form, and only there.
    [title] = page.find_all("input", name="title")
    assert title.attrs["value"] == THIRD_TITLE
    assert THIRD_TITLE not in page.text


# A photo chosen on a refused save ---------------------------------------------------------


def test_a_two_editor_refusal_says_plainly_that_a_chosen_photo_must_be_chosen_again(
    editor_client, colleague_client, media_root
):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    mine = open_form(editor_client, item)
    assert_saved(edit(colleague_client, item, standfirst="Bea's standfirst."))
    mine.update({"image": small_png(), "image_alt": ["Parents at the open day"]})

    response = editor_client.post(admin_url(PressRelease, "change", item.pk), mine)

    assert response.status_code == 200
    errors = form_errors(response)
    assert not any("nothing is lost" in error for error in errors)
    assert any(
        "but the photo you chose (photo.png) is not" in error
        and "choose it again after you reload the page" in error
        for error in errors
    )
    [photo_error] = [
        li.text
        for li in Page.of(response).find_all("li")
        if li.text.startswith("The photo you chose (photo.png) was not saved")
    ]
    assert "Choose it again before you save." in photo_error
    item.refresh_from_db()
    assert item.image is None


def test_any_refused_save_says_that_a_chosen_photo_must_be_chosen_again(editor_client, media_root):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    data = open_form(editor_client, item)
    data.update({"image": small_png(), "image_alt": [""], "image_is_decorative": []})

    response = editor_client.post(admin_url(PressRelease, "change", item.pk), data)

    assert response.status_code == 200
    assert any(
        li.text.startswith("The photo you chose (photo.png) was not saved")
        for li in Page.of(response).find_all("li")
    )


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


# History: compare any two versions --------------------------------------------------------


def test_an_editor_compares_any_two_versions(editor_client):
    item = PressReleaseFactory(title=FIRST_TITLE, status=Status.DRAFT, published_at=None)
    assert_saved(edit(editor_client, item, title=SECOND_TITLE))
    assert_saved(edit(editor_client, item, title=THIRD_TITLE, standfirst="A new standfirst."))
    newest, middle, first = [version.pk for version in reversed_versions(item)]

    page = history(editor_client, item)
    [form] = [f for f in page.find_all("form") if f.attrs.get("method") == "get"]
    chooser = {
        select.attrs["name"]: [o.attrs["value"] for o in page.inside(select) if o.tag == "option"]
        for select in page.inside(form)
        if select.tag == "select"
    }
    assert chooser == {"from": [str(pk) for pk in (newest, middle, first)]} | {
        "to": [str(pk) for pk in (newest, middle, first)]
    }

    response = editor_client.get(form.attrs["action"], {"from": first, "to": newest})

    assert response.status_code == 200
    compared = Page.of(response)
    assert compared.texts("dt") == ["Headline", "Standfirst"]
    assert compared.texts("del")[0] == FIRST_TITLE
    assert compared.texts("ins")[0] == THIRD_TITLE
    # Chosen the other way round, it still reads from the older to the newer.
    backwards = Page.of(editor_client.get(form.attrs["action"], {"from": newest, "to": first}))
    assert backwards.texts("del")[0] == FIRST_TITLE


def test_comparing_versions_of_another_item_finds_nothing(editor_client):
    item, other = PressReleaseFactory.create_batch(2, status=Status.DRAFT, published_at=None)
    assert_saved(edit(editor_client, item, title=SECOND_TITLE))
    assert_saved(edit(editor_client, other, title=THIRD_TITLE))
    mine, theirs = reversed_versions(item)[0].pk, reversed_versions(other)[0].pk
    url = admin_url(PressRelease, "history_compare", item.pk)

    assert editor_client.get(url, {"from": mine, "to": theirs}).status_code == 404
    assert editor_client.get(url, {"from": mine, "to": "nonsense"}).status_code == 404


def reversed_versions(item):
    from reversion.models import Version

    return list(Version.objects.get_for_object(item).order_by("-pk"))


# The preview link: shown in full, a Copy button, and who made it --------------------------


def test_the_preview_link_is_shown_in_full_with_a_copy_button_and_who_made_it(
    publisher_client,
):
    publisher = user_of(publisher_client, "publisher")
    publisher.first_name, publisher.last_name = "Pat", "Jones"
    publisher.save()
    item = PressReleaseFactory(status=Status.IN_REVIEW, published_at=None)
    assert publisher_client.post(admin_url(PressRelease, "preview_links", item.pk), {"days": 3})
    link = PreviewLink.objects.get()

    page = Page.of(publisher_client.get(admin_url(PressRelease, "preview_links", item.pk)))

    full = f"http://testserver{link.get_absolute_url()}"
    [row] = [tr for tr in page.find_all("tr") if link.token in "".join(tr.parts)]
    cells = [td.text for td in page.inside(row) if td.tag == "td"]
    assert cells[0].startswith(full)  # the whole link, as text to select
    assert cells[1] == "Pat Jones"
    [button] = [b for b in page.inside(row) if b.tag == "button" and b.text.startswith("Copy link")]
    assert "hidden" in button.attrs  # shown by the script, where the browser can copy
    assert not [i for i in page.inside(row) if i.tag == "input" and i.attrs.get("readonly")]
    assert any(
        (s.attrs.get("src") or "").endswith("admin/js/copy-link.js")
        for s in page.find_all("script")
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_copy_link_copies_the_whole_preview_link_and_says_so(
    live_server, browser, django_user_model
):
    from django.apps import apps
    from django.contrib.auth.models import Group

    from publishing.roles import apply_roles
    from strategy_site.roles import EDITORIAL_ROLES
    from tests.test_browser_csp import RECORD_VIOLATIONS

    apply_roles(EDITORIAL_ROLES, apps)  # an earlier test that flushes the database took them
    user = django_user_model.objects.create_user(
        username="pat", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Publisher"))
    item = PressReleaseFactory(status=Status.IN_REVIEW, published_at=None)
    link = PreviewLink.objects.create(item=item, created_by=user)
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "pat")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(live_server.url + admin_url(PressRelease, "preview_links", item.pk))

    page.get_by_role("button", name="Copy link").click()

    page.get_by_role("status").filter(has_text="Link copied").wait_for()
    whole = live_server.url + link.get_absolute_url()
    assert page.evaluate("navigator.clipboard.readText()") == whole
    assert page.locator(".preview-link__url").inner_text() == whole  # shown whole, not cut off
    assert page.evaluate("window.__cspViolations") == []
    context.close()


def test_made_by_falls_back_to_the_username(publisher_client):
    item = PressReleaseFactory(status=Status.IN_REVIEW, published_at=None)
    PreviewLink.objects.create(item=item, created_by=user_of(publisher_client, "publisher"))

    page = Page.of(publisher_client.get(admin_url(PressRelease, "preview_links", item.pk)))

    [row] = page.find_all("tbody")
    assert [td.text for td in page.inside(row) if td.tag == "td"][1] == "publisher"


# The Preview links list filters by kind of content ----------------------------------------


def test_the_preview_links_list_filters_by_kind_of_content_only(publisher_client):
    PreviewLink.objects.create(item=PressReleaseFactory(status=Status.DRAFT, published_at=None))

    page = Page.of(publisher_client.get(admin_url(PreviewLink, "changelist")))

    [filters] = page.find_all("nav", id="changelist-filter")
    [by_kind] = [d for d in page.inside(filters) if d.tag == "details" and "kind" in d.text]
    choices = [a.text for a in page.inside(by_kind) if a.tag == "a"]
    assert choices == [
        "All",
        "Cabinet decision",
        "Deliverable",
        "Easy Read version",
        "Press release",
        "You said, we did",
    ]


# The delete confirmation in plain words ---------------------------------------------------


def test_the_delete_confirmation_names_links_in_plain_words(publisher_client):
    priority = PriorityFactory(number=2, short_title="Preparing for adulthood")
    item = PressReleaseFactory(priorities=[priority])
    QuoteFactory(press_release=item, speaker="A Parent", text="We were listened to.")

    page = Page.of(publisher_client.get(admin_url(PressRelease, "delete", item.pk)))

    assert "object (" not in page.text
    assert "relationship" not in page.text
    assert (
        "The link between this press release and “Priority 2: Preparing for adulthood” "
        "(the priority itself stays)" in page.text
    )
    assert "Links between press releases and priorities: 1" in page.texts("li")


def test_a_publisher_deletes_a_press_release_that_has_a_public_change_note(
    publisher_client, client
):
    item = PressReleaseFactory()
    ChangeNote.objects.create(item=item, note="Added the list of partners")
    url = item.get_absolute_url()

    page = Page.of(publisher_client.get(admin_url(PressRelease, "delete", item.pk)))

    assert "permission" not in page.text
    assert "Change note: Added the list of partners" in page.texts("li")
    response = publisher_client.post(admin_url(PressRelease, "delete", item.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not PressRelease.objects.exists() and not ChangeNote.objects.exists()
    assert client.get(url).status_code == 410


# Restore and recover say in plain words what happened -------------------------------------


def test_restore_and_recover_say_in_plain_words_what_happened(publisher_client, editor_client):
    item = PressReleaseFactory(title=FIRST_TITLE, status=Status.DRAFT, published_at=None)
    assert_saved(edit(editor_client, item, title=SECOND_TITLE))
    first = reversed_versions(item)[-1]
    when = timezone.localtime(first.revision.date_created).strftime("%-d %B %Y, %H:%M")

    [restore_url] = entries(history(editor_client, item))[1]["restore"]
    response = editor_client.post(restore_url, form_as_sent(editor_client.get(restore_url)))

    assert_saved(response)
    [message] = messages_after(response)
    assert message == (
        f"Restored the version from {when}. It is saved as a draft: the public cannot see "
        "it. The version it replaced is still in the history."
    )

    assert publisher_client.post(admin_url(PressRelease, "delete", item.pk), {"post": "yes"})
    [deleted] = reversed_versions_of_deleted(item)
    recover_url = admin_url(PressRelease, "recover", deleted.pk)
    response = publisher_client.post(recover_url, form_as_sent(publisher_client.get(recover_url)))

    assert_saved(response)
    [message] = [m for m in messages_after(response) if "Recovered" in m]
    assert message.startswith(f"Recovered the press release “{FIRST_TITLE}”")
    assert message.endswith("It is saved as a draft: the public cannot see it.")
    assert not [m for m in messages_after(response) if "successfully" in m]


def reversed_versions_of_deleted(item):
    from reversion.models import Version

    return Version.objects.get_deleted(PressRelease).filter(object_id=str(item.pk))


# With one strategy, it is chosen ----------------------------------------------------------


def selected_strategy(response):
    page = Page.of(response)
    [select] = page.find_all("select", name="strategy")
    return [o.attrs["value"] for o in page.inside(select) if "selected" in o.attrs]


@pytest.mark.parametrize("model", [PressRelease, CabinetDecision])
def test_with_one_strategy_the_strategy_choice_defaults_to_it(editor_client, model):
    strategy = StrategyFactory()

    assert selected_strategy(editor_client.get(admin_url(model, "add"))) == [str(strategy.pk)]


def test_with_two_strategies_the_editor_chooses(editor_client):
    StrategyFactory.create_batch(2)

    assert selected_strategy(editor_client.get(admin_url(PressRelease, "add"))) == [""]
