"""Drafts and scheduled items stay hidden from the public; staff can check them first.
And the rules the models keep, whoever edits them."""

import io
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority, Strategy
from publishing.models import HasAddressHistory, Publishable, Status
from tests.factories import (
    CabinetDecisionFactory,
    ImageFactory,
    PressReleaseFactory,
    PriorityFactory,
    StrategyFactory,
)

FACTORIES = {"press release": PressReleaseFactory, "decision": CabinetDecisionFactory}
LIST_PAGES = {"press release": "news:index", "decision": "decisions:index"}


def hidden(state):
    """The fields that keep an item from the public."""
    if state == "draft":
        return {"status": Status.DRAFT, "published_at": None}
    if state == "draft with a past date":
        return {"status": Status.DRAFT, "published_at": timezone.now() - timedelta(days=1)}
    return {"status": Status.PUBLISHED, "published_at": timezone.now() + timedelta(days=1)}


HIDDEN_STATES = ["draft", "draft with a past date", "scheduled for tomorrow"]


@pytest.fixture
def priority_six(real_content):
    return Priority.objects.get(number=6)


@pytest.mark.parametrize("kind", FACTORIES)
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_the_public_cannot_open_an_unpublished_item(client, db, kind, state):
    item = FACTORIES[kind](**hidden(state))

    assert client.get(item.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("kind", FACTORIES)
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_unpublished_items_are_left_out_of_every_list(client, priority_six, kind, state):
    published = FACTORIES[kind](priorities=[priority_six])
    unpublished = FACTORIES[kind](title="Not ready yet", priorities=[priority_six], **hidden(state))

    for url in [reverse(LIST_PAGES[kind]), reverse("home"), priority_six.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert published.get_absolute_url() in html, url
        assert unpublished.get_absolute_url() not in html, url
        assert unpublished.title not in html, url


@pytest.mark.parametrize("model", [PressRelease, CabinetDecision])
def test_published_means_published_and_not_scheduled_for_later(db, model):
    factory = FACTORIES["press release" if model is PressRelease else "decision"]
    live = factory()
    draft = factory(**hidden("draft"))
    scheduled = factory(**hidden("scheduled for tomorrow"))

    assert list(model.objects.published()) == [live]
    assert list(model.objects.drafts()) == [draft]
    assert scheduled.is_published is False
    assert live.is_published is True


def test_a_scheduled_item_appears_when_its_time_comes(db):
    soon = PressReleaseFactory(**hidden("scheduled for tomorrow"))

    PressRelease.objects.filter(pk=soon.pk).update(published_at=timezone.now())

    assert list(PressRelease.objects.published()) == [soon]


def test_publishing_without_a_date_publishes_it_now(db):
    before = timezone.now()

    press_release = PressReleaseFactory(status=Status.PUBLISHED, published_at=None)

    assert before <= press_release.published_at <= timezone.now()
    assert list(PressRelease.objects.published()) == [press_release]


def test_a_draft_keeps_its_empty_date(db):
    assert PressReleaseFactory(**hidden("draft")).published_at is None


@pytest.mark.parametrize("kind", FACTORIES)
@pytest.mark.parametrize("state", HIDDEN_STATES)
def test_staff_can_check_an_unpublished_item_at_its_real_address(staff_client, kind, state):
    item = FACTORIES[kind](**hidden(state))

    response = staff_client.get(item.get_absolute_url())

    assert response.status_code == 200
    assert "Draft - not published" in response.content.decode()
    assert item.title in response.content.decode()
    cache_control = response.headers["Cache-Control"]
    assert "no-cache" in cache_control
    assert "no-store" in cache_control
    assert "private" in cache_control


@pytest.mark.parametrize("kind", FACTORIES)
def test_a_published_item_has_no_draft_banner_and_may_be_cached(staff_client, kind):
    item = FACTORIES[kind]()

    for_staff = staff_client.get(item.get_absolute_url())
    for_public = Client().get(item.get_absolute_url())

    assert "Draft - not published" not in for_staff.content.decode()
    # Staff pages are never stored anywhere; the public's copy may be cached.
    assert "no-store" in for_staff.headers["Cache-Control"]
    assert "no-store" not in for_public.headers.get("Cache-Control", "")


def test_staff_see_when_a_scheduled_item_will_appear(staff_client):
    item = PressReleaseFactory(
        status=Status.PUBLISHED,
        published_at=timezone.make_aware(datetime(2099, 3, 1, 9, 30)),
    )

    response = staff_client.get(item.get_absolute_url())

    assert "It is scheduled for 1 March 2099 at 09:30 (UK time)" in response.content.decode()


# Slugs -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "factory, title_field",
    [
        (StrategyFactory, "title"),
        (PriorityFactory, "short_title"),
        (PressReleaseFactory, "title"),
        (CabinetDecisionFactory, "title"),
    ],
)
def test_an_empty_slug_is_made_from_the_title_and_kept_unique(db, factory, title_field):
    first = factory(slug="", **{title_field: "Meeting Needs Together: Year One!"})
    second = factory(slug="", **{title_field: "Meeting Needs Together: Year One!"})

    assert first.slug == "meeting-needs-together-year-one"
    assert second.slug == "meeting-needs-together-year-one-2"


def test_an_editors_own_slug_is_kept(db):
    assert PressReleaseFactory(slug="our-own-words").slug == "our-own-words"


# The strategy's rules ----------------------------------------------------------------


def test_a_strategy_cannot_end_before_it_starts(db):
    strategy = StrategyFactory.build(slug="backwards", start_year=2029, end_year=2024)

    with pytest.raises(ValidationError) as refused:
        strategy.full_clean()

    assert "The end year cannot be before the start year." in refused.value.messages


def test_a_strategy_may_start_and_end_in_the_same_year(db):
    StrategyFactory.build(slug="one-year", start_year=2025, end_year=2025).full_clean()


def test_only_one_strategy_can_be_current(db):
    StrategyFactory(status=Strategy.Status.CURRENT)
    second = StrategyFactory.build(slug="second", status=Strategy.Status.CURRENT)

    with pytest.raises(ValidationError) as refused:
        second.full_clean()
    assert "Another strategy is already current. Mark that one as previous first." in (
        refused.value.messages
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_any_number_of_strategies_can_be_previous(db):
    StrategyFactory(status=Strategy.Status.CURRENT)
    StrategyFactory(status=Strategy.Status.PREVIOUS)
    StrategyFactory.build(slug="another-old-one", status=Strategy.Status.PREVIOUS).full_clean()


@pytest.mark.parametrize("number", [0, 7])
def test_a_priority_is_numbered_one_to_six(db, number):
    priority = PriorityFactory.build(strategy=StrategyFactory(), slug="p", number=number)

    with pytest.raises(ValidationError) as refused:
        priority.full_clean()

    assert "number" in refused.value.message_dict


@pytest.mark.parametrize("number", [1, 6])
def test_priorities_one_and_six_are_allowed(db, number):
    PriorityFactory.build(strategy=StrategyFactory(), slug="p", number=number).full_clean()


def test_two_priorities_of_one_strategy_cannot_share_a_number(db):
    first = PriorityFactory(number=3)
    same_strategy = PriorityFactory.build(strategy=first.strategy, slug="p", number=3)
    other_strategy = PriorityFactory.build(strategy=StrategyFactory(), slug="q", number=3)

    with pytest.raises(ValidationError) as refused:
        same_strategy.full_clean()

    assert "This strategy already has a priority with this number." in refused.value.messages
    other_strategy.full_clean()


# Photos ------------------------------------------------------------------------------


def small_png():
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_without_a_description_is_refused(db):
    press_release = PressReleaseFactory.build(
        slug="with-photo", image=ImageFactory.build(file=small_png(), alt="")
    )

    with pytest.raises(ValidationError) as refused:
        press_release.full_clean()

    assert "Add an image description (alt text) for the photo, or tick “decorative”." in (
        refused.value.messages
    )


def test_a_photo_with_a_description_is_accepted(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    press_release = PressReleaseFactory.build(
        slug="with-photo",
        image=ImageFactory(
            file=small_png(), alt="Cabinet members at County Hall", consent_recorded=True
        ),
    )

    press_release.full_clean()
    press_release.save()

    assert (press_release.image.width, press_release.image.height) == (12, 8)


# The shape of a publishable model -----------------------------------------------------


def publishing_errors(model):
    return [error.id for error in model.check() if error.id.startswith("publishing.")]


@isolate_apps("tests")
def test_a_publishable_model_must_declare_its_permission_to_publish():
    class Leaflet(Publishable):
        class Meta:
            app_label = "tests"

    class Poster(Publishable):
        class Meta:
            app_label = "tests"
            permissions = [("publish_poster", "Can publish, unpublish and schedule posters")]

    assert publishing_errors(Leaflet) == ["publishing.E001"]
    assert publishing_errors(Poster) == []
    assert Poster.publish_permission() == "tests.publish_poster"


@isolate_apps("tests")
def test_an_address_history_needs_an_address():
    class Notice(HasAddressHistory):
        class Meta:
            app_label = "tests"
            permissions = [("publish_notice", "Can publish, unpublish and schedule notices")]

    class Bulletin(HasAddressHistory):
        slug = models.SlugField()

        class Meta:
            app_label = "tests"
            permissions = [("publish_bulletin", "Can publish, unpublish and schedule bulletins")]

    assert publishing_errors(Notice) == ["publishing.E002"]
    assert publishing_errors(Bulletin) == []
