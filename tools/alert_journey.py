"""Screenshots of the email alert journey, for the docs: docs/screenshots/alerts-*.png.

A family asks for alerts about a priority, reads the confirmation email, confirms; the
real press release is published (taken back to draft, then published again, as a
Publisher would); the worker sends the alert; they open "manage". Everything runs for
real: `runserver` and `db_worker` on a throwaway SQLite database with the real content,
emails written by Django's file backend (as `make run` does), Debian's chromium.

    .venv/bin/python tools/alert_journey.py [--port 8413] [--out docs/screenshots]
"""

import argparse
import email
import html
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
PHONE = {"width": 375, "height": 900}
EMAIL_WIDTH = {"width": 640, "height": 900}


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


def wait_for_email(folder, subject_start, deadline=60):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        for message in reversed(emails(folder)):
            if message["Subject"].startswith(subject_start):
                return message
        time.sleep(0.5)
    raise SystemExit(f"No email starting {subject_start!r} arrived")


def show_email(page, message, path):
    """The HTML part as a mail program shows it, and the text part as plain text."""
    headers = "".join(
        f"<div><b>{name}:</b> {html.escape(str(message[name]))}</div>"
        for name in ("From", "To", "Subject")
    )
    frame = "<div style='font:14px Arial;border-bottom:1px solid #999;padding:8px'>{}</div>"
    page.set_content(frame.format(headers) + message.get_body(("html",)).get_content())
    page.screenshot(path=str(path).replace(".png", "-html.png"), full_page=True)
    text = html.escape(message.get_body(("plain",)).get_content())
    page.set_content(
        frame.format(headers)
        + f"<pre style='font:14px monospace;white-space:pre-wrap;padding:8px'>{text}</pre>"
    )
    page.screenshot(path=str(path).replace(".png", "-text.png"), full_page=True)


def link_after(text, marker):
    rest = text[text.index(marker) + len(marker) :]
    return rest.split()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8413)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    options = parser.parse_args()
    out = Path(options.out)
    work = Path(tempfile.mkdtemp(prefix="alert-journey-"))
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
            page = browser.new_page(viewport=PHONE)
            for _ in range(60):
                try:
                    page.goto(f"{site}/alerts/")
                    break
                except Exception:
                    time.sleep(0.5)
            page.get_by_label("Priority 1", exact=False).first.check()
            page.get_by_label("As it happens").check()
            page.get_by_label("Email address").fill("parent@example.org")
            page.screenshot(path=str(out / "alerts-1-subscribe.png"), full_page=True)
            page.get_by_role("button", name="Send me a confirmation email").click()
            page.screenshot(path=str(out / "alerts-2-check-your-email.png"), full_page=True)

            mail = browser.new_page(viewport=EMAIL_WIDTH)
            confirm = wait_for_email(work / "emails", "Confirm your email alerts")
            show_email(mail, confirm, out / "alerts-3-confirmation-email.png")
            link = link_after(confirm.get_body(("plain",)).get_content(), "open this link:")
            page.goto(link)
            page.screenshot(path=str(out / "alerts-4-confirmed.png"), full_page=True)

            # A Publisher publishes the real press release (back to draft, then published).
            manage(
                env,
                "shell",
                "-c",
                "from news.models import PressRelease\n"
                "from publishing.models import Status\n"
                "r = PressRelease.objects.first()\n"
                "r.status = Status.DRAFT; r.save()\n"
                "r.status = Status.PUBLISHED; r.published_at = None; r.save()\n",
            )
            alert = wait_for_email(work / "emails", "New: ")
            show_email(mail, alert, out / "alerts-5-alert-email.png")
            manage_link = link_after(
                alert.get_body(("plain",)).get_content(), "Change what you get or how often:"
            )
            page.goto(manage_link)
            page.screenshot(path=str(out / "alerts-6-manage.png"), full_page=True)
            browser.close()
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=10)
    print(f"Screenshots in {out}: alerts-1 to alerts-6")


if __name__ == "__main__":
    main()
