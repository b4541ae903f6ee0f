"""What the screenshot journeys (tools/*_journey.py) share: a real site to walk through.

Each journey runs the site for real, as `make run` does: `runserver` (and `db_worker`,
which sends the emails, where the story needs them) on a throwaway SQLite database with
the real content, emails written as files by Django's file backend, and Debian's
chromium (Playwright never downloads a browser here). This module sets that up and
takes it down again; each journey keeps only its own story.
"""

import argparse
import email
import html
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from email.policy import default
from pathlib import Path

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DESKTOP = {"width": 1280, "height": 900}
PASSWORD = "a-long-journey-password"

# A set-up script's start (run with `manage.py shell -c`): the test users the admin
# journeys log in as, Sam, an Editor, and Alex, a Publisher, in the groups the site's
# migrations make.
TEST_USERS = f"""
from django.contrib.auth.models import Group, User

for username, first, last, group in [
    ("sam", "Sam", "Editor", "Editor"),
    ("alex", "Alex", "Publisher", "Publisher"),
]:
    user = User.objects.create_user(
        username, f"{{first.lower()}}.{{last.lower()}}@example.org", {PASSWORD!r},
        first_name=first, last_name=last, is_staff=True,
    )
    user.groups.add(Group.objects.get(name=group))
"""


@dataclass
class Site:
    """A running site, and what a journey needs to walk through it."""

    url: str  # http://127.0.0.1:PORT, without a trailing slash
    env: dict  # the environment it runs in, for more `manage()` calls
    work: Path  # its throwaway folder: the database and the emails
    browser: Browser
    set_up: object  # what the set-up script printed last, as JSON

    @property
    def emails(self):
        return self.work / "emails"


def command_line(doc, port):
    """A journey's options: --port (each has its own, so they can run side by side) and
    --out, where the screenshots go."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    return parser.parse_args()


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def start(env, *args):
    return subprocess.Popen(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextmanager
def running_site(port, out, *, worker, set_up=None):
    """The site with the real content at http://127.0.0.1:`port`, and a browser.

    The `out` folder for the screenshots is made first, so that a path that cannot be
    written to stops the journey before the slow set-up rather than after it.

    `set_up`, if given, is Python run with `manage.py shell -c` before the server starts
    (for test users and the state the story starts from); its last line of output is
    read as JSON, for the journey to use. `worker` starts `db_worker` beside the server,
    for journeys that wait for emails."""
    Path(out).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="journey-") as folder:
        work = Path(folder)
        url = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{work}/site.sqlite3",
            "PORT": str(port),
            "SITE_URL": url,
            "EMAIL_FILE_PATH": str(work / "emails"),
        }
        # Without EMAIL_HOST the site writes emails to files, for the journey to read.
        env.pop("EMAIL_HOST", None)
        manage(env, "migrate", "--noinput", stdout=subprocess.DEVNULL)
        manage(env, "load_content", stdout=subprocess.DEVNULL)
        printed = None
        if set_up:
            result = manage(env, "shell", "-c", set_up, stdout=subprocess.PIPE, text=True)
            printed = json.loads(result.stdout.strip().splitlines()[-1])
        processes = [start(env, "runserver", "--noreload", f"127.0.0.1:{port}")]
        if worker:
            processes.append(start(env, "db_worker", "--interval", "0.5"))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=["--no-sandbox"]
                )
                wait_for_server(browser, url)
                yield Site(url, env, work, browser, printed)
                browser.close()
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=10)


def wait_for_server(browser, url, deadline=30):
    """runserver takes a few seconds to start answering; the journey starts when it does."""
    page = browser.new_page()
    end = time.monotonic() + deadline
    while True:
        try:
            page.goto(url + "/")
            break
        except Exception:  # Playwright's Error: nothing listens on the port yet
            if time.monotonic() > end:
                raise SystemExit(f"Nothing answered at {url} within {deadline} seconds") from None
            time.sleep(0.5)
    page.close()


def emails(folder):
    """Every email the file backend wrote, oldest first."""
    found = []
    for path in sorted(Path(folder).glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip(), policy=default))
    return found


def wait_for_emails(folder, subject_start, count=1, deadline=60):
    """The emails whose subject starts so, oldest first, once `count` of them have come:
    the worker sends them in its own time."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = [m for m in emails(folder) if m["Subject"].startswith(subject_start)]
        if len(found) >= count:
            return found
        time.sleep(0.5)
    raise SystemExit(f"Fewer than {count} emails starting {subject_start!r} arrived")


def email_headers(message):
    """From, To and Subject, as a mail program shows them above an email's screenshot."""
    headers = "".join(
        f"<div><b>{name}:</b> {html.escape(str(message[name]))}</div>"
        for name in ("From", "To", "Subject")
    )
    return f"<div style='font:14px Arial;border-bottom:1px solid #999;padding:8px'>{headers}</div>"


def log_in(site, username):
    """A new page, logged in to the admin as one of the TEST_USERS, on its home page."""
    page = site.browser.new_page(viewport=DESKTOP)
    page.goto(f"{site.url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site.url}/admin/")
    return page


def saved(page):
    """Stop with the form's errors if the admin refused a save."""
    if page.locator(".errornote").count():
        errors = page.locator(".errorlist").all_inner_texts()
        raise SystemExit(f"The admin refused the save at {page.url}: {errors}")
