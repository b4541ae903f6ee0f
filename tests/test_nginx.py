"""nginx in front of the site, running the shipped deploy/nginx.conf.

Debian's nginx runs deploy/nginx.conf itself, with only its placeholders replaced (the
ports, the certificate, the folders, the app server's address), as bench/run.py does
for bench/nginx.conf. Behind it, the real site runs in gunicorn with production
settings (its own SQLite database, the real content, collected static files), wrapped
by tests/nginx_upstream.py, which counts the requests that reach the site and tells
whether two of them were let through together. A second nginx, from the same file,
fronts an app server that is not there.

What a visitor, an editor and a load balancer would notice: the site's security headers
on everything nginx sends, its own files and error pages included; no nginx version;
error pages in plain English; a photo as large as the site accepts gets through; and
health checks, the admin and signed-in editors go straight to the site, never held
behind one another by the proxy cache.

Skipped, with the reason, only when /usr/sbin/nginx is not installed.
"""

import base64
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.cookies import SimpleCookie
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from images.models import file_size, max_bytes
from images.views import MEDIA_CSP

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "deploy" / "nginx.conf"
ERRORS = ROOT / "deploy" / "errors"
NGINX = Path("/usr/sbin/nginx")
HOST = "example.gov.uk"

pytestmark = pytest.mark.skipif(
    not NGINX.exists(),
    reason="needs Debian's nginx at /usr/sbin/nginx (apt-get install nginx): not installed",
)

# Every response carries these once, with the value the site's pages carry. (The
# Content-Security-Policy is on every response too, but a file's is its own.)
SECURITY_HEADERS = [
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Cross-Origin-Resource-Policy",
    "Permissions-Policy",
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port, process, name):
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"{name} stopped: {process.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{name} did not start listening on port {port}")


# --- answers -----------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()

    def one(self, name):
        """The header's value, which must be sent exactly once."""
        values = self.headers.get_all(name) or []
        assert len(values) == 1, f"{name}: {values}"
        return values[0]


def tls_context(work):
    return ssl.create_default_context(cafile=work / "cert.pem")


def ask(port, path, *, work=None, method="GET", headers=None, body=None):
    """One request on a connection of its own: https when `work` (the certificate's
    folder) is given, plain http otherwise."""
    if work is not None:
        connection = http.client.HTTPSConnection(
            "127.0.0.1", port, context=tls_context(work), timeout=60
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def ask_raw(port, request, *, work=None):
    """Bytes nginx must refuse to read as a request; its answer, parsed."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    if work is not None:
        sock = tls_context(work).wrap_socket(sock, server_hostname="127.0.0.1")
    with sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return Answer(response.status, response.headers, response.read())


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, (filename, content_type, data) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- the servers ---------------------------------------------------------------------


class Nginx:
    """Debian's nginx running deploy/nginx.conf, placeholders replaced, in a folder of
    its own; Debian's /etc/nginx/nginx.conf's part (the http block that includes the
    site) written here with the folders nginx writes to."""

    def __init__(self, work, name, upstream):
        self.work = work
        self.http_port, self.https_port = free_port(), free_port()
        folder = work / name
        folder.mkdir()
        site = SHIPPED.read_text()
        for placeholder, value in {
            "listen 80;": f"listen 127.0.0.1:{self.http_port};",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{self.https_port} ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "server 127.0.0.1:8000;": f"server {upstream};",
            "/var/cache/nginx/strategy_site": str(folder / "cache"),
            "/etc/ssl/certs/example.gov.uk.fullchain.pem": str(work / "cert.pem"),
            "/etc/ssl/private/example.gov.uk.key": str(work / "key.pem"),
            "/srv/strategy_site/staticfiles/": f"{work / 'static'}/",
            "/srv/strategy_site/deploy/errors/": f"{ERRORS}/",
        }.items():
            assert site.count(placeholder) == 1, f"deploy/nginx.conf no longer has {placeholder}"
            site = site.replace(placeholder, value)
        (folder / "site.conf").write_text(site)
        temp_paths = "\n".join(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (folder / "nginx.conf").write_text(
            f"daemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            "http {\n"
            "    include /etc/nginx/mime.types;\n"
            "    default_type application/octet-stream;\n"
            "    access_log off;\n"
            f"{temp_paths}\n"
            f"    include {folder / 'site.conf'};\n"
            "}\n"
        )
        self.process = subprocess.Popen(
            [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_for_port(self.https_port, self.process, "nginx")

    def get(self, path, **kwargs):
        return ask(self.https_port, path, work=self.work, **kwargs)

    def get_http(self, path, **kwargs):
        return ask(self.http_port, path, **kwargs)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def production(work):
    """The environment of a production app server, with nothing from this test run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    for name in ("DATABASE_URL", "REDIS_URL", "CACHE_URL", "SITE_URL"):
        env.pop(name, None)
    return {
        **env,
        "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-nginx-test-0123456789",
        "DJANGO_ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
    }


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SIGN_IN = """
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
user = get_user_model().objects.create_superuser("nginx-editor", "editor@example.gov.uk", None)
client = Client()
client.force_login(user)
print(settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


@dataclass
class Deployment:
    work: Path
    upstream_port: int
    nginx: Nginx
    session_cookie: str  # a signed-in editor's, as the browser sends it

    def seen(self, path):
        """How many requests for `path` have reached the site."""
        return json.loads(ask(self.upstream_port, "/__seen__").body).get(path, 0)


@pytest.fixture(scope="module")
def deployment():
    # nginx's workers run as `nobody` when the tests run as root: the folder must be
    # readable by them, so not pytest's own (private) temporary folder.
    work = Path(tempfile.mkdtemp(prefix="test-nginx-"))
    work.chmod(0o755)
    processes = []
    try:
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
            + ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"]
            + ["-keyout", str(work / "key.pem"), "-out", str(work / "cert.pem")],
            check=True,
            capture_output=True,
        )
        env = production(work)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "load_content", "-v0")
        session_cookie = manage(env, "shell", "-c", SIGN_IN).strip().splitlines()[-1]

        upstream_port = free_port()
        gunicorn = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
            + ["--worker-class", "gthread", "--workers", "1", "--threads", "8"]
            + ["tests.nginx_upstream:application"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{upstream_port}"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        processes.append(gunicorn)
        wait_for_port(upstream_port, gunicorn, "gunicorn")
        nginx = Nginx(work, "nginx", f"127.0.0.1:{upstream_port}")
        processes.append(nginx.process)
        yield Deployment(work, upstream_port, nginx, session_cookie)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="module")
def nginx_without_site(deployment):
    """nginx from the same file, in front of an app server that is not running."""
    nginx = Nginx(deployment.work, "nginx-alone", f"127.0.0.1:{free_port()}")
    try:
        yield nginx
    finally:
        nginx.stop()


@pytest.fixture(scope="module")
def page(deployment):
    """The home page through nginx: the site's own headers."""
    answer = deployment.nginx.get("/")
    assert answer.status == 200
    return answer


def assert_the_site_headers(answer, page):
    for name in SECURITY_HEADERS:
        assert answer.one(name) == page.one(name), name
    assert answer.one("Server") == "nginx"  # no version


# --- a page, a static file, an uploaded image ------------------------------------------


def test_a_page_carries_the_site_security_headers_once_and_no_nginx_version(page):
    assert "Meeting Needs Together" in page.text
    assert page.one("Server") == "nginx"
    assert page.one("Strict-Transport-Security").startswith("max-age=")
    for name in [*SECURITY_HEADERS, "Content-Security-Policy", "Cache-Control"]:
        page.one(name)
    assert "default-src 'none'" in page.one("Content-Security-Policy")


def test_a_public_page_is_kept_by_the_proxy_cache(deployment, page):
    nginx = deployment.nginx
    nginx.get("/news/")
    reached = deployment.seen("/news/")

    again = nginx.get("/news/")

    assert again.status == 200
    assert again.one("X-Proxy-Cache") == "HIT"
    assert deployment.seen("/news/") == reached  # answered by nginx, not the site


def test_a_static_file_carries_the_site_headers_a_policy_for_files_and_one_cache_control(
    deployment, page
):
    manifest = json.loads((deployment.work / "static" / "staticfiles.json").read_text())
    stylesheet = manifest["paths"]["css/main.css"]

    answer = deployment.nginx.get(f"/static/{stylesheet}")

    assert answer.status == 200
    assert answer.one("Content-Type").startswith("text/css")
    assert_the_site_headers(answer, page)
    assert answer.one("Content-Security-Policy") == MEDIA_CSP
    assert answer.one("Cache-Control") == "public, max-age=31536000, immutable"


def test_an_uploaded_image_carries_the_site_headers_and_one_cache_control(deployment, page):
    media = deployment.work / "media"
    media.mkdir(exist_ok=True)
    Image.new("RGB", (40, 30), "teal").save(media / "nginx-test.png")

    answer = deployment.nginx.get("/media/nginx-test.png")

    assert answer.status == 200
    assert answer.one("Content-Type") == "image/png"
    assert_the_site_headers(answer, page)
    assert answer.one("Content-Security-Policy") == MEDIA_CSP
    answer.one("Cache-Control")


# --- nginx's own error pages -----------------------------------------------------------


def style_hash(html):
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.DOTALL)
    return "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"


def assert_an_error_page(answer, page, status, heading):
    assert answer.status == status
    assert answer.one("Content-Type") == "text/html; charset=utf-8"
    assert f"<h1>{heading}</h1>" in answer.text
    assert "nginx" not in answer.text
    assert_the_site_headers(answer, page)
    assert answer.one("Cache-Control") == "no-store"
    policy = answer.one("Content-Security-Policy")
    assert policy.startswith("default-src 'none';")
    assert style_hash(answer.text) in policy  # the page's own style, and nothing else


def test_a_request_nginx_cannot_read_gets_the_400_page(deployment, page):
    twice = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"

    answer = ask_raw(deployment.nginx.https_port, twice.encode(), work=deployment.work)

    assert_an_error_page(answer, page, 400, "Sorry, there is a problem with your request")


def test_over_plain_http_a_bad_request_gets_the_400_page_not_a_redirect(deployment, page):
    twice = f"GET / HTTP/1.1\r\nHost: {HOST}\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"

    answer = ask_raw(deployment.nginx.http_port, twice.encode())

    assert answer.status == 400
    assert "Sorry, there is a problem with your request" in answer.text
    assert answer.headers.get_all("Strict-Transport-Security") is None  # not over http
    assert answer.one("Server") == "nginx"


def test_a_missing_static_file_gets_the_page_not_found_page(deployment, page):
    answer = deployment.nginx.get("/static/css/no-such-file.css")

    assert_an_error_page(answer, page, 404, "Page not found")


def test_a_file_too_large_for_nginx_gets_a_page_that_says_the_site_limit(deployment, page):
    body, content_type = multipart({}, {"image": ("huge.png", "image/png", bytes(12 * 2**20))})

    answer = deployment.nginx.get(
        "/markdownx/upload/", method="POST", body=body, headers={"Content-Type": content_type}
    )

    assert_an_error_page(answer, page, 413, "The file is too large")
    assert f"The most you can upload is {file_size(max_bytes())}." in answer.text


def test_over_http2_a_file_too_large_gets_the_same_413_page(deployment, tmp_path):
    """Browsers upload over HTTP/2, where nginx checks the size a second time."""
    if shutil.which("curl") is None:
        pytest.skip("needs curl to speak HTTP/2: not installed")
    (tmp_path / "huge.png").write_bytes(bytes(12 * 2**20))
    port = deployment.nginx.https_port

    result = subprocess.run(
        ["curl", "--http2", "--silent", "--show-error", "--cacert", deployment.work / "cert.pem"]
        + ["--resolve", f"{HOST}:{port}:127.0.0.1", "--write-out", "\n%{http_version} %{http_code}"]
        + ["--form", f"image=@{tmp_path / 'huge.png'}", f"https://{HOST}:{port}/markdownx/upload/"],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.endswith("\n2 413"), result.stdout[-300:] + result.stderr
    assert "<h1>The file is too large</h1>" in result.stdout


def test_when_the_site_does_not_answer_nginx_shows_its_502_page(nginx_without_site, page):
    answer = nginx_without_site.get("/news/")

    assert_an_error_page(answer, page, 502, "Sorry, there is a problem with the service")
    assert "Try again in a few minutes." in answer.text


def test_a_load_balancer_checking_over_http_sees_the_502_status(nginx_without_site):
    answer = nginx_without_site.get_http("/healthz")

    assert answer.status == 502  # not a redirect: a load balancer takes the server out
    assert "Sorry, there is a problem with the service" in answer.text


ERROR_PAGES = {
    400: "Sorry, there is a problem with your request",
    404: "Page not found",
    413: "The file is too large",
    502: "Sorry, there is a problem with the service",
    503: "Sorry, the service is unavailable",
    504: "Sorry, the site took too long to answer",
}


@pytest.mark.parametrize("status, heading", ERROR_PAGES.items())
def test_every_error_page_is_self_contained_plain_english_and_allowed_by_its_policy(
    deployment, status, heading
):
    """503 and 504 cannot be made to happen here: the file and nginx's wiring are
    checked as they are sent, under the policy the other error pages are sent with."""
    shipped = SHIPPED.read_text()
    lines = re.findall(rf"^\s*error_page ([\d ]*\b{status}\b[\d ]*) (\S+);$", shipped, re.M)
    assert [target for _, target in lines] == [f"/_errors/{status}.html"]
    html = (ERRORS / f"{status}.html").read_text()
    policy = deployment.nginx.get("/static/no-such-file.css").one("Content-Security-Policy")

    assert html.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert html.count("<h1>") == 1 and f"<h1>{heading}</h1>" in html
    assert f"<title>{heading} - Meeting Needs Together</title>" in html
    assert style_hash(html) in policy
    # Nothing to fetch: no script, stylesheet, image or font, and links only to the site.
    assert not re.search(r"<script|<link|<img|src=|url\(|@import", html)
    assert set(re.findall(r'href="([^"]*)"', html)) == {"/"}


# --- uploads up to the site's own limit -------------------------------------------------


def signed_in_form(deployment):
    """(cookies, CSRF token) of the signed-in editor, from an admin page."""
    answer = deployment.nginx.get("/admin/", headers={"Cookie": deployment.session_cookie})
    assert answer.status == 200
    cookies = SimpleCookie()
    for header in answer.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    csrf = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', answer.text)[1]
    return f"{deployment.session_cookie}; {csrf}", token


def photo_of(size):
    """A PNG of exactly `size` bytes: random pixels, padded after its end."""
    pixels = Image.frombytes("RGB", (600, 600), os.urandom(600 * 600 * 3))
    buffer = BytesIO()
    pixels.save(buffer, format="PNG")
    data = buffer.getvalue()
    assert len(data) < size
    return data + bytes(size - len(data))


def upload(deployment, data):
    cookies, token = signed_in_form(deployment)
    body, content_type = multipart(
        {"csrfmiddlewaretoken": token}, {"image": ("photo.png", "image/png", data)}
    )
    return deployment.nginx.get(
        "/markdownx/upload/",
        method="POST",
        body=body,
        headers={
            "Content-Type": content_type,
            "Cookie": cookies,
            "Origin": f"https://{HOST}",
            "Referer": f"https://{HOST}/admin/",
        },
    )


def test_a_photo_as_large_as_the_site_accepts_passes_nginx_and_is_saved(deployment, page):
    answer = upload(deployment, photo_of(max_bytes()))

    assert answer.status == 200, answer.text
    (address,) = re.findall(r"\]\((/media/[^)]+)\)", json.loads(answer.body)["image_code"])
    picture = deployment.nginx.get(address)
    assert picture.status == 200
    assert picture.one("Content-Type") == "image/png"
    assert_the_site_headers(picture, page)


def test_a_photo_a_little_over_the_site_limit_gets_the_site_own_message(deployment):
    answer = upload(deployment, photo_of(max_bytes() + 100 * 1024))

    assert answer.status == 400
    (message,) = json.loads(answer.body)["image"]
    assert f"The most we accept is {file_size(max_bytes())}." in message


# --- what nginx passes straight to the site -----------------------------------------------


PASSED_THROUGH = ["the health check", "the admin's sign-in page", "a signed-in editor's page"]


def passed_through(deployment, name):
    """(address, request headers) of each kind of request nginx must never keep."""
    return {
        "the health check": ("/healthz", {}),
        "the admin's sign-in page": ("/admin/login/", {}),
        "a signed-in editor's page": ("/", {"Cookie": deployment.session_cookie}),
    }[name]


@pytest.mark.parametrize("name", PASSED_THROUGH)
def test_nginx_passes_every_one_of_these_to_the_site_never_from_its_cache(deployment, name):
    path, headers = passed_through(deployment, name)
    before = deployment.seen(path)

    answers = [deployment.nginx.get(path, headers=headers) for _ in range(3)]

    assert [answer.status for answer in answers] == [200] * 3
    for answer in answers:
        assert answer.headers.get("X-Proxy-Cache") in (None, "BYPASS")
    assert deployment.seen(path) == before + 3


def test_a_health_check_over_plain_http_reaches_the_site_and_nothing_else_does(deployment):
    before = deployment.seen("/healthz")

    check = deployment.nginx.get_http("/healthz")
    news = deployment.nginx.get_http("/news/?page=2")

    assert check.status == 200 and json.loads(check.body)["status"] == "ok"
    assert deployment.seen("/healthz") == before + 1
    assert news.status == 301
    assert news.one("Location") == f"https://{HOST}/news/?page=2"


def together(deployment, path, headers, *, tls=True):
    """Two requests for one address sent at once: whether the site had both at once."""
    name = uuid.uuid4().hex
    headers = {**headers, "X-Test-Together": name}

    def one(_):
        if tls:
            return deployment.nginx.get(path, headers=headers)
        return deployment.nginx.get_http(path, headers=headers)

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(one, range(2)))
    return [answer.headers.get("X-Test-Met") for answer in answers]


@pytest.mark.parametrize("name", PASSED_THROUGH)
def test_requests_nginx_passes_through_are_never_queued_behind_one_another(deployment, name):
    path, headers = passed_through(deployment, name)

    assert together(deployment, path, headers) == ["yes", "yes"]


def test_health_checks_over_plain_http_are_never_queued_behind_one_another(deployment):
    assert together(deployment, "/healthz", {}, tls=False) == ["yes", "yes"]


def test_visitors_following_a_broken_link_at_once_are_never_queued(deployment):
    """A 404 (like an old address's 301 or a 410) may not be kept, so nothing would
    ever release a queue for it."""
    assert together(deployment, "/no-such-page/", {}) == ["yes", "yes"]
