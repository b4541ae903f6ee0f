"""Every public text goes through review (issue #20): whatever an Editor tries in the
admin, by the buttons or by a request made by hand, nothing the public sees changes
until a Publisher signs it off; and Editors still write drafts.

Each row of the table of roles (strategy_site/roles.py) is tried: a new kind of
content added to the table without a case here, or written by Editors without a
review step, fails a test.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
import reversion
from django.apps import apps
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from accessibility.models import AccessibilityStatement, SiteSettings
from glossary.admin import PUBLISHERS_ONLY
from news.models import CabinetDecision, PressRelease
from priorities.models import Strategy
from progress.models import DeliveryStatus, StatusChange
from publishing.admin import PublishableAdmin
from publishing.models import ChangeNote, PreparedChange, Publishable, Status
from strategy_site.roles import EDITORIAL_ROLES
from tests.factories import (
    CabinetDecisionFactory,
    DecisionPointFactory,
    DeliverableFactory,
    EasyReadPointFactory,
    EasyReadVersionFactory,
    EvidenceLinkFactory,
    GlossaryTermFactory,
    HelpContactFactory,
    ImageFactory,
    MilestoneFactory,
    PressReleaseFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    QuoteFactory,
    StrategyFactory,
    YouSaidWeDidFactory,
)
from tests.html_page import Page
from tests.test_admin import admin_url, assert_saved, form_as_sent

MARKER = "Changed without review"
ONLY_PUBLISHERS = "Only a publisher can publish."
WRITES = {"add", "change", "delete"}

# Rows whose words are never on a public page.
NOT_SHOWN = {
    "feedback.pagefeedback": "what visitors tell us, read in the admin",
    "publishing.previewlink": "a private link for sign-off",
    "alerts.subscription": "counts of who asked for email alerts, read in the admin",
    "alerts.subscriber": "email addresses, for those an administrator allows",
    "alerts.change": "how many emails each alert sent, read in the admin",
    "alerts.digest": "how many emails each summary sent, read in the admin",
    "alerts.sending": "the switch that pauses alert emails",
    "contentchecks.avoidword": "advice for writers, shown in the admin's content checks",
    "sharing.shortlink": "short links, made by the site and never typed by anyone",
}


def editor_may(label):
    return set(EDITORIAL_ROLES[label][0].split())


def item_of(model):
    """The publishable item a model is part of (it is deleted with it), or None."""
    for field in model._meta.get_fields():
        if (
            field.many_to_one
            and field.remote_field.on_delete is models.CASCADE
            and issubclass(field.related_model, Publishable)
        ):
            return field
    return None


def kind(label):
    model = apps.get_model(label)
    if issubclass(model, Publishable):
        return "item"
    if editor_may(label) & WRITES and item_of(model):
        return "part"
    return "publishers only"


# What the public never sees needs no review.
WRITTEN_BY_EDITORS = [
    label for label in EDITORIAL_ROLES if editor_may(label) & WRITES and label not in NOT_SHOWN
]


# The rule, for every row of the table --------------------------------------------------


def test_every_row_of_the_table_of_roles_is_tried_here():
    assert set(EDITORIAL_ROLES) == set(CASES) | set(NOT_SHOWN)


@pytest.mark.parametrize("label", WRITTEN_BY_EDITORS)
def test_whatever_an_editor_writes_is_a_draft_or_part_of_one(label):
    model = apps.get_model(label)
    if issubclass(model, Publishable):
        assert not editor_may(label) & {"delete", "publish"}
        assert isinstance(admin.site.get_model_admin(model), PublishableAdmin)
        return
    part_of = item_of(model)
    assert part_of is not None, (
        f"Editors may write {label}, which has no review step: make it a Publishable, "
        "part of one, or publishers' only (strategy_site/roles.py)."
    )
    # Written only on its item's page: once it is live, an editor's changes there are
    # kept aside as prepared changes until a publisher publishes them.
    assert not admin.site.is_registered(model)
    item_admin = admin.site.get_model_admin(part_of.related_model)
    assert isinstance(item_admin, PublishableAdmin)
    assert model in [inline.model for inline in item_admin.inlines]


# What each row shows the public -----------------------------------------------------------


@dataclass
class Case:
    make: Callable  # make(live) -> the object whose words the public sees
    field: str  # the field holding them
    page: Callable  # page(obj) -> the public page that shows them
    words: Callable = None  # words(obj) -> what the page shows, if not the field's value

    def shown(self, obj):
        return self.words(obj) if self.words else str(getattr(obj, self.field))


def state(live):
    return {} if live else {"status": Status.DRAFT, "published_at": None}


def its_page(obj):
    return obj.get_absolute_url()


def site_settings(live):
    settings = SiteSettings(relay_note="Use Relay UK to call us.")
    settings.save()
    return settings


def statement(live):
    statement = AccessibilityStatement.load()
    statement.compliance_status = AccessibilityStatement.Compliance.PARTIALLY
    statement.non_accessible_content = "Some old documents are PDFs."
    statement.save()
    return statement


def status_change(live):
    update = ProgressUpdateFactory(new_status=DeliveryStatus.AT_RISK)
    return StatusChange.objects.get(update=update)


def change_note(live):
    item = PressReleaseFactory()
    return ChangeNote.objects.create(item=item, note="Corrected the date of the event.")


CASES = {
    # Items: drafts, reviewed, published by a publisher.
    "news.pressrelease": Case(lambda live: PressReleaseFactory(**state(live)), "title", its_page),
    "news.cabinetdecision": Case(
        lambda live: CabinetDecisionFactory(**state(live)), "title", its_page
    ),
    "progress.deliverable": Case(lambda live: DeliverableFactory(**state(live)), "title", its_page),
    "progress.progressupdate": Case(
        lambda live: ProgressUpdateFactory(**state(live)),
        "title",
        lambda update: update.deliverable.get_absolute_url(),
    ),
    "progress.yousaidwedid": Case(
        lambda live: YouSaidWeDidFactory(**state(live)), "title", its_page
    ),
    "easyread.easyreadversion": Case(
        lambda live: EasyReadPointFactory(version=EasyReadVersionFactory(**state(live))).version,
        "title",
        its_page,
    ),
    # Parts: written with their item, on its page.
    "news.quote": Case(
        lambda live: QuoteFactory(press_release=PressReleaseFactory(**state(live)), text="Hello."),
        "text",
        lambda quote: quote.press_release.get_absolute_url(),
    ),
    "news.decisionpoint": Case(
        lambda live: DecisionPointFactory(
            decision=CabinetDecisionFactory(**state(live)), text="To agree the plan."
        ),
        "text",
        lambda point: point.decision.get_absolute_url(),
    ),
    "progress.milestone": Case(
        lambda live: MilestoneFactory(deliverable=DeliverableFactory(**state(live))),
        "title",
        lambda milestone: milestone.deliverable.get_absolute_url(),
    ),
    "progress.evidencelink": Case(
        lambda live: EvidenceLinkFactory(update=ProgressUpdateFactory(**state(live))),
        "title",
        lambda link: link.update.deliverable.get_absolute_url(),
    ),
    "easyread.easyreadpoint": Case(
        lambda live: EasyReadPointFactory(
            version=EasyReadVersionFactory(**state(live)), text="We want to help you."
        ),
        "text",
        lambda point: point.version.get_absolute_url(),
    ),
    # Live as soon as saved: publishers only.
    "priorities.strategy": Case(
        lambda live: StrategyFactory(status=Strategy.Status.CURRENT), "title", its_page
    ),
    "priorities.priority": Case(lambda live: PriorityFactory(), "short_title", its_page),
    "accessibility.sitesettings": Case(site_settings, "relay_note", its_page),
    "accessibility.accessibilitystatement": Case(statement, "non_accessible_content", its_page),
    "helpcontacts.helpcontact": Case(
        lambda live: HelpContactFactory(),
        "helps_with",
        lambda contact: reverse("helpcontacts:index"),
    ),
    "glossary.glossaryterm": Case(
        lambda live: GlossaryTermFactory(),
        "short_definition",
        lambda term: reverse("glossary:index"),
    ),
    "images.image": Case(
        lambda live: PressReleaseFactory(image=ImageFactory(alt="Parents at the event")).image,
        "alt",
        lambda image: PressRelease.objects.get(image=image).get_absolute_url(),
    ),
    "progress.statuschange": Case(
        status_change,
        "status",
        lambda change: change.deliverable.get_absolute_url(),
        words=lambda change: change.get_status_display(),
    ),
    "publishing.changenote": Case(
        change_note, "note", lambda note: PressRelease.objects.get().get_absolute_url()
    ),
}


ITEMS = [label for label in sorted(CASES) if kind(label) == "item"]
PARTS = [label for label in sorted(CASES) if kind(label) == "part"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def public_page(url):
    """The page as a visitor gets it (a new visitor each time: nothing kept between)."""
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def change_url(obj):
    """Where the object is changed in the admin: its own page, or its item's for a part."""
    part_of = item_of(type(obj)) if kind(type(obj)._meta.label_lower) == "part" else None
    target = getattr(obj, part_of.name) if part_of else obj
    return admin_url(type(target), "change", target.pk)


def prefix(model):
    """The inline's name in the item's form ("quotes")."""
    return item_of(model).remote_field.get_accessor_name()


def row_of(data, part):
    """The part's row in its item's form, as sent: "quotes-0"."""
    [key] = [key for key, value in data.items() if key.endswith("-id") and value == [str(part.pk)]]
    return key.removesuffix("-id")


def attempts(label, obj, case, editor, publisher):
    """Every way an editor might change the object, by the admin's own addresses, each
    sent as a browser would after the page was edited by hand: (what, response)."""
    model = type(obj)
    url = change_url(obj)
    data = form_as_sent(publisher.get(url))  # the form as a publisher sees it: editable
    if kind(label) == "part":
        name = prefix(model)
        row = row_of(data, obj)
        total = int(data[f"{name}-TOTAL_FORMS"][0])
        return [
            ("change it", editor.post(url, {**data, f"{row}-{case.field}": [MARKER]})),
            ("delete it", editor.post(url, {**data, f"{row}-DELETE": ["on"]})),
            (
                "add another",
                editor.post(
                    url,
                    {
                        **data,
                        f"{name}-TOTAL_FORMS": [str(total + 1)],
                        f"{name}-{total}-{case.field}": [MARKER],
                    },
                ),
            ),
        ]
    tried = [
        ("change it", editor.post(url, {**data, case.field: [MARKER]})),
        ("delete it", editor.post(admin_url(model, "delete", obj.pk), {"post": "yes"})),
    ]
    if kind(label) == "publishers only":
        tried += [
            ("open the add form", editor.get(admin_url(model, "add"))),
            ("add one", editor.post(admin_url(model, "add"), {**data, case.field: [MARKER]})),
        ]
    return tried


def prepares_changes(label):
    """Whether an editor's changes to a live item of this kind (or to its parts, on its
    form) are kept aside as prepared changes for a publisher to publish
    (publishing/prepared.py), rather than refused."""
    model = apps.get_model(label)
    if kind(label) == "part":
        model = item_of(model).related_model
    elif kind(label) != "item":
        return False
    return isinstance(admin.site.get_model_admin(model), PublishableAdmin)


@pytest.mark.parametrize("label", sorted(CASES))
def test_an_editor_cannot_change_what_the_public_sees(label, editor_client, publisher_client):
    case = CASES[label]
    obj = case.make(live=True)
    url = case.page(obj)
    words = case.shown(obj)
    assert words in public_page(url)

    for what, response in attempts(label, obj, case, editor_client, publisher_client):
        if prepares_changes(label) and not (kind(label) == "item" and what == "delete it"):
            # Kept aside for a publisher (or refused: a row added with one field is
            # incomplete). Either way the page below must not show it.
            allowed = (200, 302) if what == "add another" else (302,)
            assert response.status_code in allowed, f"{label}: {what} was not kept aside"
            if response.status_code == 302:
                assert PreparedChange.objects.open().exists(), f"{label}: {what} was lost"
            continue
        assert response.status_code == 403, f"{label}: an editor could {what}"

    obj.refresh_from_db()
    assert case.shown(obj) == words
    after = public_page(url)
    assert words in after
    assert MARKER not in after


@pytest.mark.parametrize("label", ITEMS)
def test_an_editor_cannot_add_an_item_straight_to_the_site(label, editor_client, publisher_client):
    """The form of a live item, sent as a new one: refused, because it says Published."""
    case = CASES[label]
    live = case.make(live=True)
    model = type(live)
    data = form_as_sent(publisher_client.get(admin_url(model, "change", live.pk)))
    data.update({case.field: [MARKER], "status": [Status.PUBLISHED]})
    data.pop("loaded_version", None)

    response = editor_client.post(admin_url(model, "add"), data)

    assert response.status_code == 200
    assert ONLY_PUBLISHERS in Page.of(response).text
    assert not model.objects.filter(**{case.field: MARKER}).exists()


@pytest.mark.parametrize("label", ITEMS + PARTS)
def test_an_editor_still_writes_drafts_and_their_parts(label, editor_client):
    case = CASES[label]
    obj = case.make(live=False)
    url = change_url(obj)
    form = editor_client.get(url)
    data = form_as_sent(form)
    if kind(label) == "part":
        data[f"{row_of(data, obj)}-{case.field}"] = [MARKER]
    else:
        data[case.field] = [MARKER]

    assert_saved(editor_client.post(url, data))

    obj.refresh_from_db()
    assert getattr(obj, case.field) == MARKER
    response = Client().get(case.page(obj))
    assert MARKER not in response.content.decode()  # a draft: the public does not see it yet


@pytest.mark.parametrize("label", PARTS)
def test_an_editor_edits_the_parts_of_a_live_item_only_as_prepared_changes(
    label, editor_client, publisher_client
):
    case = CASES[label]
    obj = case.make(live=True)
    name = prefix(type(obj))
    words = case.shown(obj)

    form = editor_client.get(change_url(obj))
    page = Page.of(form)
    editable = {
        element.attrs["name"]
        for element in page.find_all("textarea") + page.find_all("input")
        if element.attrs.get("name", "").startswith(f"{name}-0-")
        and element.attrs.get("type") != "hidden"
    }
    assert f"{name}-0-{case.field}" in editable
    assert "You are changing a live page" in page.text

    data = form_as_sent(form)
    data[f"{row_of(data, obj)}-{case.field}"] = [MARKER]
    assert editor_client.post(change_url(obj), data).status_code == 302

    obj.refresh_from_db()
    assert case.shown(obj) == words
    assert MARKER not in public_page(case.page(obj))
    assert PreparedChange.objects.open().count() == 1


def test_a_drafts_form_cannot_reach_the_quote_of_a_live_press_release(editor_client):
    live_quote = QuoteFactory(text="What the Cabinet Member said.")
    draft = PressReleaseFactory(**state(live=False))
    url = admin_url(PressRelease, "change", draft.pk)
    data = form_as_sent(editor_client.get(url))
    data.update(
        {
            "quotes-TOTAL_FORMS": ["1"],
            "quotes-INITIAL_FORMS": ["1"],
            "quotes-0-id": [str(live_quote.pk)],
            "quotes-0-press_release": [str(draft.pk)],
            "quotes-0-speaker": ["Someone else"],
            "quotes-0-text": [MARKER],
            "quotes-0-order": ["0"],
        }
    )

    editor_client.post(url, data)

    live_quote.refresh_from_db()
    assert live_quote.text == "What the Cabinet Member said."
    assert live_quote.press_release.is_published


# History: restoring and recovering ---------------------------------------------------------


def published_after_a_draft(case):
    """A live item whose history holds an earlier draft version; (item, that version)."""
    item = case.make(live=False)
    with reversion.create_revision():
        item.save()
    with reversion.create_revision():
        item.status = Status.PUBLISHED
        item.save()
    draft_version = Version.objects.get_for_object(item).order_by("pk").first()
    return item, draft_version


@pytest.mark.parametrize("label", ITEMS)
def test_an_editor_cannot_restore_a_live_item_to_an_earlier_draft(
    label, editor_client, publisher_client
):
    case = CASES[label]
    item, draft_version = published_after_a_draft(case)
    model = type(item)
    restore_url = admin_url(model, "revision", item.pk, draft_version.pk)
    data = form_as_sent(publisher_client.get(restore_url))  # a publisher may

    assert editor_client.get(restore_url).status_code == 403
    assert editor_client.post(restore_url, data).status_code == 403

    item.refresh_from_db()
    assert item.is_published
    history = Page.of(editor_client.get(admin_url(model, "history", item.pk)))
    assert "for a live item, a publisher" in history.text
    assert restore_url not in history.hrefs
    assert restore_url in Page.of(publisher_client.get(admin_url(model, "history", item.pk))).hrefs


def test_an_editor_restores_an_earlier_version_of_a_draft(editor_client):
    draft = PressReleaseFactory(title="First words", **state(live=False))
    with reversion.create_revision():
        draft.save()
    with reversion.create_revision():
        draft.title = "Second words"
        draft.save()
    history = Page.of(editor_client.get(admin_url(PressRelease, "history", draft.pk)))
    [restore_url] = [
        link.attrs["href"]
        for link in history.find_all("a")
        if "history-restore" in link.attrs.get("class", "")
    ]

    assert_saved(editor_client.post(restore_url, form_as_sent(editor_client.get(restore_url))))

    draft.refresh_from_db()
    assert draft.title == "First words"
    assert draft.status == Status.DRAFT


def test_no_one_restores_another_kind_of_content_through_a_draft_with_the_same_id(
    editor_client, publisher_client
):
    decision, draft_version = published_after_a_draft(CASES["news.cabinetdecision"])
    title = decision.title
    draft = PressReleaseFactory(pk=decision.pk, **state(live=False))
    restore_url = admin_url(PressRelease, "revision", draft.pk, draft_version.pk)
    data = form_as_sent(editor_client.get(admin_url(PressRelease, "change", draft.pk)))

    assert editor_client.get(restore_url).status_code == 404
    assert editor_client.post(restore_url, data).status_code == 404
    assert publisher_client.get(restore_url).status_code == 404

    decision.refresh_from_db()
    assert decision.is_published
    assert decision.title == title
    assert CabinetDecision.objects.published().filter(pk=decision.pk).exists()


def test_recover_brings_back_only_deleted_items(editor_client):
    item, draft_version = published_after_a_draft(CASES["news.pressrelease"])
    recover_url = admin_url(PressRelease, "recover", draft_version.pk)
    data = form_as_sent(editor_client.get(admin_url(PressRelease, "change", item.pk)))

    assert editor_client.get(recover_url).status_code == 404
    assert editor_client.post(recover_url, data).status_code == 404

    item.refresh_from_db()
    assert item.is_published


def test_an_editor_cannot_bring_back_a_deleted_live_item(editor_client, publisher_client):
    item = PressReleaseFactory(title="Withdrawn news")
    url = item.get_absolute_url()
    publisher_client.post(admin_url(PressRelease, "delete", item.pk), {"post": "yes"})
    [deleted] = Version.objects.get_for_model(PressRelease).filter(object_id=str(item.pk))
    recover_url = admin_url(PressRelease, "recover", deleted.pk)
    data = form_as_sent(publisher_client.get(recover_url))
    form = Page.of(editor_client.get(recover_url))

    assert "only a publisher can bring it back" in form.text
    assert not form.find_all("input", type="submit")
    assert editor_client.post(recover_url, data).status_code == 403

    assert not PressRelease.objects.filter(pk=item.pk).exists()
    assert Client().get(url).status_code == 410
    # A publisher may.
    assert_saved(publisher_client.post(recover_url, data))
    assert Client().get(url).status_code == 200


# What an editor reads about it ------------------------------------------------------------


def test_an_editor_reads_why_they_cannot_add_a_glossary_term(editor_client, publisher_client):
    term = GlossaryTermFactory()
    add = admin_url(type(term), "add")

    for url in (admin_url(type(term), "changelist"), admin_url(type(term), "change", term.pk)):
        editors, publishers = Page.of(editor_client.get(url)), Page.of(publisher_client.get(url))
        assert PUBLISHERS_ONLY in editors.text
        assert PUBLISHERS_ONLY not in publishers.text
    assert add not in Page.of(editor_client.get(admin_url(type(term), "changelist"))).hrefs
    assert add in Page.of(publisher_client.get(admin_url(type(term), "changelist"))).hrefs


def test_the_admin_home_says_who_may_change_what(editor_client):
    text = Page.of(editor_client.get(reverse("admin:index"))).text

    assert "A publisher checks every text an editor writes before it appears." in text
    assert "glossary terms" in text


@pytest.mark.parametrize("label", [label for label in ITEMS + PARTS if prepares_changes(label)])
def test_prepared_changes_go_live_when_a_publisher_publishes_them(
    label, editor_client, publisher_client
):
    """Every kind whose live items an editor can change: the change waits, then goes
    live, parts included, through the publisher's "Publish these changes"."""
    case = CASES[label]
    obj = case.make(live=True)
    data = form_as_sent(editor_client.get(change_url(obj)))
    if kind(label) == "part":
        data[f"{row_of(data, obj)}-{case.field}"] = [MARKER]
    else:
        data[case.field] = [MARKER]
    assert editor_client.post(change_url(obj), data).status_code == 302
    assert MARKER not in public_page(case.page(obj))

    item_url = change_url(obj)
    publish_url = item_url.replace("/change/", "/prepared/publish/")
    form = publisher_client.get(publish_url)
    assert_saved(publisher_client.post(publish_url, form_as_sent(form)))

    obj.refresh_from_db()
    assert getattr(obj, case.field) == MARKER
    assert MARKER in public_page(case.page(obj))
