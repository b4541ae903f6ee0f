"""Editors see every version of an item, restore any of them, recover deleted
items, and never silently overwrite each other's work."""

import pytest
import reversion
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority, Strategy
from publishing.models import Status
from tests.factories import PressReleaseFactory, PriorityFactory, QuoteFactory, StrategyFactory
from tests.html_page import Page
from tests.test_admin import MODELS, admin_url, assert_saved, form_as_sent

FIRST_TITLE = "Families help shape new short breaks"
SECOND_TITLE = "Short breaks: families shape the new offer"
THIRD_TITLE = "New short breaks for disabled children open in spring"


@pytest.fixture
def public():
    return Client()


@pytest.fixture
def colleague_client(db, django_user_model):
    """A second comms officer, signed in on another computer."""
    user = django_user_model.objects.create_user(
        username="bea",
        first_name="Bea",
        last_name="Brown",
        password="a-long-test-password",
        is_staff=True,
        is_superuser=True,
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def press_release(db):
    item = PressReleaseFactory(
        title=FIRST_TITLE,
        body="Parents and carers helped design it.\n\nIt opens in spring.\n\nBook online.",
    )
    QuoteFactory(press_release=item, order=1, speaker="A Parent", text="We were listened to.")
    return item


def open_form(client, item):
    return form_as_sent(client.get(admin_url(type(item), "change", item.pk)))


def edit(client, item, **changes):
    """Open the item's change form, change some fields and save it, as an editor does."""
    data = open_form(client, item)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return client.post(admin_url(type(item), "change", item.pk), data)


def history(client, item):
    return Page.of(client.get(admin_url(type(item), "history", item.pk)))


def entries(page):
    """Each version on the history page: its heading and its removed and added lines."""
    return [
        {
            "heading": section.text,
            "title": next(e.text for e in page.inside(section) if e.tag == "h2"),
            "terms": [e.text for e in page.inside(section) if e.tag == "dt"],
            "removed": [e.text for e in page.inside(section) if e.tag == "del"],
            "added": [e.text for e in page.inside(section) if e.tag == "ins"],
            "restore": [
                e.attrs["href"]
                for e in page.inside(section)
                if e.tag == "a" and "history-restore" in e.attrs.get("class", "")
            ],
        }
        for section in page.find_all("section")
    ]


def form_errors(response):
    page = Page.of(response)
    return [
        li.text
        for ul in page.find_all("ul")
        if "nonfield" in ul.attrs.get("class", "")
        for li in page.inside(ul)
        if li.tag == "li"
    ]


# History ------------------------------------------------------------------------------


def test_the_history_shows_who_changed_what_field_by_field(staff_client, press_release):
    priority = PriorityFactory(short_title="Preparing for adulthood")
    assert_saved(edit(staff_client, press_release, title=SECOND_TITLE))
    assert_saved(
        edit(
            staff_client,
            press_release,
            title=THIRD_TITLE,
            body="Parents and carers helped design it.\n\nIt opens in May.\n\nBook online.",
            priorities=[str(priority.pk)],
            status=Status.DRAFT,
        )
    )

    newest, middle, first = entries(history(staff_client, press_release))

    assert "by editor" in newest["title"] and "current version" in newest["title"]
    assert "by editor" in middle["title"]
    assert newest["terms"] == ["Headline", "Body", "Priorities", "Status"]
    assert newest["removed"] == [SECOND_TITLE, "It opens in spring.", "Published"]
    assert newest["added"] == [
        THIRD_TITLE,
        "It opens in May.",
        f"Priority {priority.number}: Preparing for adulthood",
        "Draft",
    ]
    assert "Changed Headline, Body, Priorities and Status." in newest["heading"]
    assert middle["removed"] == [FIRST_TITLE] and middle["added"] == [SECOND_TITLE]
    assert "nothing before it to compare with" in first["heading"]
    # Every version but the current one can be restored.
    assert newest["restore"] == [] and len(middle["restore"]) == len(first["restore"]) == 1


def test_line_breaks_sent_as_a_browser_sends_them_are_not_a_change(staff_client, press_release):
    """A browser sends a text box's line breaks as CRLF; text loaded with LF is then
    "changed" on every line without anyone changing it. The history leaves that out."""
    assert "\r\n" not in press_release.body
    with_crlf = press_release.body.replace("\n", "\r\n")
    assert_saved(edit(staff_client, press_release, title=SECOND_TITLE, body=with_crlf))

    newest = entries(history(staff_client, press_release))[0]

    assert newest["terms"] == ["Headline"]


def test_the_history_shows_quotes_added_changed_and_removed(staff_client, press_release):
    data = open_form(staff_client, press_release)
    data["quotes-0-text"] = ["We were really listened to."]
    data["quotes-TOTAL_FORMS"] = ["2"]
    data.update({"quotes-1-speaker": ["Cllr Jane Davies"], "quotes-1-text": ["A good day."]})
    data["quotes-1-order"] = ["2"]
    assert_saved(staff_client.post(admin_url(PressRelease, "change", press_release.pk), data))

    newest = entries(history(staff_client, press_release))[0]

    assert newest["terms"] == [
        "Quote “A Parent: We were really listened to.”: changed",
        "Quote “Cllr Jane Davies: A good day.”: added",
    ]
    assert "We were really listened to." in newest["added"]
    assert "Cllr Jane Davies" in newest["added"]


def test_the_history_page_is_plain_html_for_a_strict_content_security_policy(
    staff_client, press_release
):
    assert_saved(edit(staff_client, press_release, title=SECOND_TITLE))
    page = history(staff_client, press_release)

    [main] = page.find_all("div", id="content-main")
    assert not [e for e in page.inside(main) if "style" in e.attrs or e.tag in {"script", "style"}]
    stylesheets = [
        e.attrs["href"] for e in page.find_all("link") if e.attrs.get("rel") == "stylesheet"
    ]
    assert any(href.endswith("admin/history.css") for href in stylesheets)


def test_an_editors_markup_is_shown_as_text_in_the_history(staff_client, press_release):
    assert_saved(edit(staff_client, press_release, title="<script>alert(1)</script> news"))

    response = staff_client.get(admin_url(PressRelease, "history", press_release.pk))

    assert b"<script>alert(1)</script>" not in response.content
    assert "<script>alert(1)</script> news" in entries(Page.of(response))[0]["added"]


@pytest.mark.parametrize("count", [1, 30])
def test_the_history_page_queries_stay_flat(
    staff_client, press_release, django_assert_max_num_queries, count
):
    for n in range(count):
        with reversion.create_revision():
            press_release.title = f"Title number {n}"
            press_release.save()

    # 12, and 2 for the changes prepared to it while live (publishing/prepared.py).
    with django_assert_max_num_queries(14):
        response = staff_client.get(admin_url(PressRelease, "history", press_release.pk))
    assert response.status_code == 200


# Restore ------------------------------------------------------------------------------


def test_restoring_an_earlier_version_brings_back_its_title_quotes_and_priorities(
    staff_client, public, press_release
):
    first_priority, second_priority = PriorityFactory.create_batch(2)
    assert_saved(
        edit(staff_client, press_release, title=SECOND_TITLE, priorities=[str(first_priority.pk)])
    )
    data = open_form(staff_client, press_release)
    data.update(
        {
            "title": [THIRD_TITLE],
            "priorities": [str(second_priority.pk)],
            "quotes-0-text": ["Nobody listened."],
            "quotes-TOTAL_FORMS": ["2"],
            "quotes-1-speaker": ["Cllr Jane Davies"],
            "quotes-1-text": ["A good day."],
            "quotes-1-order": ["2"],
        }
    )
    assert_saved(staff_client.post(admin_url(PressRelease, "change", press_release.pk), data))
    assert Page.of(public.get(press_release.get_absolute_url())).texts("h1") == [THIRD_TITLE]

    [restore_url] = entries(history(staff_client, press_release))[1]["restore"]
    preview = staff_client.get(restore_url)
    assert preview.status_code == 200
    assert "Restore this version" in [
        e.attrs.get("value") for e in Page.of(preview).find_all("input", type="submit")
    ]
    # Looking at an old version changes nothing until it is saved.
    press_release.refresh_from_db()
    assert press_release.title == THIRD_TITLE
    assert_saved(staff_client.post(restore_url, form_as_sent(preview)))

    page = Page.of(public.get(press_release.get_absolute_url()))
    assert page.texts("h1") == [SECOND_TITLE]
    assert page.texts("blockquote") == ["We were listened to."]
    assert list(press_release.priorities.all()) == [first_priority]
    restored = LogEntry.objects.filter(object_id=press_release.pk, action_flag=CHANGE).first()
    assert restored.get_change_message().startswith("Restored the version saved at")
    assert restored.user.username == "editor"


def test_restoring_a_strategy_leaves_its_priorities_alone(staff_client, db):
    strategy = StrategyFactory(short_name="Working together")
    assert_saved(edit(staff_client, strategy, short_name="Ambitious for all"))
    priority = PriorityFactory(strategy=strategy, short_title="Added later")

    [restore_url] = entries(history(staff_client, strategy))[1]["restore"]
    assert_saved(staff_client.post(restore_url, form_as_sent(staff_client.get(restore_url))))

    strategy.refresh_from_db()
    assert strategy.short_name == "Working together"
    assert Priority.objects.get(pk=priority.pk).short_title == "Added later"


# Recover ------------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_each_list_offers_to_recover_deleted_items(staff_client, model):
    page = Page.of(staff_client.get(admin_url(model, "changelist")))

    [link] = page.find_all("a", href=admin_url(model, "recoverlist"))
    assert link.text == f"Recover deleted {model._meta.verbose_name_plural}"
    assert staff_client.get(link.attrs["href"]).status_code == 200


def test_a_deleted_press_release_can_be_recovered_with_its_quotes(
    staff_client, public, press_release
):
    """Even one that was never saved in the admin: deleting keeps a version first."""
    url = press_release.get_absolute_url()
    response = staff_client.post(
        admin_url(PressRelease, "delete", press_release.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not PressRelease.objects.exists()
    assert public.get(url).status_code == 410

    recover_list = Page.of(staff_client.get(admin_url(PressRelease, "recoverlist")))
    [row] = [tr.text for tr in recover_list.find_all("tr") if FIRST_TITLE in tr.text]
    assert "editor" in row
    [recover_url] = [
        href for href in recover_list.hrefs if "/recover/" in href and href.strip("/")[-1].isdigit()
    ]
    form = staff_client.get(recover_url)
    assert f"Recover this {PressRelease._meta.verbose_name}" in [
        e.attrs.get("value") for e in Page.of(form).find_all("input", type="submit")
    ]
    assert_saved(staff_client.post(recover_url, form_as_sent(form)))

    page = Page.of(public.get(url))
    assert page.texts("h1") == [FIRST_TITLE]
    assert page.texts("blockquote") == ["We were listened to."]
    actions = LogEntry.objects.filter(object_id=press_release.pk).order_by("pk")
    assert [entry.action_flag for entry in actions] == [DELETION, CHANGE]
    assert actions.last().get_change_message().startswith("Recovered after it was deleted")


# No silent overwrites -----------------------------------------------------------------


def test_a_save_is_refused_when_someone_else_saved_since_the_form_was_opened(
    staff_client, colleague_client, press_release
):
    change_url = admin_url(PressRelease, "change", press_release.pk)
    mine = open_form(staff_client, press_release)
    assert mine["loaded_version"] != [""]

    assert_saved(edit(colleague_client, press_release, standfirst="Bea's new standfirst."))
    mine["body"] = ["An hour of careful writing about short breaks."]
    response = staff_client.post(change_url, mine)

    assert response.status_code == 200
    errors = form_errors(response)
    assert errors[0].startswith("Bea Brown saved this press release at ")
    assert errors[0].endswith(", after you opened it.")
    assert "nothing is lost" in errors[1]
    assert any(
        e.startswith("Standfirst: was “") and "now “Bea's new standfirst.”" in e for e in errors
    )
    [body] = Page.of(response).find_all("textarea", name="body")
    assert body.text == "An hour of careful writing about short breaks."
    press_release.refresh_from_db()
    assert press_release.standfirst == "Bea's new standfirst."
    assert press_release.body != "An hour of careful writing about short breaks."

    # Reloading shows Bea's version, and the editor's save then goes through.
    assert_saved(edit(staff_client, press_release, body="An hour of careful writing."))
    press_release.refresh_from_db()
    assert (press_release.standfirst, press_release.body) == (
        "Bea's new standfirst.",
        "An hour of careful writing.",
    )


@pytest.mark.parametrize(
    "model, field, label",
    [
        (Strategy, "short_name", "Short name"),
        (Priority, "pledge", "Pledge"),
        (PressRelease, "standfirst", "Standfirst"),
        (CabinetDecision, "presented_by", "Report presented by"),
    ],
)
def test_every_kind_of_content_refuses_a_save_over_someone_elses(
    staff_client, colleague_client, real_content, model, field, label
):
    item = model.objects.order_by("pk").last()
    mine = open_form(staff_client, item)

    assert_saved(edit(colleague_client, item, **{field: "Bea's words"}))
    mine[field] = ["My words"]
    response = staff_client.post(admin_url(model, "change", item.pk), mine)

    assert response.status_code == 200
    errors = form_errors(response)
    assert errors[0].startswith(f"Bea Brown saved this {model._meta.verbose_name} at ")
    assert any(e.startswith(f"{label}: was “") and e.endswith("now “Bea's words”.") for e in errors)
    item.refresh_from_db()
    assert getattr(item, field) == "Bea's words"


def test_a_quote_changed_by_someone_else_is_named_in_the_refusal(
    staff_client, colleague_client, press_release
):
    mine = open_form(staff_client, press_release)
    theirs = open_form(colleague_client, press_release)
    theirs["quotes-0-text"] = ["We were heard."]
    assert_saved(colleague_client.post(admin_url(PressRelease, "change", press_release.pk), theirs))

    response = staff_client.post(admin_url(PressRelease, "change", press_release.pk), mine)

    assert any(
        e.startswith("Quote “A Parent: We were heard.” changed: Quote:")
        for e in form_errors(response)
    )


def test_a_save_goes_through_when_the_other_save_changed_nothing(
    staff_client, colleague_client, press_release
):
    mine = open_form(staff_client, press_release)
    assert_saved(edit(colleague_client, press_release))

    mine["title"] = [SECOND_TITLE]
    assert_saved(staff_client.post(admin_url(PressRelease, "change", press_release.pk), mine))

    press_release.refresh_from_db()
    assert press_release.title == SECOND_TITLE


def test_the_add_form_has_nothing_to_conflict_with(staff_client, db):
    page = Page.of(staff_client.get(admin_url(PressRelease, "add")))

    assert not page.find_all("input", name="loaded_version")


# The admin log ------------------------------------------------------------------------


def test_every_change_is_in_the_admin_log(staff_client, colleague_client, press_release):
    assert_saved(edit(staff_client, press_release, title=SECOND_TITLE))
    assert_saved(edit(colleague_client, press_release, standfirst="Shorter."))

    log = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PressRelease), object_id=press_release.pk
    ).order_by("pk")

    assert [(e.user.username, e.action_flag, e.get_change_message()) for e in log] == [
        ("editor", CHANGE, "Changed Headline."),
        ("bea", CHANGE, "Changed Standfirst."),
    ]
