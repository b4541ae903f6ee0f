"""Screenshots of changes prepared to a live page, for the docs:
docs/screenshots/prepared-*.png.

An Editor, Sam, opens the live press release, rewrites its standfirst in plainer words
(the same facts) and asks a publisher to publish the change. The public page stays as
it was; the preview shows the prepared version; the comparison shows what changed; the
Publisher, Alex, sees the box on the press release and opens "Review and publish".
Everything runs for real, as tools/review_journey.py does: `runserver` and `db_worker`
on a throwaway SQLite database with the real content, Debian's chromium. Sam and Alex
are test users.

    .venv/bin/python tools/prepared_journey.py [--port 8415] [--out docs/screenshots]
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from review_journey import DESKTOP, PASSWORD, PYTHON, ROOT, log_in, manage, saved

PLAINER = (
    "Wiltshire Council and its partners have agreed a plan for how they will work with "
    "families, children and young people with special educational needs and "
    "disabilities (SEND) for the next five years."
)
# Words of it the glossary does not mark (it marks "SEND"), to find on the page.
FRAGMENT = "have agreed a plan for how they will work with"

SET_UP = f"""
import json
from django.contrib.auth.models import Group, User
from django.urls import reverse
from news.models import PressRelease

for username, first, last, group in [
    ("sam", "Sam", "Editor", "Editor"),
    ("alex", "Alex", "Publisher", "Publisher"),
]:
    user = User.objects.create_user(
        username, f"{{first.lower()}}.{{last.lower()}}@example.org", {PASSWORD!r},
        first_name=first, last_name=last, is_staff=True,
    )
    user.groups.add(Group.objects.get(name=group))

item = PressRelease.objects.published().order_by("pk").first()
print(json.dumps([reverse("admin:news_pressrelease_change", args=[item.pk]),
                  item.get_absolute_url()]))
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8415)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    options = parser.parse_args()
    out = Path(options.out)
    work = Path(tempfile.mkdtemp(prefix="prepared-journey-"))
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
    change_url, public_url = json.loads(set_up.stdout.strip().splitlines()[-1])
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{options.port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
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

            # Sam changes the live press release and asks for it to be published.
            sam = log_in(browser, site, "sam")
            sam.goto(site + change_url)
            sam.locator("#id_standfirst").fill(PLAINER)
            sam.get_by_label("Ask a publisher to publish these changes").check()
            sam.locator("input[name=_save]").first.click()
            sam.wait_for_load_state()
            saved(sam)
            sam.screenshot(
                path=str(out / "prepared-1-editor-form.png"),
                clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 620},
            )

            # The public still sees the live page; the preview shows the prepared one.
            public = browser.new_page(viewport={"width": 800, "height": 700})
            public.goto(site + public_url)
            if FRAGMENT in public.inner_text("main"):
                raise SystemExit("The public page shows the prepared changes")
            public.screenshot(path=str(out / "prepared-2-public-page-unchanged.png"))
            with sam.expect_popup() as popup:
                sam.get_by_role("link", name="Preview the prepared changes").click()
            preview = popup.value
            preview.set_viewport_size({"width": 800, "height": 700})
            preview.wait_for_load_state()
            preview.screenshot(path=str(out / "prepared-3-preview.png"))

            sam.get_by_role("link", name="Compare them with the live page").click()
            sam.wait_for_load_state()
            sam.screenshot(
                path=str(out / "prepared-4-compare.png"),
                clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 620},
            )

            # Alex sees the box on the press release and opens the publishing form.
            alex = log_in(browser, site, "alex")
            alex.goto(site + change_url)
            alex.get_by_role("link", name="Review and publish them").click()
            alex.wait_for_load_state()
            alex.screenshot(
                path=str(out / "prepared-5-publisher-form.png"),
                clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": 620},
            )
            alex.locator("input[name=_save]").first.click()
            alex.wait_for_load_state()
            saved(alex)
            # A new visitor: this browser may keep the page for PAGE_MAX_AGE seconds.
            public = browser.new_context().new_page()
            public.goto(site + public_url)
            if FRAGMENT not in public.inner_text("main"):
                raise SystemExit("Publishing did not put the changes on the public page")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"Screenshots in {out}: prepared-1 to prepared-5")


if __name__ == "__main__":
    main()
