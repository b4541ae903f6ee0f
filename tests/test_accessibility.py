"""Every public page type, in a real browser: WCAG 2.2 A and AA as far as a machine can tell.

axe-core (vendored in tests/vendor/, see its README) checks each page at a phone and a
desktop width; the keyboard walks each page from the top; each page reflows at 320 px
and with text at 200%. A full-page screenshot of each page at both widths is saved in
screenshots/ (gitignored) for a person to look at.
"""

from pathlib import Path

import pytest
from django.urls import reverse

from news.models import CabinetDecision, PressRelease
from priorities.models import Priority

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
WCAG_A_AND_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
WIDTHS = [375, 1280]
PAGE_TYPES = [
    "home",
    "priorities",
    "priority",
    "easy-read",
    "news",
    "press-release",
    "decisions",
    "decision",
    "search",
    "accessibility-statement",
    "alternative-formats",
    "get-help",
    "progress",
    "progress-chart",
    "deliverable",
    "you-said-we-did",
    "open-data",
    "glossary",
    "feedback-thanks",
    "not-found",
    "gone",
]


def url_of(page_type):
    """The address of one real page of each type (for "gone", one whose item was deleted)."""
    if page_type == "gone":
        item = PressRelease.objects.first()
        url = item.get_absolute_url()
        item.delete()
        return url
    return {
        "home": lambda: reverse("home"),
        "priorities": lambda: reverse("priorities:index"),
        "priority": lambda: Priority.objects.order_by("number").first().get_absolute_url(),
        "easy-read": lambda: reverse(
            "easyread:priority", kwargs={"slug": Priority.objects.order_by("number")[0].slug}
        ),
        "news": lambda: reverse("news:index"),
        "press-release": lambda: PressRelease.objects.first().get_absolute_url(),
        "decisions": lambda: reverse("decisions:index"),
        "decision": lambda: CabinetDecision.objects.first().get_absolute_url(),
        "search": lambda: reverse("search") + "?q=strategy",
        "accessibility-statement": lambda: reverse("accessibility:statement"),
        "alternative-formats": lambda: reverse("accessibility:formats"),
        "get-help": lambda: reverse("helpcontacts:index"),
        "progress": lambda: reverse("progress:index"),  # the real content: no deliverables
        "progress-chart": lambda: progress_data() and reverse("progress:index"),
        "deliverable": lambda: progress_data().get_absolute_url(),
        "you-said-we-did": lambda: you_said_we_did_data(),
        "open-data": lambda: reverse("progress:data"),
        "glossary": lambda: reverse("glossary:index"),
        "feedback-thanks": lambda: reverse("feedback:thanks") + "?page=/news/",
        "not-found": lambda: reverse("news:detail", kwargs={"slug": "no-such-news"}),
    }[page_type]()


def progress_data():
    """Deliverables in every status for each real priority, one with a full timeline."""
    from progress.models import DeliveryStatus
    from tests.factories import (
        DeliverableFactory,
        EvidenceLinkFactory,
        MilestoneFactory,
        ProgressUpdateFactory,
    )

    deliverable = None
    for n, priority in enumerate(Priority.objects.order_by("number")):
        for status in DeliveryStatus.values[: n + 1]:
            deliverable = DeliverableFactory(priority=priority, starting_status=status)
    update = ProgressUpdateFactory(deliverable=deliverable, new_status=DeliveryStatus.AT_RISK)
    EvidenceLinkFactory(update=update)
    MilestoneFactory(deliverable=deliverable)
    return deliverable


def you_said_we_did_data():
    from tests.factories import YouSaidWeDidFactory

    YouSaidWeDidFactory(priorities=[Priority.objects.order_by("number").first()])
    return reverse("progress:you-said-we-did")


EXPECTED_STATUS = {"not-found": 404, "gone": 410}


@pytest.fixture
def open_page(live_server, real_content, browser):
    """Opens a page type at a width; the site's CSP is bypassed so axe can be injected."""
    contexts, urls = [], {}

    def open_page(page_type, width, height=900):
        if page_type not in urls:  # once: "gone" deletes its item
            urls[page_type] = url_of(page_type)
        url = urls[page_type]
        context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        response = page.goto(live_server.url + url)
        assert response.status == EXPECTED_STATUS.get(page_type, 200), url
        return page

    yield open_page
    for context in contexts:
        context.close()


def axe_violations(page):
    page.add_script_tag(path=str(AXE))
    results = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_A_AND_AA}, "resultTypes": ["violations"]},
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']}\n"
        + "".join(f"    at {' '.join(node['target'])}\n" for node in violation["nodes"])
        for violation in results["violations"]
    ]


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_has_no_wcag_violations_axe_can_find_on_a_phone_or_a_desktop(open_page, page_type):
    SCREENSHOTS.mkdir(exist_ok=True)
    found = {}
    for width in WIDTHS:
        page = open_page(page_type, width)
        page.screenshot(path=SCREENSHOTS / f"{page_type}-{width}.png", full_page=True)
        found[width] = axe_violations(page)

    assert found == {width: [] for width in WIDTHS}, "\n".join(
        f"At {width} px:\n" + "".join(violations) for width, violations in found.items()
    )


# Every element the keyboard should reach, in document order, numbered; and how each
# looks unfocused, to compare with how it looks when the keyboard is on it.
NUMBER_FOCUSABLES = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const look = element => {
    const style = getComputedStyle(element);
    return [style.outlineStyle, style.outlineColor, style.outlineWidth, style.boxShadow,
            style.backgroundColor, style.color, style.textDecorationLine].join('|');
  };
  const shown = element => !element.disabled && element.getClientRects().length > 0
    && getComputedStyle(element).visibility !== 'hidden';
  return [...document.querySelectorAll(selector)].filter(shown).map((element, index) => {
    element.dataset.a11yIndex = index;
    return {index, look: look(element),
            name: `${element.tagName.toLowerCase()} "${element.textContent.trim().slice(0, 40)}"`};
  });
}"""

FOCUSED = """() => {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const style = getComputedStyle(element);
  return {
    index: element.dataset.a11yIndex === undefined ? null : Number(element.dataset.a11yIndex),
    name: `${element.tagName.toLowerCase()} "${element.textContent.trim().slice(0, 40)}"`,
    look: [style.outlineStyle, style.outlineColor, style.outlineWidth, style.boxShadow,
           style.backgroundColor, style.color, style.textDecorationLine].join('|'),
  };
}"""

GOVUK_FOCUS_YELLOW = "rgb(255, 221, 0)"  # #ffdd00


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_keyboard_reaches_every_link_and_control_in_order_with_focus_always_visible(
    open_page, page_type
):
    page = open_page(page_type, 1280)
    focusables = page.evaluate(NUMBER_FOCUSABLES)

    reached = []
    for _ in range(len(focusables) + 10):  # bounded: a trap would loop forever
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or (reached and focused["index"] == reached[0]["index"]):
            break  # past the last element, out to the browser (or round to the top)
        reached.append(focused)

    assert reached[0]["name"] == 'a "Skip to main content"'
    unreached = [f["name"] for f in focusables if f["index"] not in {r["index"] for r in reached}]
    assert unreached == [], "the keyboard never reaches these"
    order = [r["index"] for r in reached]
    assert order == sorted(order), "focus jumps around instead of following the page"
    unfocused_look = {f["index"]: f["look"] for f in focusables}
    invisible = [
        r["name"]
        for r in reached
        if GOVUK_FOCUS_YELLOW not in r["look"] and r["look"] == unfocused_look.get(r["index"])
    ]
    assert invisible == [], "focus on these cannot be seen"


@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_page_reflows_at_320_px_and_with_text_at_200_percent(open_page, page_type):
    overflow = "document.documentElement.scrollWidth - window.innerWidth"
    page = open_page(page_type, 320, height=640)
    assert page.evaluate(overflow) <= 0, "sideways scrolling at 320 px"

    # Text-only zoom (WCAG 1.4.4). Chromium's own page zoom is the same as a narrower
    # viewport (1280 px at 200% is 640 CSS px), which the 320 px check above already
    # covers. What a browser's "font size" setting changes is the root font size, and
    # GOV.UK Frontend sizes its text in rem, so doubling the root's font size is text
    # zoom. (CDP's Emulation.setPageScaleFactor is a pinch-zoom, not text zoom.)
    page = open_page(page_type, 1280)
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 32
    assert page.evaluate(overflow) <= 0, "sideways scrolling with text at 200%"
