"""The content checks in a real browser: each text's findings appear beside its live
preview as the editor types, and change as the text is fixed."""

import pytest

from tests.test_browser import open_new_press_release_as_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_findings_of_a_text_appear_beside_it_as_the_editor_types(
    live_server, browser, django_user_model
):
    page = open_new_press_release_as_staff(live_server, browser, django_user_model)

    page.fill("#id_body", "For the dates, [click here](/breaks/).")
    # With the body's editor and preview, in django-markdownx's wrapper.
    beside = page.locator(".markdownx:has(#id_body) > .app-live-checks")
    beside.get_by_text("does not make sense on its own").wait_for(timeout=10_000)

    page.fill("#id_body", "Read about [the dates of short breaks](/breaks/).")
    beside.get_by_text("No problems found.").wait_for(timeout=10_000)
    assert "does not make sense" not in beside.inner_text()
    page.close()
