"""Security headers on every response, cookies and caching of public pages, and media.

The header values asserted here are what an HTTP Observatory-style scan reads: a
CSP with default-src 'none' and no unsafe source, frame-ancestors instead of
relying on X-Frame-Options alone, nosniff, a private Referrer-Policy, and HSTS
(production only, see test_production_*).
"""

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from images.views import MEDIA_CSP
from news.models import PressRelease
from publishing.models import PreviewLink, Status
from tests.factories import PressReleaseFactory
from tests.test_admin import admin_url
from tests.test_pages import mistyped_url, public_urls

ROOT = Path(__file__).resolve().parent.parent

EXPECTED_CSP = {
    "default-src": ["'none'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "manifest-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


def csp_directives(header):
    """{'default-src': ["'none'"], ...} from a Content-Security-Policy header."""
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = sources
    return directives


def assert_security_headers(response, csp=EXPECTED_CSP):
    headers = response.headers
    assert csp_directives(headers["Content-Security-Policy"]) == csp
    assert "unsafe" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    policy = dict(item.strip().split("=") for item in headers["Permissions-Policy"].split(","))
    for feature in DENIED_FEATURES:
        assert policy[feature] == "()", feature


@pytest.fixture
def image_file(db, settings, tmp_path):
    """A small PNG in a temporary MEDIA_ROOT, with hostile neighbours."""
    settings.MEDIA_ROOT = tmp_path / "media"
    folder = settings.MEDIA_ROOT / "markdownx"
    folder.mkdir(parents=True)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32  # type-checked by name only; never decoded
    (folder / "photo.png").write_bytes(png)
    (folder / "photo.JPG").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 32)
    (folder / "photo.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBP")
    (folder / "drawing.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>')
    (folder / "page.html").write_text("<script>alert(1)</script>")
    (folder / "animation.gif").write_bytes(b"GIF89a")
    (folder / ".hidden.png").write_bytes(png)
    (folder / "folder.png").mkdir()
    (tmp_path / "secret.png").write_bytes(png)  # outside MEDIA_ROOT
    (folder / "link.png").symlink_to(tmp_path / "secret.png")
    return "markdownx/photo.png"


def media_url(path):
    return reverse("media", kwargs={"path": path})


# Headers on every kind of response ---------------------------------------------------


def test_every_public_page_and_the_404_page_send_the_security_headers(client, real_content):
    for url in [*public_urls(), mistyped_url()]:
        assert_security_headers(client.get(url))


def test_the_gone_page_sends_the_security_headers(client, db):
    item = PressReleaseFactory()
    item.status = Status.DRAFT
    item.save()

    response = client.get(item.get_absolute_url())

    assert response.status_code == 410
    assert_security_headers(response)


def test_the_admin_sends_the_security_headers(client, staff_client, real_content):
    from django.test import Client

    assert_security_headers(Client().get(reverse("admin:login")))
    assert_security_headers(staff_client.get(reverse("admin:index")))
    item = PressRelease.objects.get()
    assert_security_headers(staff_client.get(admin_url(PressRelease, "change", item.pk)))


def test_the_health_check_and_an_error_send_the_security_headers(client, db):
    assert_security_headers(client.get(reverse("healthz")))
    assert_security_headers(client.post(reverse("markdownx_markdownify")))  # 403


def test_static_files_send_the_security_headers(client, settings):
    settings.WHITENOISE_USE_FINDERS = True  # read when the client's middleware starts

    response = client.get("/static/css/main.css")

    assert response.status_code == 200
    assert_security_headers(response)


def test_the_policy_allows_no_inline_script_or_style_and_no_framing(client, db):
    csp = csp_directives(client.get(reverse("home")).headers["Content-Security-Policy"])

    assert csp["default-src"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    for directive in ["script-src", "style-src", "form-action", "connect-src"]:
        assert csp[directive] == ["'self'"], directive


def test_a_preview_link_keeps_its_stricter_referrer_policy(client, db, django_user_model):
    item = PressReleaseFactory(status=Status.DRAFT, published_at=None)
    link = PreviewLink.objects.create(
        item=item,
        created_by=django_user_model.objects.create_user("publisher"),
        expires_at=timezone.now() + timedelta(days=1),
    )

    response = client.get(link.get_absolute_url())

    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response.headers["Cache-Control"]


# Our templates need no exception to the policy ----------------------------------------

# A data block (`json_script`, JSON-LD) is never run, so the policy does not apply to it.
INLINE_SCRIPT = re.compile(
    r"<script\b(?![^>]*\bsrc=)(?![^>]*\btype=\"application/(ld\+)?json\")[^>]*>", re.IGNORECASE
)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style\b", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"javascript:", re.IGNORECASE)


def template_files():
    return sorted((ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize(
    "path", template_files(), ids=lambda path: str(path.relative_to(ROOT / "templates"))
)
def test_no_template_has_an_inline_script_style_or_event_handler(path):
    # Tags can span lines, so read the template whole.
    text = path.read_text()
    for pattern in [INLINE_SCRIPT, INLINE_STYLE, EVENT_HANDLER, JAVASCRIPT_URL]:
        assert not pattern.search(text), f"{path.name}: {pattern.search(text).group()}"


# Anonymous public pages: no cookies, conditional GETs ---------------------------------


def test_anonymous_public_pages_set_no_cookies(client, real_content):
    for url in [*public_urls(), mistyped_url(), reverse("healthz")]:
        response = client.get(url)
        assert not response.cookies, f"{url} set {list(response.cookies)}"


def test_public_pages_answer_a_conditional_get_with_304(client, real_content):
    for url in public_urls():
        response = client.get(url)
        etag = response.headers["ETag"]

        again = client.get(url, headers={"if-none-match": etag})

        assert again.status_code == 304, url
        assert again.content == b""
        assert again.headers["ETag"] == etag
        assert "Cookie" in again.headers["Vary"]


def test_a_changed_page_is_sent_again_in_full(client, real_content):
    url = reverse("news:index")
    etag = client.get(url).headers["ETag"]
    PressReleaseFactory(title="Something new for families")

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 200
    assert "Something new for families" in response.content.decode()


def test_public_pages_vary_on_the_cookie_because_staff_see_them_differently(client, real_content):
    for url in public_urls():
        assert "Cookie" in client.get(url).headers["Vary"], url


# Staff pages are never stored -----------------------------------------------------------


def assert_never_stored(response):
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache_control
    assert "ETag" not in response.headers


def test_public_pages_viewed_by_staff_are_never_stored(staff_client, real_content):
    for url in public_urls():
        assert_never_stored(staff_client.get(url))


def test_admin_pages_are_never_stored(client, staff_client, real_content):
    item = PressRelease.objects.get()
    assert_never_stored(client.get(reverse("admin:login")))
    for url in [
        reverse("admin:index"),
        admin_url(PressRelease, "changelist"),
        admin_url(PressRelease, "change", item.pk),
        admin_url(PressRelease, "preview_links", item.pk),
    ]:
        assert_never_stored(staff_client.get(url))


def test_the_editor_endpoints_are_never_stored(client, staff_client):
    preview = reverse("markdownx_markdownify")
    assert_never_stored(staff_client.post(preview, {"content": "**Hello**"}))
    assert_never_stored(client.post(preview, {"content": "**Hello**"}))  # 403
    assert_never_stored(client.post(reverse("markdownx_upload")))  # 403


def test_a_staff_members_session_cookie_is_http_only_same_site_and_lasts_eight_hours(client, db):
    get_user_model().objects.create_user("comms", password="a-long-test-password", is_staff=True)

    response = client.post(
        reverse("admin:login"),
        {"username": "comms", "password": "a-long-test-password", "next": reverse("admin:index")},
    )

    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 8 * 60 * 60


# Media: images only, never anything a browser could run ------------------------------


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("markdownx/photo.png", "image/png"),
        ("markdownx/photo.JPG", "image/jpeg"),
        ("markdownx/photo.webp", "image/webp"),
    ],
)
def test_uploaded_images_are_served_with_their_type_and_a_sandboxing_policy(
    client, image_file, path, content_type
):
    response = client.get(media_url(path))

    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == MEDIA_CSP
    assert csp_directives(MEDIA_CSP) == {
        "default-src": ["'none'"],
        "img-src": ["'self'"],
        "style-src": ["'none'"],
        "sandbox": [],
    }
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert not response.cookies
    response.close()


def test_an_unchanged_image_answers_304(client, image_file):
    modified = client.get(media_url(image_file)).headers["Last-Modified"]

    response = client.get(media_url(image_file), headers={"if-modified-since": modified})

    assert response.status_code == 304


MEDIA_REFUSED = [
    "markdownx/drawing.svg",
    "markdownx/page.html",
    "markdownx/animation.gif",
    "markdownx/.hidden.png",
    "markdownx/folder.png",
    "markdownx/missing.png",
    "markdownx/link.png",  # a symlink leading out of MEDIA_ROOT
    "markdownx/../../secret.png",
    "markdownx/..%2F..%2Fsecret.png",
    "..%2Fsecret.png",
    "/etc/passwd.png",
    "markdownx/photo.png%00.html",
    "markdownx/photo.png/",
    "markdownx",
]


@pytest.mark.parametrize("path", MEDIA_REFUSED)
def test_anything_but_an_image_inside_the_media_folder_is_not_found(client, image_file, path):
    response = client.get(f"{reverse('home')}media/{path}")

    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_media_can_only_be_read(client, image_file):
    assert client.post(media_url(image_file)).status_code == 405
    assert client.head(media_url(image_file)).status_code == 200


# Production settings, read the way a deployment runs them: in a fresh process -------

PRODUCTION_SCRIPT = """
import json, django
from django.conf import settings
from django.test import Client
django.setup()
client = Client()
http = client.get("/", headers={"host": "send-strategy.example.gov.uk"})
https = client.get("/healthz", headers={"host": "send-strategy.example.gov.uk",
                                        "x-forwarded-proto": "https"})
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_NAME": settings.SESSION_COOKIE_NAME,
    "CSRF_COOKIE_NAME": settings.CSRF_COOKIE_NAME,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "SESSION_COOKIE_SAMESITE": settings.SESSION_COOKIE_SAMESITE,
    "CSRF_COOKIE_SAMESITE": settings.CSRF_COOKIE_SAMESITE,
    "SESSION_COOKIE_AGE": settings.SESSION_COOKIE_AGE,
    "PASSWORD_VALIDATORS": len(settings.AUTH_PASSWORD_VALIDATORS),
    "http_status": http.status_code,
    "http_location": http.headers.get("Location"),
    "https_status": https.status_code,
    "https_headers": dict(https.headers),
}))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    database = tmp_path_factory.mktemp("production") / "db.sqlite3"
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "strategy_site.settings",
            "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-this-test-0123456789",
            "DJANGO_ALLOWED_HOSTS": "send-strategy.example.gov.uk",
            "DATABASE_URL": f"sqlite:///{database}",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_runs_without_debug(production):
    assert production["DEBUG"] is False


def test_production_cookies_are_host_only_secure_http_only_and_same_site(production):
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]
    assert production["SESSION_COOKIE_SAMESITE"] == production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SESSION_COOKIE_AGE"] == 8 * 60 * 60
    assert production["PASSWORD_VALIDATORS"] == 4


def test_production_redirects_plain_http_to_https(production):
    assert production["http_status"] == 301
    assert production["http_location"] == "https://send-strategy.example.gov.uk/"


def test_production_sends_hsts_for_a_year_with_subdomains_behind_the_proxy(production):
    headers = production["https_headers"]

    assert production["https_status"] == 200
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert csp_directives(headers["Content-Security-Policy"]) == EXPECTED_CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
