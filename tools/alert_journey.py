"""Screenshots of the email alert journey, for the docs: docs/screenshots/alerts-*.png.

A family asks for alerts about a priority, reads the confirmation email, confirms; the
real press release is published (taken back to draft, then published again, as a
Publisher would); the worker sends the alert; they open "manage". Everything runs for
real: `runserver` and `db_worker` on a throwaway SQLite database with the real content,
emails written by Django's file backend (as `make run` does), Debian's chromium.

    .venv/bin/python tools/alert_journey.py [--port 8413] [--out docs/screenshots]
"""

import html

from journey import command_line, email_headers, manage, running_site, wait_for_emails

PHONE = {"width": 375, "height": 900}
EMAIL_WIDTH = {"width": 640, "height": 900}


def show_email(page, message, path):
    """The HTML part as a mail program shows it, and the text part as plain text."""
    page.set_content(email_headers(message) + message.get_body(("html",)).get_content())
    page.screenshot(path=str(path).replace(".png", "-html.png"), full_page=True)
    text = html.escape(message.get_body(("plain",)).get_content())
    page.set_content(
        email_headers(message)
        + f"<pre style='font:14px monospace;white-space:pre-wrap;padding:8px'>{text}</pre>"
    )
    page.screenshot(path=str(path).replace(".png", "-text.png"), full_page=True)


def link_after(text, marker):
    rest = text[text.index(marker) + len(marker) :]
    return rest.split()[0]


def main():
    options = command_line(__doc__, port=8413)
    out = options.out
    with running_site(options.port, out, worker=True) as site:
        page = site.browser.new_page(viewport=PHONE)
        page.goto(f"{site.url}/alerts/")
        page.get_by_label("Priority 1", exact=False).first.check()
        page.get_by_label("As it happens").check()
        page.get_by_label("Email address").fill("parent@example.org")
        page.screenshot(path=str(out / "alerts-1-subscribe.png"), full_page=True)
        page.get_by_role("button", name="Send me a confirmation email").click()
        page.screenshot(path=str(out / "alerts-2-check-your-email.png"), full_page=True)

        mail = site.browser.new_page(viewport=EMAIL_WIDTH)
        confirm = wait_for_emails(site.emails, "Confirm your email alerts")[-1]
        show_email(mail, confirm, out / "alerts-3-confirmation-email.png")
        link = link_after(confirm.get_body(("plain",)).get_content(), "open this link:")
        page.goto(link)
        page.screenshot(path=str(out / "alerts-4-confirmed.png"), full_page=True)

        # A Publisher publishes the real press release (back to draft, then published).
        manage(
            site.env,
            "shell",
            "-c",
            "from news.models import PressRelease\n"
            "from publishing.models import Status\n"
            "r = PressRelease.objects.first()\n"
            "r.status = Status.DRAFT; r.save()\n"
            "r.status = Status.PUBLISHED; r.published_at = None; r.save()\n",
        )
        alert = wait_for_emails(site.emails, "New: ")[-1]
        show_email(mail, alert, out / "alerts-5-alert-email.png")
        manage_link = link_after(
            alert.get_body(("plain",)).get_content(), "Change what you get or how often:"
        )
        page.goto(manage_link)
        page.screenshot(path=str(out / "alerts-6-manage.png"), full_page=True)
    print(f"Screenshots in {out}: alerts-1 to alerts-6")


if __name__ == "__main__":
    main()
