"""Press photos: what an editor may upload, what is stored, and what the public sees.

Both ways in, the admin's photo field and the Markdown editor's image upload,
refuse the same bad files with the same words, and store only a clean copy.
"""

import io
import random
from functools import cache

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import ProtectedError
from django.urls import reverse
from PIL import ExifTags, Image, ImageCms

from images import models as images
from news.models import PressRelease
from publishing.models import Status
from tests.factories import ImageFactory, PressReleaseFactory
from tests.html_page import Page
from tests.test_admin import form_as_sent
from tests.test_history import entries, history

# Files an editor might pick ------------------------------------------------------------


def encoded(image, image_format, **options):
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


def two_colour_photo(size=(60, 40)):
    """Red on the left half, blue on the right: which way up it is stored shows."""
    image = Image.new("RGB", size, "red")
    image.paste("blue", (size[0] // 2, 0, size[0], size[1]))
    return image


def camera_jpeg():
    """A phone photo: held sideways (Orientation 6), with where it was taken, and more."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "Council phone"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (51.0, 21.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "W",
        ExifTags.GPS.GPSLongitude: (1.0, 59.0, 0.0),
    }
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encoded(
        two_colour_photo(),
        "JPEG",
        exif=exif,
        icc_profile=srgb,
        comment=b"St Mary's School, Year 2",
        xmp=b"<x:xmpmeta>Taken at St Mary's School</x:xmpmeta>",
    )


def noisy_jpeg(size=(400, 400)):
    """A photo-like JPEG: noise hardly compresses, so it has a realistic file size."""
    noise = random.Random(2024).randbytes(size[0] * size[1] * 3)
    return encoded(Image.frombytes("RGB", size, noise), "JPEG", quality=90)


@cache
def decompression_bomb():
    """20000 × 20000 pixels (400 megapixels, over a gigabyte once decoded) in about 50 KB."""
    return encoded(Image.new("1", (20000, 20000)), "PNG")


def upload(name, content, content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


BAD_UPLOADS = [
    pytest.param(
        lambda: upload("photo.png", b"<!doctype html><title>x</title><script>alert(1)</script>"),
        images.NOT_AN_IMAGE,
        id="a web page renamed .png",
    ),
    pytest.param(
        lambda: upload(
            "drawing.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">'
            b"<script>alert(1)</script></svg>",
            "image/svg+xml",
        ),
        images.NOT_AN_IMAGE,
        id="an SVG",
    ),
    pytest.param(
        lambda: upload("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
        images.NOT_AN_IMAGE,
        id="an SVG renamed .png",
    ),
    pytest.param(
        lambda: upload("animation.gif", encoded(Image.new("P", (9, 9)), "GIF"), "image/gif"),
        images.NOT_AN_IMAGE,
        id="a GIF",
    ),
    pytest.param(
        lambda: upload("huge.png", decompression_bomb()),
        "This image is too large: over 89 megapixels. The most we accept is 40 megapixels. "
        "Make it smaller and upload it again.",
        id="a 20000 x 20000 PNG",
    ),
    pytest.param(
        lambda: upload("big.png", encoded(Image.new("1", (8000, 6000)), "PNG")),
        "This image is too large: 8,000 × 6,000 pixels (48 megapixels). "
        "The most we accept is 40 megapixels. Make it smaller and upload it again.",
        id="an 8000 x 6000 PNG",
    ),
    pytest.param(
        lambda: upload("cut-short.jpg", noisy_jpeg()[:4000], "image/jpeg"),
        images.DAMAGED,
        id="a truncated JPEG",
    ),
    pytest.param(
        lambda: upload("heavy.jpg", noisy_jpeg(), "image/jpeg"),
        "This file is 140.7 KB. The most we accept is 100 KB. Make it smaller and upload it again.",
        id="a file over the size limit",
    ),
]


@pytest.fixture
def media_root(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def small_size_limit(settings):
    """Lower than the test files, so that one of them goes over it."""
    settings.IMAGE_UPLOAD_MAX_BYTES = 100 * 1024


def files_under(folder):
    return sorted(
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
    )


@pytest.fixture
def signed_in_member_of_public(client, django_user_model):
    user = django_user_model.objects.create_user(username="resident", password="long-password-1")
    client.force_login(user)
    return client


# The two ways in -----------------------------------------------------------------------


def add_press_release(client, image, **changes):
    """An editor fills in the admin's "Add press release" form, with a photo, and saves."""
    data = {
        "title": "Families help shape new support",
        "slug": "families-help-shape-new-support",
        "standfirst": "Parents and carers have helped design a new service.",
        "body": "The service opens in spring.",
        "image": image,
        "image_alt": "Parents and council officers around a table",
        "image_caption": "The first design workshop",
        "image_credit": "Wiltshire Council",
        "image_shows_people": "on",
        "image_consent_recorded": "on",
        "strategy": "",
        "status": Status.PUBLISHED,
        "published_at_0": "2024-10-01",
        "published_at_1": "10:00:00",
        "quotes-TOTAL_FORMS": "0",
        "quotes-INITIAL_FORMS": "0",
        "quotes-MIN_NUM_FORMS": "0",
        "quotes-MAX_NUM_FORMS": "1000",
        **changes,
    }
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(reverse("admin:news_pressrelease_add"), data)


def upload_to_markdown_editor(client, image):
    return client.post(
        reverse("markdownx_upload"),
        {"image": image},
        headers={"x-requested-with": "XMLHttpRequest"},
    )


# Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize("make_file, message", BAD_UPLOADS)
def test_the_admin_refuses_a_bad_photo_and_says_why(
    staff_client, media_root, small_size_limit, make_file, message
):
    response = add_press_release(staff_client, make_file())

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"image": [message]}
    assert message in Page.of(response).text
    assert not PressRelease.objects.exists()
    assert files_under(media_root) == []


@pytest.mark.parametrize("make_file, message", BAD_UPLOADS)
def test_the_markdown_editor_refuses_a_bad_image_and_says_why(
    staff_client, media_root, small_size_limit, make_file, message
):
    response = upload_to_markdown_editor(staff_client, make_file())

    assert response.status_code == 400
    assert response.json() == {"image": [message]}
    assert files_under(media_root) == []


def test_the_markdown_editor_asks_for_a_file_when_none_is_sent(staff_client, media_root):
    response = staff_client.post(reverse("markdownx_upload"), {})

    assert response.status_code == 400
    assert response.json() == {"image": ["Choose an image to upload."]}


@pytest.mark.parametrize("who", ["client", "signed_in_member_of_public"])
def test_only_staff_can_upload_to_the_markdown_editor(request, db, media_root, who):
    visitor = request.getfixturevalue(who)

    response = upload_to_markdown_editor(visitor, upload("photo.jpg", camera_jpeg(), "image/jpeg"))

    assert response.status_code == 403
    assert files_under(media_root) == []


def test_the_markdown_editor_upload_only_accepts_post(staff_client, media_root):
    assert staff_client.get(reverse("markdownx_upload")).status_code == 405


def test_the_model_refuses_a_bad_photo_outside_the_admin_too(media_root):
    picture = ImageFactory.build(file=upload("photo.png", b"<html></html>"), alt="A photo")

    with pytest.raises(ValidationError) as refused:
        picture.full_clean()

    assert refused.value.message_dict["file"] == [images.NOT_AN_IMAGE]


# What is stored ------------------------------------------------------------------------


def assert_no_metadata(path):
    content = path.read_bytes()
    with Image.open(path) as stored:
        assert dict(stored.getexif()) == {}
        assert not {"exif", "icc_profile", "xmp", "comment"} & stored.info.keys()
    for secret in (b"Exif", b"St Mary", b"Council phone"):
        assert secret not in content


def test_a_camera_photo_is_stored_upright_without_its_location_or_other_metadata(
    staff_client, media_root
):
    response = add_press_release(staff_client, upload("IMG_0001.jpg", camera_jpeg(), "image/jpeg"))

    assert response.status_code == 302
    picture = PressRelease.objects.get().image
    stored = media_root / picture.file.name
    assert_no_metadata(stored)
    with Image.open(stored) as photo:
        assert photo.format == "JPEG"
        # Held sideways: turned so its left half (red) is now at the top.
        assert photo.size == (40, 60) == (picture.width, picture.height)
        red, green, blue = photo.convert("RGB").getpixel((20, 5))
        assert red > 200 and blue < 60
        red, green, blue = photo.convert("RGB").getpixel((20, 55))
        assert blue > 200 and red < 60
    assert "IMG_0001" not in picture.file.name
    assert picture.file.name.startswith("news/")
    for name in images.stored_files("", picture.renditions):
        assert_no_metadata(media_root / name)


def test_the_markdown_editor_stores_a_clean_upright_copy(staff_client, media_root):
    response = upload_to_markdown_editor(
        staff_client, upload("IMG_0001.jpg", camera_jpeg(), "image/jpeg")
    )

    assert response.status_code == 200
    [name] = files_under(media_root)
    assert name.startswith("markdownx/") and name.endswith(".jpg")
    assert response.json() == {"image_code": f"![](/media/{name})"}
    assert_no_metadata(media_root / name)
    with Image.open(media_root / name) as photo:
        assert photo.size == (40, 60)


def test_the_markdown_editor_shrinks_very_wide_images(staff_client, media_root):
    wide = encoded(Image.new("RGB", (2400, 600), "teal"), "PNG")

    response = upload_to_markdown_editor(staff_client, upload("banner.png", wide))

    assert response.status_code == 200
    [name] = files_under(media_root)
    with Image.open(media_root / name) as stored:
        assert (stored.format, stored.size) == ("PNG", (1600, 400))


def test_a_png_named_jpg_is_accepted_for_what_it_is(staff_client, media_root):
    png = encoded(Image.new("RGB", (30, 20), "teal"), "PNG")

    response = add_press_release(staff_client, upload("photo.jpg", png, "image/jpeg"))

    assert response.status_code == 302
    assert PressRelease.objects.get().image.file.name.endswith(".png")


def test_a_cmyk_print_photo_is_stored_as_rgb(media_root):
    cmyk = encoded(Image.new("CMYK", (30, 20), (0, 255, 255, 0)), "JPEG")

    picture = ImageFactory(file=upload("print.jpg", cmyk, "image/jpeg"), alt="A red square")

    with Image.open(picture.file.path) as stored:
        assert stored.mode == "RGB"
        red, green, blue = stored.getpixel((15, 10))
        assert red > 200 and green < 80


# Renditions and the public page --------------------------------------------------------


def test_renditions_are_made_at_each_width_up_to_the_photo_own(media_root):
    photo = encoded(two_colour_photo((1000, 600)), "JPEG")

    picture = ImageFactory(file=upload("photo.jpg", photo, "image/jpeg"), alt="Red and blue")

    renditions = picture.renditions
    assert (renditions["width"], renditions["height"]) == (1000, 600)
    assert renditions["fallback_type"] == "image/jpeg"
    for key, image_format in [("webp", "WEBP"), ("fallback", "JPEG")]:
        assert [(r["width"], r["height"]) for r in renditions[key]] == [
            (320, 192),
            (640, 384),
            (960, 576),
        ]
        for rendition in renditions[key]:
            with Image.open(media_root / rendition["name"]) as copy:
                assert (copy.format, copy.width) == (image_format, rendition["width"])


def test_a_photo_smaller_than_every_width_has_one_rendition_at_its_own_size(media_root):
    picture = ImageFactory(
        file=upload("small.jpg", camera_jpeg(), "image/jpeg"), alt="Red and blue"
    )

    assert [(r["width"], r["height"]) for r in picture.renditions["webp"]] == [(40, 60)]


def test_a_transparent_png_falls_back_to_png_not_jpeg(media_root):
    logo = Image.new("RGBA", (400, 200), (0, 0, 0, 0))
    logo.paste((0, 98, 94, 255), (100, 50, 300, 150))

    picture = ImageFactory(
        file=upload("logo.png", encoded(logo, "PNG")), alt="", is_decorative=True
    )

    renditions = picture.renditions
    assert renditions["fallback_type"] == "image/png"
    with Image.open(media_root / renditions["fallback"][0]["name"]) as copy:
        assert (copy.format, copy.mode) == ("PNG", "RGBA")


def test_the_public_page_offers_the_photo_at_each_size(client, media_root):
    photo = encoded(two_colour_photo((1500, 1000)), "JPEG")
    press_release = PressReleaseFactory(
        image=ImageFactory(
            file=upload("photo.jpg", photo, "image/jpeg"),
            alt="Parents and officers around a table",
            caption="The first design workshop.",
            credit="Wiltshire Council",
            consent_recorded=True,
        )
    )

    page = Page.of(client.get(press_release.get_absolute_url()))

    [figure] = page.find_all("figure", **{"class": "app-figure"})
    [picture] = [e for e in page.inside(figure) if e.tag == "picture"]
    [source] = [e for e in page.inside(picture) if e.tag == "source"]
    [img] = [e for e in page.inside(picture) if e.tag == "img"]
    assert source.attrs["type"] == "image/webp"
    assert [entry.split()[1] for entry in source.attrs["srcset"].split(", ")] == [
        "320w",
        "640w",
        "960w",
        "1280w",
    ]
    assert all(".webp " in entry for entry in source.attrs["srcset"].split(", "))
    assert img.attrs["srcset"].count(".jpg ") == 4
    assert img.attrs["sizes"] == source.attrs["sizes"]
    assert "610px" in img.attrs["sizes"]
    assert (img.attrs["width"], img.attrs["height"]) == ("1280", "853")
    assert img.attrs["src"].endswith("/1280w.jpg")
    assert img.attrs["alt"] == "Parents and officers around a table"
    assert img.attrs["fetchpriority"] == "high"
    assert "loading" not in img.attrs  # the lead photo is above the fold
    assert "style" not in img.attrs
    assert page.texts("figcaption") == ["The first design workshop. Photo: Wiltshire Council"]
    for url in [img.attrs["src"], *source.attrs["srcset"].split(", ")]:
        assert (media_root / url.split()[0].removeprefix("/media/")).is_file()


def test_a_decorative_photo_has_empty_alt_text(client, media_root):
    press_release = PressReleaseFactory(
        image=ImageFactory(
            file=upload("photo.jpg", camera_jpeg(), "image/jpeg"),
            alt="",
            is_decorative=True,
            shows_people=False,
        )
    )

    page = Page.of(client.get(press_release.get_absolute_url()))

    [img] = page.find_all("img", **{"class": "app-figure__image"})
    assert img.attrs["alt"] == ""


def test_a_photo_stored_before_renditions_is_still_shown_with_its_size(client, media_root):
    picture = ImageFactory(
        file=upload("photo.jpg", camera_jpeg(), "image/jpeg"), alt="Red and blue"
    )
    press_release = PressReleaseFactory(image=picture)
    images.Image.objects.filter(pk=picture.pk).update(renditions={})

    page = Page.of(client.get(press_release.get_absolute_url()))

    [img] = page.find_all("img", **{"class": "app-figure__image"})
    assert img.attrs["src"] == picture.file.url
    assert (img.attrs["width"], img.attrs["height"]) == ("40", "60")


def change_press_release(client, press_release, **changes):
    """An editor opens the press release in the admin, changes `changes`, and saves."""
    url = reverse("admin:news_pressrelease_change", args=[press_release.pk])
    data = {**form_as_sent(client.get(url)), **changes}
    return client.post(url, data)


def test_replacing_a_photo_shows_the_new_one_and_keeps_the_old_for_history(
    staff_client, client, media_root
):
    add_press_release(staff_client, upload("first.jpg", camera_jpeg(), "image/jpeg"))
    press_release = PressRelease.objects.get()
    first = press_release.image

    second_png = encoded(Image.new("RGB", (700, 500)), "PNG")
    response = change_press_release(
        staff_client, press_release, image=upload("second.png", second_png)
    )

    assert response.status_code == 302
    press_release.refresh_from_db()
    second = press_release.image
    assert second != first and second.alt == first.alt
    assert not set(first.stored_files) & set(second.stored_files)
    html = client.get(press_release.get_absolute_url()).content.decode()
    assert all(name not in html for name in first.stored_files)
    assert all(rendition["name"] in html for rendition in second.renditions["webp"])
    # Restoring the earlier version from the history brings the first photo back.
    assert images.Image.objects.filter(pk=first.pk).exists()
    assert set(files_under(media_root)) == set(first.stored_files) | set(second.stored_files)


def test_changing_the_words_of_a_photo_changes_them_on_the_page(staff_client, client, media_root):
    add_press_release(staff_client, upload("photo.jpg", camera_jpeg(), "image/jpeg"))
    press_release = PressRelease.objects.get()
    before = files_under(media_root)

    response = change_press_release(
        staff_client,
        press_release,
        image_alt="Parents and officers at the second workshop",
        image_credit="A parent carer",
    )

    assert response.status_code == 302
    page = Page.of(client.get(press_release.get_absolute_url()))
    [img] = page.find_all("img", **{"class": "app-figure__image"})
    assert img.attrs["alt"] == "Parents and officers at the second workshop"
    assert page.texts("figcaption") == ["The first design workshop Photo: A parent carer"]
    assert images.Image.objects.count() == 1  # the same picture, with new words
    assert files_under(media_root) == before


def test_an_unchanged_photo_is_not_processed_again(
    staff_client, media_root, django_capture_on_commit_callbacks
):
    add_press_release(staff_client, upload("photo.jpg", camera_jpeg(), "image/jpeg"))
    press_release = PressRelease.objects.get()
    before = files_under(media_root)

    with django_capture_on_commit_callbacks(execute=True):
        assert change_press_release(staff_client, press_release).status_code == 302
        press_release.image.save()
        PressRelease.objects.get().save()

    assert files_under(media_root) == before
    assert images.Image.objects.count() == 1


def test_removing_a_photo_removes_its_figure(staff_client, client, media_root):
    add_press_release(staff_client, upload("photo.jpg", camera_jpeg(), "image/jpeg"))
    press_release = PressRelease.objects.get()

    response = change_press_release(staff_client, press_release, **{"image-clear": "on"})

    assert response.status_code == 302
    press_release.refresh_from_db()
    assert press_release.image is None
    assert Page.of(client.get(press_release.get_absolute_url())).find_all("figure") == []


# Alt text and consent ------------------------------------------------------------------


CONSENT_MESSAGE = (
    "Record consent from everyone in the photo (for a child, from a parent or carer) and "
    "tick this box before publishing. If nobody can be recognised, untick “the photo shows people”."
)


def test_a_photo_of_people_cannot_be_published_without_consent(staff_client, media_root):
    response = add_press_release(
        staff_client,
        upload("photo.jpg", camera_jpeg(), "image/jpeg"),
        image_consent_recorded=None,
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "image_consent_recorded": [CONSENT_MESSAGE],
        # A browser shows the refused form again without the file: say so.
        "image": [
            "The photo you chose (photo.jpg) was not saved, because the page could not be "
            "saved. Choose it again before you save."
        ],
    }
    assert CONSENT_MESSAGE in Page.of(response).text
    assert not PressRelease.objects.exists()


@pytest.mark.parametrize(
    "changes, picture_changes",
    [
        ({"status": Status.DRAFT}, {}),
        ({"status": Status.IN_REVIEW}, {}),
        ({}, {"consent_recorded": True}),
        ({}, {"shows_people": False}),
        ({"image": None}, {}),
    ],
    ids=["a draft", "in review", "consent recorded", "nobody recognisable", "no photo"],
)
def test_consent_is_only_needed_to_publish_a_photo_of_people(media_root, changes, picture_changes):
    picture = ImageFactory.build(
        file=upload("photo.jpg", camera_jpeg(), "image/jpeg"),
        alt="Red and blue",
        **{"shows_people": True, "consent_recorded": False, **picture_changes},
    )
    fields = {"image": picture, "status": Status.PUBLISHED, **changes}

    PressReleaseFactory.build(slug="with-photo", **fields).full_clean()


def test_a_decorative_photo_needs_no_alt_text(media_root):
    picture = ImageFactory.build(
        file=upload("photo.jpg", camera_jpeg(), "image/jpeg"),
        alt="",
        is_decorative=True,
        shows_people=False,
    )

    picture.full_clean()
    PressReleaseFactory.build(slug="decorative", image=picture).full_clean()


def test_a_picture_needs_alt_text_unless_it_is_decorative(media_root):
    picture = ImageFactory.build(file=upload("photo.jpg", camera_jpeg(), "image/jpeg"), alt=" ")

    with pytest.raises(ValidationError) as refused:
        picture.full_clean()

    assert refused.value.message_dict["alt"] == [
        "Describe the picture for people who cannot see it, or tick “decorative”."
    ]


def test_alt_text_without_a_photo_is_fine(staff_client, media_root):
    response = add_press_release(staff_client, None, image_alt="Left over from an old photo")

    assert response.status_code == 302
    assert PressRelease.objects.get().image is None
    assert not images.Image.objects.exists()


def test_the_admin_asks_for_alt_text_unless_the_photo_is_decorative(staff_client, media_root):
    response = add_press_release(
        staff_client, upload("photo.jpg", camera_jpeg(), "image/jpeg"), image_alt=""
    )

    assert response.status_code == 200
    assert "Add an image description (alt text) for the photo, or tick “decorative”." in (
        Page.of(response).text
    )
    assert not PressRelease.objects.exists()


# The list of pictures ------------------------------------------------------------------


def change_picture(client, picture, **changes):
    url = reverse("admin:images_image_change", args=[picture.pk])
    data = {**form_as_sent(client.get(url)), **changes}
    data = {name: value for name, value in data.items() if value is not None}
    return client.post(url, data)


@pytest.mark.parametrize("who", ["client", "signed_in_member_of_public"])
def test_only_staff_can_open_the_list_of_pictures(request, media_root, who):
    visitor = request.getfixturevalue(who)
    url = reverse("admin:images_image_changelist")

    response = visitor.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_editors_look_at_pictures_and_publishers_correct_their_words(
    editor_client, publisher_client, media_root
):
    picture = ImageFactory(alt="A teal rectangle")
    url = reverse("admin:images_image_change", args=[picture.pk])

    assert (
        "A teal rectangle"
        in Page.of(editor_client.get(reverse("admin:images_image_changelist"))).text
    )
    assert editor_client.post(url, {"alt": "Changed by an editor"}).status_code == 403
    response = change_picture(publisher_client, picture, alt="A teal rectangle on white")

    assert response.status_code == 302
    picture.refresh_from_db()
    assert picture.alt == "A teal rectangle on white"


def test_a_picture_on_a_published_page_keeps_its_consent(publisher_client, media_root):
    picture = ImageFactory(shows_people=True, consent_recorded=True)
    PressReleaseFactory(image=picture, status=Status.PUBLISHED)

    response = change_picture(publisher_client, picture, consent_recorded=None)

    assert response.status_code == 200
    assert "This picture is on a published page and shows people" in Page.of(response).text
    picture.refresh_from_db()
    assert picture.consent_recorded


def test_a_picture_shown_on_a_page_cannot_be_deleted(media_root):
    picture = ImageFactory()
    PressReleaseFactory(image=picture)

    with pytest.raises(ProtectedError):
        picture.delete()


def test_an_editor_opening_a_live_press_release_sees_its_photo_words(editor_client, media_root):
    """Editors prepare changes to live pages (publishing/prepared.py): the picture's
    words are in the form, as stored, for them to change."""
    picture = ImageFactory(alt="A teal rectangle", caption="At County Hall", consent_recorded=True)
    press_release = PressReleaseFactory(image=picture, status=Status.PUBLISHED)

    page = Page.of(
        editor_client.get(reverse("admin:news_pressrelease_change", args=[press_release.pk]))
    )

    [alt] = page.find_all("input", name="image_alt")
    [caption] = page.find_all("input", name="image_caption")
    assert alt.attrs["value"] == "A teal rectangle"
    assert caption.attrs["value"] == "At County Hall"
    assert "You are changing a live page" in page.text


def test_restoring_an_earlier_version_brings_back_its_photo_and_words(
    staff_client, client, media_root
):
    add_press_release(staff_client, upload("first.jpg", camera_jpeg(), "image/jpeg"))
    press_release = PressRelease.objects.get()
    first = press_release.image
    second_png = encoded(Image.new("RGB", (700, 500)), "PNG")
    change_press_release(staff_client, press_release, image_alt="Words for the first photo")
    change_press_release(
        staff_client,
        press_release,
        image=upload("second.png", second_png),
        image_alt="Words for the second photo",
    )
    second = PressRelease.objects.get().image

    # The versions, newest first: the second photo, new words, the first save.
    [restore_url] = entries(history(staff_client, press_release))[1]["restore"]
    preview = staff_client.get(restore_url)
    response = staff_client.post(restore_url, form_as_sent(preview))

    assert response.status_code == 302
    page = Page.of(client.get(press_release.get_absolute_url()))
    [img] = page.find_all("img", **{"class": "app-figure__image"})
    assert img.attrs["alt"] == "Words for the first photo"
    assert all(name not in img.attrs["srcset"] for name in second.stored_files)
    press_release.refresh_from_db()
    assert press_release.image == first


def test_the_history_shows_the_photo_words_that_changed(staff_client, media_root):
    add_press_release(staff_client, upload("photo.jpg", camera_jpeg(), "image/jpeg"))
    press_release = PressRelease.objects.get()

    change_press_release(staff_client, press_release, image_credit="A parent carer")

    [newest, *_] = entries(history(staff_client, press_release))
    assert "A parent carer" in " ".join(newest["added"])
    assert "Wiltshire Council" in " ".join(newest["removed"])
