"""With the Content-Security-Policy in force, in a real browser: nothing is blocked.

Chromium reports every violation in the console ("Refused to load ... because it
violates the following Content Security Policy directive") and fires a
`securitypolicyviolation` event; both are collected, along with script errors, so a
page that silently lost its styles, its script or the admin's live preview fails here.
"""

import pytest
from django.urls import reverse

from tests.test_pages import mistyped_url, public_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-test-password"

# Runs before any page script; as an init script it is not itself subject to the page's CSP.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


class Problems:
    """Console errors and warnings, uncaught script errors and CSP violations on a page."""

    def __init__(self, page, expected_404s=()):
        self.page = page
        self.expected_404s = set(expected_404s)
        self.console = []
        page.on("console", self.on_console)
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))
        page.on("response", self.on_response)

    def on_console(self, message):
        # A failed load is reported, with its address, by on_response.
        if message.type in ("error", "warning") and "Failed to load resource" not in message.text:
            self.console.append(f"{message.type}: {message.text}")

    def on_response(self, response):
        path = response.url.split("//", 1)[-1].split("/", 1)[-1]
        if response.status >= 400 and f"/{path}" not in self.expected_404s:
            self.console.append(f"{response.status}: {response.url}")

    def all(self):
        violations = self.page.evaluate("window.__cspViolations || []")
        return self.console + [f"violation: {v}" for v in violations]

    def csp(self):
        return [p for p in self.all() if "Content Security Policy" in p or "violation" in p]


@pytest.fixture
def browser_context(browser):
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    yield context
    context.close()


def test_public_pages_load_their_styles_and_script_with_no_policy_violation(
    live_server, real_content, browser_context
):
    page = browser_context.new_page()
    problems = Problems(page, expected_404s=[mistyped_url()])

    for url in [*public_urls(), mistyped_url()]:
        response = page.goto(live_server.url + url)
        assert "default-src 'none'" in response.headers["content-security-policy"]
        # The stylesheet applied: GOV.UK Frontend sets the heading's font.
        font = page.locator("h1").evaluate("h1 => getComputedStyle(h1).fontFamily")
        assert "arial" in font.lower()
        # The module script ran: it marks the body for GOV.UK Frontend's components.
        page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")

    assert problems.csp() == []
    assert problems.all() == [], "\n".join(problems.all())


def test_the_admin_signs_in_and_saves_a_change_with_a_live_preview_under_the_policy(
    live_server, real_content, browser_context, django_user_model
):
    from news.models import PressRelease

    django_user_model.objects.create_user(
        username="comms", password=PASSWORD, is_staff=True, is_superuser=True
    )
    item = PressRelease.objects.get()
    page = browser_context.new_page()
    problems = Problems(page)

    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "comms")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.get_by_role("heading", name="Content").wait_for()

    page.goto(live_server.url + reverse("admin:news_pressrelease_change", args=[item.pk]))
    # The admin's own stylesheet applied (its header is the brand colour, not unstyled).
    header = page.locator("#header")
    assert header.evaluate("el => getComputedStyle(el).display") == "flex"

    # django-markdownx's live preview posts to our endpoint and renders as the editor types.
    body = page.locator("#id_body")
    body.fill("## Update for families\n\nThe **new** timetable is out.")
    preview = page.locator(".markdownx-preview").first
    preview.locator("h2", has_text="Update for families").wait_for(timeout=10_000)
    assert "<strong>new</strong>" in preview.inner_html()

    page.locator("input[name=_save]").first.click()
    page.locator(".messagelist .success").wait_for()
    item.refresh_from_db()
    assert "The **new** timetable is out." in item.body

    # The admin's other screens, with their own scripts (filters, actions, calendars).
    for name, args in [
        ("admin:news_pressrelease_changelist", []),
        ("admin:news_pressrelease_add", []),
        ("admin:news_cabinetdecision_add", []),
        ("admin:news_pressrelease_history", [item.pk]),
        ("admin:news_pressrelease_preview_links", [item.pk]),
        ("admin:auth_user_changelist", []),
    ]:
        page.goto(live_server.url + reverse(name, args=args))
        page.locator("#content").wait_for()

    assert problems.csp() == []
    assert problems.all() == [], "\n".join(problems.all())


def test_a_locked_admin_sign_in_is_explained_on_a_styled_page(
    live_server, browser_context, django_user_model
):
    django_user_model.objects.create_user(username="comms", password=PASSWORD, is_staff=True)
    page = browser_context.new_page()
    problems = Problems(page)

    for _ in range(5):
        page.goto(live_server.url + reverse("admin:login"))
        page.fill("#id_username", "comms")
        page.fill("#id_password", "wrong-password")
        page.click("input[type=submit]")

    assert page.get_by_role("alert").inner_text() == "Too many failed sign-in attempts."
    assert page.get_by_text("locked for 30 minutes from this address").is_visible()
    assert problems.csp() == []
