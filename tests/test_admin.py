"""Comms staff editing content in the admin, and seeing it on the public site."""

from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from news.models import CabinetDecision, PressRelease, Quote
from priorities.models import Priority, Strategy
from publishing.models import Status
from tests.factories import PressReleaseFactory
from tests.html_page import Page

MODELS = [Strategy, Priority, PressRelease, CabinetDecision]
PRESS_RELEASE_SLUG = "cabinet-agrees-new-strategy-to-support-children-and-young-people-with-send"
STRATEGY_SLUG = "send-inclusion-and-alternative-provision-strategy-2024-2029"


@pytest.fixture
def public():
    """A visitor who is not signed in (`staff_client` signs in pytest-django's `client`)."""
    return Client()


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def management_form(prefix, total):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_as_sent(response):
    """The data a browser sends back when an editor saves the form without changing it."""
    page = Page.of(response)
    [form] = [form for form in page.find_all("form") if form.attrs.get("id", "").endswith("_form")]
    data = {}
    select = None
    for element in page.inside(form):
        name = element.attrs.get("name", "")
        if element.tag == "select":
            select = name
            if "__prefix__" not in name:
                data[name] = []
        if "__prefix__" in name or "disabled" in element.attrs:
            continue  # the hidden template for "Add another", or a read-only field
        if element.tag == "input" and name:
            kind = element.attrs.get("type", "text")
            if kind in {"submit", "button", "file"}:
                continue
            if kind in {"checkbox", "radio"} and "checked" not in element.attrs:
                continue
            default = "on" if kind in {"checkbox", "radio"} else ""
            data.setdefault(name, []).append(element.attrs.get("value", default))
        elif element.tag == "textarea" and name:
            # Browsers drop the newline that Django writes straight after <textarea>.
            data[name] = ["".join(element.parts).removeprefix("\n")]
        elif element.tag == "option" and "selected" in element.attrs and select in data:
            data[select].append(element.attrs["value"])
    return data


def listed(page, model, item):
    """Whether a changelist links to the item (its links keep the list's filters)."""
    change_url = admin_url(model, "change", item.pk)
    return any(href and href.split("?")[0] == change_url for href in page.hrefs)


def assert_saved(response):
    """A saved admin form redirects; a refused one shows the form again with its errors."""
    if response.status_code == 200 and response.context:
        inlines = [inline.formset for inline in response.context["inline_admin_formsets"]]
        errors = [response.context["adminform"].form.errors]
        errors += [(formset.errors, formset.non_form_errors()) for formset in inlines]
        pytest.fail(f"The admin refused the form: {errors}")
    assert response.status_code == 302


# Getting in --------------------------------------------------------------------------


def test_the_public_is_sent_to_the_login_page(client, db):
    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_see_every_kind_of_content_on_the_admin_home(staff_client):
    response = staff_client.get(reverse("admin:index"))

    assert response.status_code == 200
    for model in MODELS:
        assert admin_url(model, "changelist") in Page.of(response).hrefs


# Lists -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, columns",
    [
        (Strategy, ["title", "period", "status"]),
        (Priority, ["number", "short_title", "strategy"]),
        (PressRelease, ["title", "current_state", "published_at"]),
        (
            CabinetDecision,
            ["title", "meeting_date", "decision_status", "current_state", "published_at"],
        ),
    ],
)
def test_staff_can_list_each_kind_of_content(staff_client, real_content, model, columns):
    response = staff_client.get(admin_url(model, "changelist"))

    assert response.status_code == 200
    page = Page.of(response)
    headers = {name for th in page.find_all("th") for name in th.attrs.get("class", "").split()}
    for column in columns:
        assert f"column-{column}" in headers
    for item in model.objects.all():
        assert listed(page, model, item)


def test_the_news_list_shows_status_and_date(staff_client, real_content):
    page = Page.of(staff_client.get(admin_url(PressRelease, "changelist")))

    [row] = [tr.text for tr in page.find_all("tr") if "Cabinet agrees" in tr.text]
    assert "Published" in row
    assert "18 Sep 2024" in row


@pytest.mark.parametrize(
    "model, search, slug",
    [
        (PressRelease, "Cabinet agrees", PRESS_RELEASE_SLUG),
        (CabinetDecision, "Hubbard", "send-ap-and-inclusion-strategy-2024-2029"),
        (Priority, "adulthood", "preparing-for-adulthood"),
        (Strategy, "ambitious for all", STRATEGY_SLUG),
    ],
)
def test_staff_can_search_the_lists(staff_client, real_content, model, search, slug):
    item = model.objects.get(slug=slug)

    found = Page.of(staff_client.get(admin_url(model, "changelist"), {"q": search}))
    not_found = Page.of(staff_client.get(admin_url(model, "changelist"), {"q": "zebra crossing"}))

    assert listed(found, model, item)
    assert not listed(not_found, model, item)


def test_staff_can_filter_the_news_to_drafts(staff_client, real_content):
    draft = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    published = PressRelease.objects.get(status=Status.PUBLISHED)
    drafts = staff_client.get(admin_url(PressRelease, "changelist"), {"status__exact": "draft"})

    page = Page.of(drafts)

    assert listed(page, PressRelease, draft)
    assert not listed(page, PressRelease, published)


# Adding ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, markdown_fields",
    [
        (Strategy, ["vision", "summary"]),
        (Priority, ["body"]),
        (PressRelease, ["body"]),
        (CabinetDecision, ["summary_for_families", "reasons", "discussion"]),
    ],
)
def test_the_add_form_gives_markdown_fields_the_live_preview_editor(
    staff_client, model, markdown_fields
):
    response = staff_client.get(admin_url(model, "add"))

    assert response.status_code == 200
    page = Page.of(response)
    for field in markdown_fields:
        [textarea] = page.find_all("textarea", name=field)
        assert "markdownx-editor" in textarea.attrs["class"].split()
        assert textarea.attrs["data-markdownx-urls-path"] == reverse("markdownx_markdownify")


def test_staff_can_add_a_strategy(staff_client, public):
    response = staff_client.post(
        admin_url(Strategy, "add"),
        {
            "title": "SEND Strategy 2030-2035",
            "short_name": "Next steps",
            "slug": "send-strategy-2030-2035",
            "status": "current",
            "start_year": "2030",
            "end_year": "2035",
            "approved_on": "",
            "approved_by": "",
            "vision": "Every child *thrives*.",
            "summary": "What comes next.",
            "document_url": "",
            **management_form("priorities", 0),
        },
    )

    assert_saved(response)
    strategy = Strategy.objects.get()
    assert strategy.period == "2030 to 2035"
    assert Page.of(public.get(reverse("home"))).texts("h1") == ["SEND Strategy 2030-2035"]


def test_the_admin_refuses_a_second_current_strategy(staff_client, real_content):
    response = staff_client.post(
        admin_url(Strategy, "add"),
        {
            "title": "A rival strategy",
            "slug": "a-rival-strategy",
            "status": "current",
            "start_year": "2024",
            "end_year": "2029",
            **management_form("priorities", 0),
        },
    )

    assert response.status_code == 200
    assert "Another strategy is already current." in response.content.decode()
    assert Strategy.objects.count() == 1


def test_staff_can_add_a_priority(staff_client, public):
    strategy = Strategy.objects.create(
        title="Plan", slug="plan", start_year=2024, end_year=2029, status="current"
    )

    response = staff_client.post(
        admin_url(Priority, "add"),
        {
            "strategy": strategy.pk,
            "number": "1",
            "short_title": "Families as true partners",
            "slug": "families-as-true-partners",
            "pledge": "Families will be at the centre of planning.",
            "body": "## How\n\nTogether.",
        },
    )

    assert_saved(response)
    priority = Priority.objects.get()
    page = Page.of(public.get(priority.get_absolute_url()))
    assert page.texts("h1") == ["Families as true partners"]
    assert "Families will be at the centre of planning." in page.text


def test_staff_can_add_a_press_release_with_quotes(staff_client, public, real_content):
    priority = Priority.objects.get(number=2)

    response = staff_client.post(
        admin_url(PressRelease, "add"),
        {
            "title": "Families help shape new support",
            "slug": "families-help-shape-new-support",
            "standfirst": "Parents and carers have helped design a new service.",
            "body": "The service opens in *spring*.",
            "image_alt": "",
            "image_caption": "",
            "strategy": "",
            "priorities": [priority.pk],
            "status": "published",
            "published_at_0": "2024-10-01",
            "published_at_1": "10:00:00",
            **management_form("quotes", 1),
            "quotes-0-speaker": "A Parent",
            "quotes-0-role": "Parent carer",
            "quotes-0-text": "We were listened to.",
            "quotes-0-order": "1",
        },
    )

    assert_saved(response)
    press_release = PressRelease.objects.get(slug="families-help-shape-new-support")
    assert list(press_release.priorities.all()) == [priority]
    assert Quote.objects.get(press_release=press_release).speaker == "A Parent"
    page = Page.of(public.get(press_release.get_absolute_url()))
    assert page.texts("blockquote") == ["We were listened to."]
    assert press_release.get_absolute_url() in Page.of(public.get(reverse("news:index"))).hrefs


def test_staff_can_add_a_cabinet_decision_with_its_points(staff_client, public, real_content):
    response = staff_client.post(
        admin_url(CabinetDecision, "add"),
        {
            "title": "School places plan",
            "slug": "school-places-plan",
            "meeting_body": "Cabinet",
            "meeting_date": "2024-11-05",
            "item_number": "12",
            "purpose": "",
            "summary_for_families": "More local places.",
            "reasons": "",
            "discussion": "",
            "decision_type": "key",
            "decision_status": "approved",
            "lead_member": "",
            "official_record_url": "",
            "strategy": "",
            "status": "draft",
            "published_at_0": "",
            "published_at_1": "",
            **management_form("points", 2),
            "points-0-number": "1",
            "points-0-kind": "noted",
            "points-0-text": "The report",
            "points-1-number": "2",
            "points-1-kind": "approved",
            "points-1-text": "The plan",
        },
    )

    assert_saved(response)
    decision = CabinetDecision.objects.get(slug="school-places-plan")
    assert list(decision.points.values_list("number", "kind")) == [(1, "noted"), (2, "approved")]
    assert decision.published_at is None
    assert "Draft - not published" in staff_client.get(decision.get_absolute_url()).content.decode()
    assert public.get(decision.get_absolute_url()).status_code == 404


# Changing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model, field, new_value",
    [
        (Strategy, "short_name", "Meeting Needs Together - for every child"),
        (Priority, "pledge", "A new pledge, in new words."),
        (PressRelease, "standfirst", "A rewritten standfirst."),
        (CabinetDecision, "lead_member", "Cllr A New Member"),
    ],
)
def test_staff_can_change_the_real_content_and_see_it_on_the_site(
    staff_client, public, real_content, model, field, new_value
):
    item = model.objects.order_by("pk").last()
    change_url = admin_url(model, "change", item.pk)
    data = form_as_sent(staff_client.get(change_url))
    data[field] = [new_value]

    assert_saved(staff_client.post(change_url, data))

    assert new_value in Page.of(public.get(item.get_absolute_url())).text


def test_saving_a_press_release_unchanged_keeps_its_quotes_and_priorities(
    staff_client, real_content
):
    press_release = PressRelease.objects.get()
    change_url = admin_url(PressRelease, "change", press_release.pk)

    assert_saved(staff_client.post(change_url, form_as_sent(staff_client.get(change_url))))

    assert press_release.quotes.count() == 3
    assert press_release.priorities.count() == 6


@pytest.mark.parametrize("model", MODELS)
def test_the_change_form_links_to_the_page_on_the_site(staff_client, real_content, model):
    item = model.objects.first()
    response = staff_client.get(admin_url(model, "change", item.pk))
    view_on_site = reverse(
        "admin:view_on_site", args=[ContentType.objects.get_for_model(model).pk, item.pk]
    )

    [link] = Page.of(response).find_all("a", href=view_on_site)
    assert link.text == "View on site"
    redirect = staff_client.get(view_on_site)
    assert redirect.status_code == 302
    assert urlsplit(redirect.url).path == item.get_absolute_url()
