"""Changes to a live page (issue #23, item 3): an Editor prepares changes to a published
item; the public keeps seeing the live version until a Publisher publishes them; the
preview and preview links show the prepared version; the history shows both; and a
conflict never overwrites anyone's work silently (publishing/prepared.py)."""

import pytest
from django.test import Client
from django.utils import timezone

from news.models import PressRelease, Quote
from publishing.models import PreparedChange, PreviewLink, Status
from tests.factories import ImageFactory, PressReleaseFactory, QuoteFactory
from tests.html_page import Page
from tests.test_admin import admin_url, assert_saved, form_as_sent

LIVE_TITLE = "Families shape the new strategy"
PREPARED_TITLE = "Families and schools shape the new strategy"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def live(db):
    return PressReleaseFactory(title=LIVE_TITLE, standfirst="What families told us.")


def public_text(url):
    response = Client().get(url)
    assert response.status_code == 200
    return Page.of(response).text


def change_url(item):
    return admin_url(type(item), "change", item.pk)


def prepare(client, item, ask=False, **changes):
    """An editor opens the live item's form, changes fields and saves it."""
    data = form_as_sent(client.get(change_url(item)))
    data.update({name: [value] for name, value in changes.items()})
    if ask:
        data["ask_to_publish"] = ["on"]
    return client.post(change_url(item), data)


def assert_prepared(response):
    assert_saved(response)  # a redirect, or the form's errors in the failure
    assert response.status_code == 302


def prepared_url(item, action):
    return admin_url(type(item), f"{action}_prepared", item.pk)


def test_an_editor_prepares_changes_and_the_public_keeps_the_live_page(editor_client, live):
    form = Page.of(editor_client.get(change_url(live)))
    assert "You are changing a live page" in form.text
    assert form.find_all("input", name="title")  # editable, not read-only

    response = prepare(editor_client, live, title=PREPARED_TITLE)

    assert response.status_code == 302
    assert response.url == change_url(live)
    live.refresh_from_db()
    assert live.title == LIVE_TITLE
    assert live.status == Status.PUBLISHED
    page = public_text(live.get_absolute_url())
    assert LIVE_TITLE in page
    assert PREPARED_TITLE not in page
    change = PreparedChange.objects.get()
    assert change.is_open and change.item == live
    message = Page.of(editor_client.get(change_url(live))).text
    assert "kept as prepared changes" in message


def test_the_editor_sees_and_goes_on_with_the_prepared_version(editor_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)

    form = editor_client.get(change_url(live))

    assert form.context["adminform"].form.initial["title"] == PREPARED_TITLE
    assert "This form shows the changes" in Page.of(form).text
    prepare(editor_client, live, standfirst="A second go at the summary.")
    assert PreparedChange.objects.count() == 1  # one set of prepared changes per item
    form = editor_client.get(change_url(live))
    assert form.context["adminform"].form.initial["title"] == PREPARED_TITLE
    assert form.context["adminform"].form.initial["standfirst"] == "A second go at the summary."
    live.refresh_from_db()
    assert live.title == LIVE_TITLE


def test_the_preview_shows_the_prepared_version_to_staff_only(editor_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)

    preview = editor_client.get(prepared_url(live, "preview"))

    assert preview.status_code == 200
    text = Page.of(preview).text
    assert PREPARED_TITLE in text
    assert "Prepared changes - not published" in text
    assert "Share this page" not in text
    assert "no-cache" in preview["Cache-Control"] or "no-store" in preview["Cache-Control"]
    assert Client().get(prepared_url(live, "preview")).status_code == 302  # to sign in
    assert PREPARED_TITLE not in public_text(live.get_absolute_url())


def test_a_preview_link_shows_the_prepared_version(editor_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)
    link = PreviewLink.objects.create(item=live)

    text = public_text(link.get_absolute_url())

    assert PREPARED_TITLE in text
    assert "Please do not share it" in text
    assert PREPARED_TITLE not in public_text(live.get_absolute_url())


def test_a_publisher_publishes_the_prepared_changes(editor_client, publisher_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)
    banner = Page.of(publisher_client.get(change_url(live))).text
    assert "Prepared changes are waiting" in banner

    form = publisher_client.get(prepared_url(live, "publish"))
    assert form.context["adminform"].form.initial["title"] == PREPARED_TITLE
    assert "Publish these changes" in form.content.decode()
    live.refresh_from_db()
    assert live.title == LIVE_TITLE  # opening the form changes nothing

    assert_saved(publisher_client.post(prepared_url(live, "publish"), form_as_sent(form)))

    live.refresh_from_db()
    assert live.title == PREPARED_TITLE
    assert live.status == Status.PUBLISHED
    assert PREPARED_TITLE in public_text(live.get_absolute_url())
    change = PreparedChange.objects.get()
    assert change.outcome == PreparedChange.Outcome.PUBLISHED and not change.is_open
    history = Page.of(publisher_client.get(admin_url(PressRelease, "history", live.pk))).text
    assert "Published the changes prepared by" in history
    assert "Changes prepared while it was live" in history


def test_an_editor_cannot_publish_prepared_changes(editor_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)

    assert editor_client.get(prepared_url(live, "publish")).status_code == 403
    assert editor_client.post(prepared_url(live, "publish"), {"title": "x"}).status_code == 403
    live.refresh_from_db()
    assert live.title == LIVE_TITLE


def test_prepared_quotes_added_and_removed_go_live_together(editor_client, publisher_client, live):
    kept = QuoteFactory(press_release=live, text="We listened to families.")
    dropped = QuoteFactory(press_release=live, text="An old quote to remove.")
    data = form_as_sent(editor_client.get(change_url(live)))
    rows = {value[0]: key.removesuffix("-id") for key, value in data.items() if key.endswith("-id")}
    data[f"{rows[str(dropped.pk)]}-DELETE"] = ["on"]
    total = int(data["quotes-TOTAL_FORMS"][0])
    data["quotes-TOTAL_FORMS"] = [str(total + 1)]
    data[f"quotes-{total}-text"] = ["A new quote from the prepared version."]
    data[f"quotes-{total}-speaker"] = ["A parent carer"]
    data[f"quotes-{total}-role"] = ["Parent carer"]
    data[f"quotes-{total}-order"] = ["5"]

    assert_prepared(editor_client.post(change_url(live), data))
    assert set(live.quotes.values_list("text", flat=True)) == {kept.text, dropped.text}
    # Another press release gets a quote meanwhile: it must keep it.
    other = QuoteFactory(text="Someone else's words.")

    form = publisher_client.get(prepared_url(live, "publish"))
    assert_saved(publisher_client.post(prepared_url(live, "publish"), form_as_sent(form)))

    assert set(live.quotes.values_list("text", flat=True)) == {
        kept.text,
        "A new quote from the prepared version.",
    }
    other.refresh_from_db()
    assert other.text == "Someone else's words."
    assert other.press_release_id != live.pk
    assert Quote.objects.filter(text="An old quote to remove.").count() == 0


def test_a_live_change_after_preparing_is_never_overwritten_silently(
    editor_client, publisher_client, live
):
    prepare(editor_client, live, title=PREPARED_TITLE)
    # A publisher fixes the live summary directly.
    data = form_as_sent(publisher_client.get(change_url(live)))
    data["standfirst"] = ["Corrected summary on the live page."]
    assert_saved(publisher_client.post(change_url(live), data))

    form = publisher_client.get(prepared_url(live, "publish"))
    text = Page.of(form).text
    assert "The live page has changed since these changes were prepared" in text
    assert "Corrected summary on the live page." in text

    refused = publisher_client.post(prepared_url(live, "publish"), form_as_sent(form))
    assert refused.status_code == 200
    assert "tick this box to publish" in Page.of(refused).text
    live.refresh_from_db()
    assert live.title == LIVE_TITLE

    data = form_as_sent(form)
    data["publish_over_live_changes"] = ["on"]
    assert_saved(publisher_client.post(prepared_url(live, "publish"), data))
    live.refresh_from_db()
    assert live.title == PREPARED_TITLE


def test_two_editors_preparing_at_once_do_not_overwrite_each_other(
    editor_client, django_user_model, live
):
    from django.contrib.auth.models import Group

    second = django_user_model.objects.create_user(username="second-editor", is_staff=True)
    second.groups.add(Group.objects.get(name="Editor"))
    other_editor = Client()
    other_editor.force_login(second)
    first_form = form_as_sent(editor_client.get(change_url(live)))
    second_form = form_as_sent(other_editor.get(change_url(live)))
    second_form["title"] = ["The second editor's title"]
    assert other_editor.post(change_url(live), second_form).status_code == 302

    first_form["title"] = [PREPARED_TITLE]
    refused = editor_client.post(change_url(live), first_form)

    assert refused.status_code == 200
    text = Page.of(refused).text
    assert "saved prepared changes to this press release" in text
    assert "nothing is lost" in text
    form = editor_client.get(change_url(live))
    assert form.context["adminform"].form.initial["title"] == "The second editor's title"


def test_asking_a_publisher_puts_it_in_their_queue(editor_client, publisher_client, live):
    prepare(editor_client, live, ask=True, title=PREPARED_TITLE)

    home = Page.of(publisher_client.get("/admin/")).text

    assert "Waiting for review" in home
    assert "changes to the live page" in home
    assert LIVE_TITLE in home
    assert PreparedChange.objects.get().wants_review


def test_discarding_leaves_the_live_page_and_keeps_the_history(editor_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)

    confirm = editor_client.get(prepared_url(live, "discard"))
    assert "Discard the prepared changes" in confirm.content.decode()
    response = editor_client.post(prepared_url(live, "discard"))

    assert response.status_code == 302
    change = PreparedChange.objects.get()
    assert change.outcome == PreparedChange.Outcome.DISCARDED
    form = editor_client.get(change_url(live))
    assert form.context["adminform"].form.initial["title"] == LIVE_TITLE
    history = Page.of(editor_client.get(admin_url(PressRelease, "history", live.pk))).text
    assert "discarded" in history


def test_the_history_compares_the_prepared_version_with_the_live_one(editor_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)
    form = Page.of(editor_client.get(change_url(live)))
    [compare] = [a for a in form.find_all("a") if a.text.startswith("Compare them with")]

    text = Page.of(editor_client.get(compare.attrs["href"])).text

    assert "the prepared changes, not published" in text
    assert PREPARED_TITLE in text and LIVE_TITLE in text


def test_the_history_list_of_versions_keeps_the_live_one_current(editor_client, live):
    prepare(editor_client, live, title=PREPARED_TITLE)

    history = editor_client.get(admin_url(PressRelease, "history", live.pk))

    [current] = [e for e in history.context["history_entries"] if e["is_current"]]
    assert current["version"].field_dict["title"] == LIVE_TITLE


def test_a_scheduled_item_gets_prepared_changes_too(editor_client):
    later = timezone.now() + timezone.timedelta(days=3)
    scheduled = PressReleaseFactory(title=LIVE_TITLE, published_at=later)

    assert prepare(editor_client, scheduled, title=PREPARED_TITLE).status_code == 302

    scheduled.refresh_from_db()
    assert scheduled.title == LIVE_TITLE
    assert scheduled.published_at == later


def test_a_new_picture_in_prepared_changes_waits_too(editor_client, publisher_client, live):
    picture = ImageFactory(alt="Parents at the event", shows_people=True, consent_recorded=True)
    live.image = picture
    live.save()

    assert_prepared(
        prepare(editor_client, live, image_alt="Parents and carers talking at the event")
    )

    picture.refresh_from_db()
    assert picture.alt == "Parents at the event"
    form = publisher_client.get(prepared_url(live, "publish"))
    assert_saved(publisher_client.post(prepared_url(live, "publish"), form_as_sent(form)))
    picture.refresh_from_db()
    assert picture.alt == "Parents and carers talking at the event"


def test_asking_a_publisher_emails_them_about_the_live_page(
    django_user_model, live, smtp, run_worker, django_capture_on_commit_callbacks
):
    from tests.test_review_queue import person

    _, editor = person(django_user_model, "ed", "Editor", "ed@example.org", "Eddie")
    person(django_user_model, "pat", "Publisher", "pat@example.org", "Pat")

    with django_capture_on_commit_callbacks(execute=True):
        assert_prepared(prepare(editor, live, ask=True, title=PREPARED_TITLE))
    run_worker()

    [email] = smtp.to("pat@example.org")
    assert email["Subject"] == f"Waiting for review: {LIVE_TITLE}"
    text = email.get_content()
    assert "Eddie has asked for changes to this live press release to be checked" in text
    assert change_url(live) in text
    assert smtp.to("ed@example.org") == []


def test_a_publisher_sends_prepared_changes_back_with_a_comment(
    django_user_model, live, smtp, run_worker, django_capture_on_commit_callbacks
):
    from tests.test_review_queue import person

    _, editor = person(django_user_model, "ed", "Editor", "ed@example.org", "Eddie")
    _, publisher = person(django_user_model, "pat", "Publisher", "pat@example.org", "Pat")
    with django_capture_on_commit_callbacks(execute=True):
        assert_prepared(prepare(editor, live, ask=True, title=PREPARED_TITLE))
    form = Page.of(publisher.get(change_url(live)))
    assert "Send back with a comment" in form.text

    with django_capture_on_commit_callbacks(execute=True):
        response = publisher.post(
            admin_url(PressRelease, "send_back", live.pk), {"comment": "Keep the old headline."}
        )
    run_worker()

    assert response.status_code == 302
    live.refresh_from_db()
    assert live.title == LIVE_TITLE and live.status == Status.PUBLISHED
    change = PreparedChange.objects.get()
    assert change.is_open and not change.wants_review
    [email] = smtp.to("ed@example.org")
    assert email["Subject"] == f"Sent back to you: {LIVE_TITLE}"
    assert "Keep the old headline." in email.get_content()
    assert "The live page has not changed" in email.get_content()
    home = Page.of(editor.get("/admin/")).text
    assert "your changes to the live page" in home
    assert "Keep the old headline." in home
    assert "changes to the live page" not in Page.of(publisher.get("/admin/")).text
    assert "Keep the old headline." in Page.of(editor.get(change_url(live))).text


def test_a_live_change_while_an_editor_prepares_is_not_overwritten(
    editor_client, publisher_client, live
):
    opened = form_as_sent(editor_client.get(change_url(live)))
    data = form_as_sent(publisher_client.get(change_url(live)))
    data["standfirst"] = ["Corrected on the live page."]
    assert_saved(publisher_client.post(change_url(live), data))

    opened["title"] = [PREPARED_TITLE]
    refused = editor_client.post(change_url(live), opened)

    assert refused.status_code == 200
    text = Page.of(refused).text
    assert "changed the live press release at" in text
    assert "Corrected on the live page." in text
    assert not PreparedChange.objects.exists()


def test_taking_the_item_off_the_site_sets_prepared_changes_aside(
    editor_client, publisher_client, live
):
    prepare(editor_client, live, title=PREPARED_TITLE)
    data = form_as_sent(publisher_client.get(change_url(live)))
    data["status"] = [Status.DRAFT]

    response = publisher_client.post(change_url(live), data, follow=True)

    assert "were set aside, as it is no longer published" in Page.of(response).text
    change = PreparedChange.objects.get()
    assert change.outcome == PreparedChange.Outcome.DISCARDED
    live.refresh_from_db()
    assert live.title == LIVE_TITLE and live.status == Status.DRAFT
    history = Page.of(publisher_client.get(admin_url(PressRelease, "history", live.pk))).text
    assert "Changes prepared while it was live" in history
