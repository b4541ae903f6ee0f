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

import html

from journey import (
    DESKTOP,
    TEST_USERS,
    command_line,
    email_headers,
    log_in,
    running_site,
    saved,
    wait_for_emails,
)

EMAIL_WIDTH = {"width": 800, "height": 100}  # as tall as the email, with full_page
COMMENT = (
    "Please spell out what SEND stands for the first time it is used, and split the "
    "second paragraph into shorter sentences."
)

# The three items the test users pass between them, as admin change URLs.
SET_UP = (
    TEST_USERS
    + """
import json
from django.urls import reverse
from easyread.models import EasyReadVersion
from news.models import CabinetDecision, PressRelease
from publishing.models import Status

urls = []
for model in (PressRelease, CabinetDecision, EasyReadVersion):
    item = model.objects.order_by("pk").first()
    item.status = Status.DRAFT  # as a Publisher takes a live item back to change it
    item.save()
    meta = item._meta
    urls.append(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk]))
print(json.dumps(urls))
"""
)


def show_text_email(page, message, path):
    """A plain-text email as a mail program shows it: headers, then the text."""
    text = html.escape(message.get_body(("plain",)).get_content())
    page.set_content(
        email_headers(message)
        + "<pre style='font:15px/1.45 Arial,sans-serif;white-space:pre-wrap;padding:8px 12px'>"
        + f"{text}</pre>"
    )
    page.screenshot(path=str(path), full_page=True)


def screenshot_down_to(page, selector, path):
    """The page at full width, from the top down to just below `selector`: the admin
    home's list of every kind of content below it adds nothing here."""
    box = page.locator(selector).bounding_box()
    height = box["y"] + box["height"] + 24
    page.screenshot(
        path=str(path), clip={"x": 0, "y": 0, "width": DESKTOP["width"], "height": height}
    )


def main():
    options = command_line(__doc__, port=8414)
    out = options.out
    with running_site(options.port, out, worker=True, set_up=SET_UP) as site:
        change_urls = site.set_up

        # Sam sends the three items for review, one after another.
        sam = log_in(site, "sam")
        for url in change_urls:
            sam.goto(site.url + url)
            sam.locator("#id_status").select_option("in_review")
            sam.locator("input[name=_save]").first.click()
            sam.wait_for_load_state()
            saved(sam)

        mail = site.browser.new_page(viewport=EMAIL_WIDTH)
        waiting = wait_for_emails(site.emails, "Waiting for review", count=3)
        show_text_email(mail, waiting[0], out / "review-2-waiting-for-review-email.png")

        # Alex sees them on the admin home, oldest first, and sends the first back.
        alex = log_in(site, "alex")
        screenshot_down_to(alex, "#waiting-for-review", out / "review-1-publisher-home.png")
        alex.goto(site.url + change_urls[0])
        alex.get_by_role("link", name="Send back with a comment").click()
        alex.get_by_label("What should be changed?").fill(COMMENT)
        alex.get_by_role("button", name="Send it back").click()
        alex.wait_for_load_state()

        [sent_back] = wait_for_emails(site.emails, "Sent back to you")
        show_text_email(mail, sent_back, out / "review-4-sent-back-email.png")

        # Sam's admin home shows what was sent back, with Alex's comment.
        sam.goto(f"{site.url}/admin/")
        screenshot_down_to(sam, "#sent-back-to-me", out / "review-3-editor-home.png")
    print(f"Screenshots in {out}: review-1 to review-4")


if __name__ == "__main__":
    main()
