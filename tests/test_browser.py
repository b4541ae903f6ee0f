"""In a real browser (Debian's chromium, driven by Playwright): what only a browser proves."""

import re

import pytest
from django.urls import reverse

from news.models import CabinetDecision
from priorities.models import Priority
from tests.test_accessibility import progress_data

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


# On a phone -----------------------------------------------------------------------------

PHONE_WIDTHS = [320, 375]
PHONE_HEIGHT = 640
PHONE_PAGES = ["progress", "priority", "decision", "deliverable", "news", "search"]


@pytest.fixture
def open_on_phone(live_server, real_content, browser):
    """Opens one of PHONE_PAGES (with deliverables in every status) at a phone's width."""
    deliverable = progress_data()
    urls = {
        "progress": reverse("progress:index"),
        # Priority 6 has a deliverable in every status, so the longest status words.
        "priority": Priority.objects.get(number=6).get_absolute_url(),
        "decision": CabinetDecision.objects.get().get_absolute_url(),
        "deliverable": deliverable.get_absolute_url(),
        "news": reverse("news:index"),
        "search": reverse("search") + "?q=strategy",
    }
    contexts = []

    def open_on_phone(name, width, java_script_enabled=True):
        context = browser.new_context(
            viewport={"width": width, "height": PHONE_HEIGHT},
            java_script_enabled=java_script_enabled,
        )
        contexts.append(context)
        page = context.new_page()
        assert page.goto(live_server.url + urls[name]).status == 200
        return page

    yield open_on_phone
    for context in contexts:
        context.close()


# What a visually hidden element holds (a clipped 1 px box) is read, not seen.
SHOWN = """element => {
  for (let e = element; e; e = e.parentElement) {
    const box = e.getBoundingClientRect();
    if (getComputedStyle(e).overflow !== 'visible' && (box.width <= 1 || box.height <= 1)) {
      return false;
    }
  }
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}"""

WIDER_THAN_THE_SCREEN = f"""() => {{
  const shown = {SHOWN};
  const width = document.documentElement.clientWidth;
  return [...document.body.querySelectorAll('*')].filter(shown).filter(element => {{
    const box = element.getBoundingClientRect();
    return box.left < -1 || box.right > width + 1;
  }}).map(e => `${{e.tagName.toLowerCase()}}.${{e.className}} "${{e.textContent.trim()}}"`);
}}"""

# Every value of every table in sight: each caption and cell inside the screen and not
# cut within its own box, and each cell's column heading shown, in the table's head or
# drawn beside the value.
TABLES_OUT_OF_SIGHT = f"""() => {{
  const shown = {SHOWN};
  const width = document.documentElement.clientWidth;
  const problems = [];
  const name = e => `${{e.tagName.toLowerCase()}} "${{e.textContent.trim().slice(0, 30)}}"`;
  const inSight = e => {{
    const box = e.getBoundingClientRect();
    return shown(e) && box.left >= -1 && box.right <= width + 1
      && e.scrollWidth <= e.clientWidth + 1;
  }};
  for (const table of document.querySelectorAll('main table')) {{
    const caption = table.querySelector('caption');
    if (caption && shown(caption) && !inSight(caption)) {{
      problems.push('caption cut: ' + name(caption));
    }}
    const headings = [...table.querySelectorAll('thead th')];
    for (const row of table.querySelectorAll('tbody tr')) {{
      [...row.children].forEach((cell, column) => {{
        if (!inSight(cell)) problems.push('out of sight: ' + name(cell));
        const heading = headings[column];
        if (!heading || cell.tagName === 'TH') return;
        const drawn = getComputedStyle(cell, '::before').content;
        if (!inSight(heading) && !drawn.startsWith(JSON.stringify(heading.textContent.trim()))) {{
          problems.push(`no "${{heading.textContent.trim()}}" heading for ` + name(cell));
        }}
      }});
    }}
  }}
  return problems;
}}"""


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("name", PHONE_PAGES)
def test_on_a_phone_nothing_is_wider_than_the_screen_and_every_table_value_is_in_sight(
    open_on_phone, name, width
):
    page = open_on_phone(name, width)

    assert page.evaluate(WIDER_THAN_THE_SCREEN) == []
    assert page.evaluate(TABLES_OUT_OF_SIGHT) == []
    if name in ("progress", "priority"):
        assert page.locator("main table").count() >= 1
        assert page.get_by_role("cell", name="On track", exact=True).first.is_visible()


# Each "#" section link and the last line of its heading's words.
SECTION_LINKS = """() => [...document.querySelectorAll('main a.app-heading-anchor')].map(link => {
  const heading = link.previousElementSibling;
  const words = document.createRange();
  words.selectNodeContents(heading);
  const lines = [...words.getClientRects()].filter(box => box.width > 0);
  const last = lines[lines.length - 1];
  const box = link.getBoundingClientRect();
  const middle = (box.top + box.bottom) / 2;
  return {heading: heading.textContent.trim(),
          onTheLastLine: middle > last.top && middle < last.bottom && box.left >= last.right - 1};
})"""


@pytest.mark.parametrize("width", PHONE_WIDTHS)
@pytest.mark.parametrize("name", ["progress", "priority", "decision", "deliverable"])
def test_on_a_phone_each_section_link_stays_on_the_line_of_its_heading_s_last_word(
    open_on_phone, name, width
):
    page = open_on_phone(name, width)

    links = page.evaluate(SECTION_LINKS)
    assert len(links) >= 2
    assert [link["heading"] for link in links if not link["onTheLastLine"]] == []


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_on_a_phone_the_search_box_has_its_label_in_sight(open_on_phone, width):
    page = open_on_phone("search", width)

    label = page.locator("header label", has_text="Search this site")
    box = label.bounding_box()
    assert label.is_visible() and box["width"] > 1 and box["x"] + box["width"] <= width
    header_search = page.get_by_role("search", name="Search this site")
    header_search.get_by_role("searchbox", name="Search this site").fill("adulthood")
    header_search.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"q=adulthood"))
    page.get_by_role("heading", name="Search results", level=1).wait_for()


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_on_a_phone_the_news_filters_fold_away_so_the_first_story_is_on_the_first_screen(
    open_on_phone, width
):
    page = open_on_phone("news", width)

    assert not page.get_by_label("Priority", exact=True).is_visible()
    assert page.locator("summary", has_text="Filter press releases").is_visible()
    assert page.locator(".app-summary-item").first.bounding_box()["y"] < PHONE_HEIGHT


@pytest.mark.parametrize("width", PHONE_WIDTHS)
def test_on_a_phone_the_folded_filters_open_and_work_without_javascript(open_on_phone, width):
    page = open_on_phone("news", width, java_script_enabled=False)

    page.locator("summary", has_text="Filter press releases").click()
    page.get_by_label("Year", exact=True).select_option("2024")
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_url(re.compile(r"year=2024"))

    page.locator("summary", has_text="Filter press releases (1 chosen)").wait_for()
    assert not page.get_by_label("Year", exact=True).is_visible()  # folded again


def test_on_a_wide_screen_the_filters_are_open_with_nothing_to_press(
    live_server, real_content, browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + reverse("news:index"))

    assert page.get_by_label("Priority", exact=True).is_visible()
    assert page.get_by_label("Year", exact=True).is_visible()
    assert not page.locator("summary", has_text="Filter press releases").is_visible()
    assert page.get_by_role("heading", name="Filter press releases").is_visible()
    context.close()


def form_names(page):
    """The name of each form and search landmark in the page's accessibility tree."""
    tree = page.locator("body").aria_snapshot()
    return re.findall(r'^\s*- (?:form|search) "([^"]*)"', tree, re.MULTILINE)


@pytest.mark.parametrize("name", ["news", "search"])
def test_every_form_on_a_page_has_a_name_of_its_own_for_a_screen_reader(open_on_phone, name):
    page = open_on_phone(name, 375)
    if name == "news":
        page.locator("summary", has_text="Filter press releases").click()

    names = form_names(page)
    assert len(names) == page.locator("form").count() == 3
    assert len(set(names)) == 3 and all(names)


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
