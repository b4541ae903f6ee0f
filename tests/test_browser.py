"""In a real browser (Debian's chromium, driven by Playwright): what only a browser proves."""

import re

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_family_browses_from_home_to_a_priority_without_javascript(
    live_server, real_content, browser
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("home"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Priorities").click()
    # The card's title link (its Easy Read link's name ends with the same words).
    page.get_by_role("link", name=re.compile(r"^Priority 6:\s+Preparing for adulthood$")).click()

    assert page.locator("h1").inner_text() == "Preparing for adulthood"
    approval = "Cabinet approved the strategy, and this priority with it, on 17 September 2024"
    assert page.get_by_role("link", name=approval).is_visible()
    context.close()


@pytest.mark.parametrize("path_name", ["home", "priorities:index", "news:index", "decisions:index"])
def test_pages_reflow_on_a_narrow_phone_without_sideways_scrolling(
    live_server, real_content, browser, path_name
):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + reverse(path_name))

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    context.close()


def test_skip_link_is_the_first_thing_a_keyboard_reaches(live_server, real_content, browser):
    page = browser.new_page()
    page.goto(live_server.url + reverse("home"))
    page.keyboard.press("Tab")

    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    page.close()


def open_new_press_release_as_staff(live_server, browser, django_user_model):
    """A comms officer signs in through the real login form and starts a press release."""
    django_user_model.objects.create_user(
        username="comms", password="a-long-test-password", is_staff=True, is_superuser=True
    )
    page = browser.new_page()
    page.goto(live_server.url + reverse("admin:login"))
    page.fill("#id_username", "comms")
    page.fill("#id_password", "a-long-test-password")
    page.click("input[type=submit]")
    page.goto(live_server.url + reverse("admin:news_pressrelease_add"))
    return page


def test_editor_sees_a_sanitised_live_preview_while_typing_markdown(
    live_server, browser, django_user_model
):
    page = open_new_press_release_as_staff(live_server, browser, django_user_model)

    page.fill("#id_body", "## Hello families\n\nSome **bold** news <script>alert(1)</script>")
    preview = page.locator(".markdownx-preview").first
    preview.locator("h2", has_text="Hello families").wait_for(timeout=10_000)

    assert "<strong>bold</strong>" in preview.inner_html()
    assert "<script" not in preview.inner_html()
    page.close()


def test_editor_is_told_why_a_dropped_image_was_refused(live_server, browser, django_user_model):
    page = open_new_press_release_as_staff(live_server, browser, django_user_model)

    # Drop a web page renamed .png onto the body field, as an editor might by mistake.
    page.evaluate(
        """() => {
            const editor = document.querySelector('#id_body');
            const transfer = new DataTransfer();
            transfer.items.add(new File(['<html><script>x</script></html>'], 'photo.png',
                                        {type: 'image/png'}));
            editor.dispatchEvent(new DragEvent('drop', {dataTransfer: transfer, bubbles: true,
                                                         cancelable: true}));
        }"""
    )
    error = page.locator(".app-upload-error")
    error.wait_for(timeout=10_000)

    assert "not a JPEG, PNG or WebP image" in error.inner_text()
    assert "Invalid response" not in page.input_value("#id_body")
    page.close()
