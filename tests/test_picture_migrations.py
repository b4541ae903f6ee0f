"""Today's pictures move into Image rows with nothing lost, and back again.

From a database at the schema before the picture model (press releases and Easy
Read points holding their pictures in columns of their own), rows made through the
historical models are migrated forwards and every value is read back from its Image;
then the migrations are unapplied and every value is back in its column. Runs on
whichever database the suite runs on (DATABASE_URL): SQLite and PostgreSQL.
"""

import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from reversion.models import Version

from easyread.models import EasyReadPoint
from images.models import Image
from news.models import PressRelease
from tests.test_migrations import back_to_latest, leaf, migrate  # noqa: F401 (a fixture)

BEFORE = [
    ("news", "0009_search_vectors_declared"),
    ("easyread", "0003_picture_shows_people_and_consent"),
]


def renditions(folder, width, height):
    return {
        "width": width,
        "height": height,
        "webp": [{"name": f"renditions/{folder}/320w.webp", "width": 320, "height": 213}],
        "fallback": [{"name": f"renditions/{folder}/320w.jpg", "width": 320, "height": 213}],
        "fallback_type": "image/jpeg",
    }


PHOTOS = {
    # slug: the press release's picture columns as they are today
    "workshop": {
        "image": "news/2024/aaaa.jpg",
        "image_width": 1500,
        "image_height": 1000,
        "image_alt": "Parents and officers around a table",
        "image_is_decorative": False,
        "image_caption": "The first design workshop.",
        "image_credit": "Wiltshire Council",
        "image_shows_people": True,
        "image_consent_recorded": True,
        "image_renditions": renditions("news/2024/aaaa", 1500, 1000),
    },
    "decorative": {
        "image": "news/2024/bbbb.png",
        "image_width": 400,
        "image_height": 200,
        "image_alt": "",
        "image_is_decorative": True,
        "image_caption": "",
        "image_credit": "",
        "image_shows_people": False,
        "image_consent_recorded": False,
        "image_renditions": {},  # stored before renditions were made
    },
    # The same file as "workshop", with other words: each keeps its own.
    "same-file": {
        "image": "news/2024/aaaa.jpg",
        "image_width": 1500,
        "image_height": 1000,
        "image_alt": "A draft's description, consent still to come",
        "image_is_decorative": False,
        "image_caption": "",
        "image_credit": "",
        "image_shows_people": True,
        "image_consent_recorded": False,
        "image_renditions": renditions("news/2024/aaaa", 1500, 1000),
    },
}
POINTS = {
    # text: the Easy Read point's picture columns as they are today
    "We will listen to you.": {
        "image": "easyread/2024/cccc.png",
        "image_width": 300,
        "image_height": 200,
        "image_alt": "A parent and a teacher talking",
        "image_shows_people": True,
        "image_consent_recorded": True,
        "image_renditions": renditions("easyread/2024/cccc", 300, 200),
    },
    "A green tick means done.": {
        "image": "easyread/2024/dddd.png",
        "image_width": 100,
        "image_height": 100,
        "image_alt": "A green tick",
        "image_shows_people": False,
        "image_consent_recorded": False,
        "image_renditions": renditions("easyread/2024/dddd", 100, 100),
    },
}
# What an earlier version of "workshop", kept in the history, said of its photo.
OLDER_WORDS = {"image_alt": "An older description", "image_caption": "", "image_credit": ""}
AS_IMAGE = {
    "image": "file",
    "image_width": "width",
    "image_height": "height",
    "image_alt": "alt",
    "image_is_decorative": "is_decorative",
    "image_caption": "caption",
    "image_credit": "credit",
    "image_shows_people": "shows_people",
    "image_consent_recorded": "consent_recorded",
    "image_renditions": "renditions",
}


def historical_models():
    # With the history's tables, which the picture migrations leave in place.
    state = MigrationExecutor(connection).loader.project_state([*BEFORE, leaf("reversion")])
    return state.apps


def make_todays_rows():
    apps = historical_models()
    PressRelease = apps.get_model("news", "PressRelease")
    for slug, columns in [*PHOTOS.items(), ("no-photo", {})]:
        PressRelease.objects.create(
            title=slug, slug=slug, standfirst="News.", body="Text.", status="draft", **columns
        )
    ContentTypeThen = apps.get_model("contenttypes", "ContentType")
    page_type = ContentTypeThen.objects.get(app_label="news", model="pressrelease")
    version = apps.get_model("easyread", "EasyReadVersion").objects.create(
        content_type=page_type,
        object_id=PressRelease.objects.get(slug="workshop").pk,
        title="About the workshop",
        intro="This page is about a workshop.",
        status="draft",
    )
    Point = apps.get_model("easyread", "EasyReadPoint")
    for order, (text, columns) in enumerate([*POINTS.items(), ("No picture here.", {})]):
        Point.objects.create(version=version, order=order, text=text, **columns)

    # Versions in the history, as django-reversion stores them: an earlier one of
    # "workshop" with other words, the current one, one of a press release without a
    # photo and one of a point.
    workshop = PressRelease.objects.get(slug="workshop")
    older = PressRelease(**{**model_values(workshop), **OLDER_WORDS})
    keep_versions(
        apps,
        [older, workshop, PressRelease.objects.get(slug="no-photo"), Point.objects.get(order=0)],
    )


def model_values(item):
    return {f.attname: getattr(item, f.attname) for f in item._meta.concrete_fields}


def keep_versions(apps, items):
    ContentTypeThen = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    for item in items:
        revision = apps.get_model("reversion", "Revision").objects.create(
            date_created=timezone.now(), comment="Saved."
        )
        Version.objects.create(
            revision=revision,
            object_id=str(item.pk),
            content_type=ContentTypeThen.objects.get(
                app_label=item._meta.app_label, model=item._meta.model_name
            ),
            db="default",
            format="json",
            serialized_data=serializers.serialize("json", [item]),
            object_repr=str(item.pk),
        )


def stored_versions():
    return {
        version.pk: json.loads(version.serialized_data)
        for version in Version.objects.order_by("pk")
    }


def columns_now():
    """The picture columns of every row, read through the historical models."""
    apps = historical_models()
    press_releases = apps.get_model("news", "PressRelease").objects.order_by("slug")
    points = apps.get_model("easyread", "EasyReadPoint").objects.order_by("text")
    return (
        {item.slug: picture_columns(item, PHOTOS["workshop"]) for item in press_releases},
        {
            point.text: picture_columns(point, POINTS["A green tick means done."])
            for point in points
        },
    )


def picture_columns(item, example):
    values = {column: getattr(item, column) for column in example}
    values["image"] = item.image.name
    return values


def as_columns(image, example):
    if image is None:
        return None
    values = {
        column: getattr(image, field) for column, field in AS_IMAGE.items() if column in example
    }
    values["image"] = image.file.name
    return values


@pytest.mark.django_db(transaction=True)
def test_todays_pictures_move_into_image_rows_with_nothing_lost_and_back(back_to_latest):  # noqa: F811
    latest = [leaf("news"), leaf("easyread")]
    migrate(*BEFORE)
    make_todays_rows()
    before = columns_now()
    versions_before = stored_versions()

    migrate(*latest)

    ContentType.objects.clear_cache()
    press_releases = {item.slug: item for item in PressRelease.objects.select_related("image")}
    for slug, columns in PHOTOS.items():
        assert as_columns(press_releases[slug].image, columns) == columns, slug
    assert press_releases["no-photo"].image is None
    assert press_releases["workshop"].image != press_releases["same-file"].image
    points = {point.text: point for point in EasyReadPoint.objects.select_related("image")}
    for text, columns in POINTS.items():
        assert as_columns(points[text].image, columns) == columns, text
    assert points["No picture here."].image is None
    assert Image.objects.count() == len(PHOTOS) + len(POINTS) + 1  # and the older words
    # What the pages show comes from the Image now, the same as before.
    workshop = press_releases["workshop"]
    assert workshop.picture.alt == "Parents and officers around a table"
    assert workshop.picture.srcset == "/media/renditions/news/2024/aaaa/320w.jpg 320w"
    assert press_releases["decorative"].picture.alt == ""
    assert press_releases["decorative"].picture.src == "/media/news/2024/bbbb.png"

    # Each version in the history still reads, with the picture and words it had.
    workshop_versions = [
        version.field_dict["image_id"]
        for version in Version.objects.get_for_object(workshop).order_by("pk")
    ]
    older, current = Image.objects.get(pk=workshop_versions[0]), workshop.image
    assert workshop_versions[1] == current.pk
    assert as_columns(older, PHOTOS["workshop"]) == {**PHOTOS["workshop"], **OLDER_WORDS}
    [no_photo] = Version.objects.get_for_object(press_releases["no-photo"])
    assert no_photo.field_dict["image_id"] is None
    [point] = Version.objects.get_for_object(points["We will listen to you."])
    assert point.field_dict["image_id"] == points["We will listen to you."].image_id

    migrate(*BEFORE)

    assert columns_now() == before
    assert stored_versions() == versions_before

    # And forwards again: the Image rows left behind are used again, not copied.
    migrate(*latest)
    assert Image.objects.count() == len(PHOTOS) + len(POINTS) + 1
    for slug, columns in PHOTOS.items():
        assert as_columns(PressRelease.objects.get(slug=slug).image, columns) == columns
