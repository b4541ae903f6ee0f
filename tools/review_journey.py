"""Screenshots of the review queue, for the docs: docs/screenshots/review-*.png.

An Editor, Sam, sets three items to "In review" (the real press release, cabinet
decision and an Easy Read version, first taken back to draft as a Publisher would); the
worker emails the Publisher, Alex, who sees them on the admin home under "Waiting for
review", and sends the press release back with a comment; the worker emails Sam, who
sees it under "Sent back to me". Everything runs for real: `runserver` and `db_worker`
on a throwaway SQLite database with the real content, emails written by Django's file
backend (as `make run` does), Debian's chromium. Sam and Alex are test users.

    .venv/bin/python tools/review_journey.py [--port 8414] [--out docs/screenshots]
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
from email.policy import default
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DESKTOP = {"width": 1280, "height": 900}
EMAIL_WIDTH = {"width": 800, "height": 100}  # as tall as the email, with full_page
PASSWORD = "a-long-journey-password"
COMMENT = (
    "Please spell out what SEND stands for the first time it is used, and split the "
    "second paragraph into shorter sentences."
)

# The test users, and the three items they pass between them, as admin change URLs.
SET_UP = f"""
import json
from django.contrib.auth.models import Group, User
from django.urls import reverse
from easyread.models import EasyReadVersion
from news.models import CabinetDecision, PressRelease
from publishing.models import Status

for username, first, last, group in [
    ("sam", "Sam", "Editor", "Editor"),
    ("alex", "Alex", "Publisher", "Publisher"),
]:
    user = User.objects.create_user(
        username, f"{{first.lower()}}.{{last.lower()}}@example.org", {PASSWORD!r},
        first_name=first, last_name=last, is_staff=True,
    )
    user.groups.add(Group.objects.get(name=group))

urls = []
for model in (PressRelease, CabinetDecision, EasyReadVersion):
    item = model.objects.order_by("pk").first()
    item.status = Status.DRAFT  # as a Publisher takes a live item back to change it
    item.save()
    meta = item._meta
    urls.append(reverse(f"admin:{{meta.app_label}}_{{meta.model_name}}_change", args=[item.pk]))
print(json.dumps(urls))
"""


def manage(env, *args, **kwargs):
    return subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, **kwargs)


def emails(folder):
    """Every email the file backend wrote, oldest first."""
    found = []
    for path in sorted(Path(folder).glob("*.log"), key=lambda p: p.stat().st_mtime):
        for chunk in path.read_bytes().split(b"-" * 79):
            if chunk.strip():
                found.append(email.message_from_bytes(chunk.strip(), policy=default))
    return found


def wait_for_emails(folder, subject_start, count=1, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = [m for m in emails(folder) if m["Subject"].startswith(subject_start)]
        if len(found) >= count:
            return found
        time.sleep(0.5)
    raise SystemExit(f"Fewer than {count} emails starting {subject_start!r} arrived")


def show_text_email(page, message, path):
    """A plain-text email as a mail program shows it: headers, then the text."""
    headers = "".join(
        f"<div><b>{name}:</b> {html.escape(str(message[name]))}</div>"
        for name in ("From", "To", "Subject")
    )
    text = html.escape(message.get_body(("plain",)).get_content())
    page.set_content(
        "<div style='font:14px Arial;border-bottom:1px solid #999;padding:8px'>"
        f"{headers}</div>"
        f"<pre style='font:15px/1.45 Arial,sans-serif;white-space:pre-wrap;padding:8px 12px'>"
        f"{text}</pre>"
    )
    page.screenshot(path=str(path), full_page=True)


def log_in(browser, site, username):
    page = browser.new_page(viewport=DESKTOP)
    page.goto(f"{site}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/admin/")
    return page


def screenshot_down_to(page, selector, path):
    """The page at full width, from the top down to just below `selector`: the admin
    home's list of every kind of content below it adds nothing here."""
    box = page.locator(selector).bounding_box()
    height = box["y"] + box["height"] + 24
    page.screenshot(
        path=str(path), clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": height}
    )


def saved(page):
    """Stop with the form's errors if the admin refused a save."""
    if page.locator(".errornote").count():
        errors = page.locator(".errorlist").all_inner_texts()
        raise SystemExit(f"The admin refused the save at {page.url}: {errors}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8414)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    options = parser.parse_args()
    out = Path(options.out)
    work = Path(tempfile.mkdtemp(prefix="review-journey-"))
    site = f"http://127.0.0.1:{options.port}"
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{work}/site.sqlite3",
        "PORT": str(options.port),
        "SITE_URL": site,
        "EMAIL_FILE_PATH": str(work / "emails"),
    }
    env.pop("EMAIL_HOST", None)
    manage(env, "migrate", "--noinput", stdout=subprocess.DEVNULL)
    manage(env, "load_content", stdout=subprocess.DEVNULL)
    set_up = manage(env, "shell", "-c", SET_UP, stdout=subprocess.PIPE, text=True)
    change_urls = json.loads(set_up.stdout.strip().splitlines()[-1])
    processes = [
        subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{options.port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
        subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.5"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        ),
    ]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox"]
            )
            for _ in range(60):
                try:
                    browser.new_page().goto(f"{site}/admin/login/")
                    break
                except Exception:
                    time.sleep(0.5)

            # Sam sends the three items for review, one after another.
            sam = log_in(browser, site, "sam")
            for url in change_urls:
                sam.goto(site + url)
                sam.locator("#id_status").select_option("in_review")
                sam.locator("input[name=_save]").first.click()
                sam.wait_for_load_state()
                saved(sam)

            mail = browser.new_page(viewport=EMAIL_WIDTH)
            waiting = wait_for_emails(work / "emails", "Waiting for review", count=3)
            show_text_email(mail, waiting[0], out / "review-2-waiting-for-review-email.png")

            # Alex sees them on the admin home, oldest first, and sends the first back.
            alex = log_in(browser, site, "alex")
            screenshot_down_to(alex, "#waiting-for-review", out / "review-1-publisher-home.png")
            alex.goto(site + change_urls[0])
            alex.get_by_role("link", name="Send back with a comment").click()
            alex.get_by_label("What should be changed?").fill(COMMENT)
            alex.get_by_role("button", name="Send it back").click()
            alex.wait_for_load_state()

            [sent_back] = wait_for_emails(work / "emails", "Sent back to you")
            show_text_email(mail, sent_back, out / "review-4-sent-back-email.png")

            # Sam's admin home shows what was sent back, with Alex's comment.
            sam.goto(f"{site}/admin/")
            screenshot_down_to(sam, "#sent-back-to-me", out / "review-3-editor-home.png")
            browser.close()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    print(f"Screenshots in {out}: review-1 to review-4")


if __name__ == "__main__":
    main()
