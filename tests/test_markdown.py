"""Editors type Markdown; the public only ever sees sanitised HTML, and the admin's
preview shows exactly what the public will see."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from publishing.markdown import render_markdown
from tests.factories import PressReleaseFactory

EVIL_BODY = (
    "A safe opening paragraph.\n\n"
    "<script>alert(1)</script>\n\n"
    "<img src=x onerror=alert(1)>\n\n"
    "[x](javascript:alert(1))"
)


@pytest.mark.parametrize(
    "text, unwanted",
    [
        ("<script>alert(1)</script>", "<script"),
        ("<script>alert(1)</script>", "alert(1)"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ('<a href="/" onclick="steal()">home</a>', "onclick"),
        ("[click me](javascript:alert(1))", "javascript:"),
        ("[click me](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("<h1>Big title</h1>", "<h1"),
        ('<iframe src="https://example.org/"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
    ],
)
def test_dangerous_markup_never_survives(text, unwanted):
    assert unwanted not in render_markdown(text)


@pytest.mark.parametrize("scheme", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4="])
def test_a_link_with_a_dangerous_scheme_keeps_its_words_but_loses_its_href(scheme):
    html = render_markdown(f"[read this]({scheme})")

    assert "read this" in html
    assert "href" not in html


@pytest.mark.parametrize(
    "url",
    [
        "https://www.wiltshire.gov.uk/",
        "http://example.org/page",
        "mailto:send@example.org",
        "/news/",
        "../decisions/",
    ],
)
def test_ordinary_links_are_kept(url):
    assert f'href="{url}"' in render_markdown(f"[a link]({url})")


def test_headings_lists_and_links_render():
    html = render_markdown(
        "## How it will be delivered\n\n- first point\n- second point\n\n"
        "Read [the strategy](https://example.org/strategy)."
    )

    # The heading holds only its words; its "#" link sits beside it.
    assert '<h2 id="how-it-will-be-delivered">How it will be delivered</h2>' in html
    assert '<a class="app-heading-anchor" href="#how-it-will-be-delivered"' in html
    assert "<ul>\n<li>first point</li>\n<li>second point</li>\n</ul>" in html
    assert (
        '<a href="https://example.org/strategy" rel="noopener noreferrer">the strategy</a>' in html
    )


def test_a_top_level_heading_becomes_a_section_heading_under_the_page_title():
    assert '<h2 id="title">Title</h2>' in render_markdown("# Title")
    assert "<h1" not in render_markdown("# Title")


@pytest.mark.parametrize("empty", ["", None])
def test_nothing_renders_as_nothing(empty):
    assert render_markdown(empty) == ""


def test_a_press_release_with_hostile_markdown_is_safe_on_the_public_page(client, db):
    press_release = PressReleaseFactory(body=EVIL_BODY)

    response = client.get(press_release.get_absolute_url())

    assert response.status_code == 200
    html = response.content.decode()
    assert "A safe opening paragraph." in html
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


# The admin's live preview -------------------------------------------------------------


@pytest.fixture
def signed_in_member_of_public(client, django_user_model):
    """Someone with an account who is not staff: they cannot use the editor's tools."""
    user = django_user_model.objects.create_user(username="resident", password="long-password-1")
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["client", "signed_in_member_of_public"])
def test_only_staff_can_use_the_markdown_preview(request, db, who):
    visitor = request.getfixturevalue(who)

    response = visitor.post(reverse("markdownx_markdownify"), {"content": "**hello**"})

    assert response.status_code == 403


def test_the_preview_shows_staff_exactly_what_the_public_will_see(staff_client):
    content = "# Heading\n\nSome **bold** words. <script>alert(1)</script> [x](javascript:alert(1))"

    response = staff_client.post(reverse("markdownx_markdownify"), {"content": content})

    assert response.status_code == 200
    assert response.content.decode() == render_markdown(content)
    assert "<strong>bold</strong>" in response.content.decode()


def test_the_preview_only_accepts_post(staff_client):
    assert staff_client.get(reverse("markdownx_markdownify")).status_code == 405


def test_a_preview_with_nothing_to_preview_is_a_bad_request(staff_client):
    assert staff_client.post(reverse("markdownx_markdownify"), {}).status_code == 400


# Image uploads from the editor --------------------------------------------------------


def small_png(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def files_under(folder):
    return [path for path in folder.rglob("*") if path.is_file()]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.parametrize("who", ["client", "signed_in_member_of_public"])
def test_only_staff_can_upload_images(request, db, media_root, who):
    visitor = request.getfixturevalue(who)

    response = visitor.post(
        reverse("markdownx_upload"),
        {"image": small_png()},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 403
    assert files_under(media_root) == []


def test_staff_can_upload_an_image_into_the_media_folder(staff_client, media_root):
    response = staff_client.post(
        reverse("markdownx_upload"),
        {"image": small_png()},
        headers={"x-requested-with": "XMLHttpRequest"},
    )

    assert response.status_code == 200
    assert response.json()["image_code"].startswith("![](/media/markdownx/")
    [saved] = files_under(media_root)
    assert saved.parent.name == "markdownx"
