"""Hostile input from the open internet, and from a hijacked editor account.

Whatever anyone sends, a public page answers 2xx, 3xx or 4xx, never a server error;
and whatever an editor types, the page a visitor gets has no script, event handler,
frame, style element, SVG, MathML, plugin, form, <base>, refresh or dangerous link
that the site's own templates did not put there. The payloads are in tests/payloads.py.
"""

import re
from collections import Counter
from datetime import date, timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from images.models import Image
from news.models import CabinetDecision, DecisionPoint, PressRelease, Quote
from news.views import PAGE_SIZE
from priorities.models import Priority, Strategy
from publishing.markdown import render_markdown
from publishing.models import ChangeNote, PreviewLink
from tests import payloads
from tests.factories import (
    CabinetDecisionFactory,
    DecisionPointFactory,
    PressReleaseFactory,
    PriorityFactory,
    QuoteFactory,
    StrategyFactory,
)
from tests.html_page import Page

# The site ---------------------------------------------------------------------------


@pytest.fixture
def site(db):
    """One of everything, published and linked, and enough news and decisions that the
    lists have a second page (so pagination links, which copy the query string, render)."""
    strategy = StrategyFactory(status=Strategy.Status.CURRENT, approved_on=date(2024, 9, 17))
    priority = PriorityFactory(strategy=strategy, number=1)
    PriorityFactory(strategy=strategy, number=2)
    press_release = PressReleaseFactory(
        slug="the-news", published_at=timezone.now() - timedelta(hours=1), priorities=[priority]
    )
    # A photo, so its description, caption and credit are on the page. The row points
    # at a file name; no file is needed to render the page (and bulk_create, unlike
    # save(), does not read it to clean it).
    [photo] = Image.objects.bulk_create(
        [Image(file="news/2024/photo.png", width=8, height=8, alt="A photo")]
    )
    PressRelease.objects.filter(pk=press_release.pk).update(image=photo)
    press_release.image = photo
    QuoteFactory(press_release=press_release)
    decision = CabinetDecisionFactory(
        slug="the-decision",
        meeting_date=date(2025, 1, 1),
        purpose="To decide.",
        lead_member="Cllr A Member",
        priorities=[priority],
    )
    DecisionPointFactory(decision=decision)
    for item in (press_release, decision):
        ChangeNote.objects.create(item=item, note="Updated the wording.")
    PressReleaseFactory.create_batch(PAGE_SIZE)
    CabinetDecisionFactory.create_batch(PAGE_SIZE)
    preview_link = PreviewLink.objects.create(item=press_release)
    own = {  # the value of each part of an address that names something, by section
        "slug": {
            "priorities": priority.slug,
            "news": press_release.slug,
            "decisions": decision.slug,
        },
        "token": {"": preview_link.token},
        "path": {"": "news/2024/photo.png"},
        "kind": {"": "news"},
    }
    urls = {}
    for name, slots in PUBLIC_PATTERNS.items():
        section = name.split(":")[0] if ":" in name else ""
        kwargs = {slot: own.get(slot, {}).get(section, "the-news") for slot in slots}
        urls[name] = reverse(name, kwargs=kwargs)
    return SimpleNamespace(
        strategy=strategy,
        priority=priority,
        press_release=press_release,
        decision=decision,
        urls=urls,
    )


def url_patterns(patterns=None, namespace=""):
    """(name, converters) of every named URL pattern, with its namespace."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from url_patterns(entry.url_patterns, inner)
        elif entry.name:
            yield namespace + entry.name, list(entry.pattern.converters)


# Every URL pattern anyone can reach, found in the URLconf so a new one is covered too:
# everything but the admin and the staff-only editor endpoints.
STAFF_ONLY = ("admin:", "markdownx_", "content-checks")
PUBLIC_PATTERNS = {name: slots for name, slots in url_patterns() if not name.startswith(STAFF_ONLY)}
# Patterns with a part of the address that comes from the visitor.
PATTERNS_WITH_A_SLOT = [name for name, slots in PUBLIC_PATTERNS.items() if slots]
# The HTML pages (feeds, sitemaps and the health check are tested for no 5xx only).
PUBLIC_PAGES = [
    "home",
    "priorities:index",
    "priorities:detail",
    "news:index",
    "news:detail",
    "decisions:index",
    "decisions:detail",
    "preview",
]
LIST_PAGES = ["news:index", "decisions:index"]
# Endpoints that only take a form's POST (a GET is told so with 405).
POST_ONLY = ["feedback:submit", "alerts:subscribe-post", "alerts:manage-link-post"]


def test_the_public_url_patterns_include_every_page():
    assert set(PUBLIC_PAGES) <= set(PUBLIC_PATTERNS)


def address_with(pattern, segment):
    """The pattern's address with `segment` (already percent-encoded) in its slots."""
    placeholder = "SLOT"
    kwargs = dict.fromkeys(PUBLIC_PATTERNS[pattern], placeholder)
    return reverse(pattern, kwargs=kwargs).replace(placeholder, segment)


@pytest.fixture
def visitor():
    """A client that answers a crash with the 500 page, as the site would, instead of
    raising it in the test."""
    return Client(raise_request_exception=False)


def server_errors(responses):
    """The (request, status, exception) of every response that is a server error."""
    return [
        (request, response.status_code, getattr(response, "exc_info", None))
        for request, response in responses
        if response.status_code >= 500
    ]


# Addresses, query strings, hosts and methods ------------------------------------------


@pytest.mark.parametrize("pattern", PATTERNS_WITH_A_SLOT)
def test_unknown_and_malformed_addresses_are_not_found(site, visitor, pattern):
    responses = [
        (segment, visitor.get(address_with(pattern, segment))) for segment in payloads.PATH_SEGMENTS
    ]

    assert server_errors(responses) == []
    assert {segment: r.status_code for segment, r in responses if r.status_code != 404} == {}


@pytest.mark.parametrize("pattern", PUBLIC_PATTERNS)
def test_hostile_query_strings_never_give_a_server_error(site, visitor, pattern):
    url = site.urls[pattern]
    queries = payloads.QUERY_STRINGS + payloads.RAW_UNICODE_QUERY_STRINGS

    responses = [(query, visitor.get(f"{url}?{query}")) for query in queries]

    assert server_errors(responses) == []
    unexpected = {query: r.status_code for query, r in responses if r.status_code >= 300}
    # An endpoint that only takes a form's POST says so to a GET (405, Allow: POST).
    expected = (400, 404, 405) if pattern in POST_ONLY else (400, 404)
    assert {query: status for query, status in unexpected.items() if status not in expected} == {}
    if pattern in POST_ONLY:
        assert {r.headers["Allow"] for _, r in responses} == {"POST"}


@pytest.mark.parametrize("pattern", POST_ONLY)
def test_hostile_query_strings_on_a_form_post_never_give_a_server_error(site, visitor, pattern):
    """The form's own POST, from this site, with a hostile query string added: refused
    or answered (a 4xx, or the thank-you redirect), never a crash."""
    url = site.urls[pattern]
    queries = payloads.QUERY_STRINGS + payloads.RAW_UNICODE_QUERY_STRINGS
    answer = {"page_path": "/", "page_title": "Home", "useful": "yes"}

    responses = [
        (query, visitor.post(f"{url}?{query}", answer, HTTP_ORIGIN="http://testserver"))
        for query in queries
    ]

    assert server_errors(responses) == []
    assert {q: r.status_code for q, r in responses if r.status_code not in (303, 400, 429)} == {}


PAGE_NUMBERS = {
    "abc": 404,
    "-1": 404,
    "0": 404,
    "3": 404,
    "99999999999999999999": 404,
    "%00": 404,
    "1.5": 404,
    "1": 200,
    "2": 200,
    "last": 200,
}


@pytest.mark.parametrize("pattern", LIST_PAGES)
def test_a_page_number_that_is_not_a_page_is_not_found(site, visitor, pattern):
    statuses = {
        page: visitor.get(f"{site.urls[pattern]}?page={page}").status_code for page in PAGE_NUMBERS
    }

    assert statuses == PAGE_NUMBERS


def test_a_query_string_with_more_fields_than_django_accepts_is_a_bad_request(site, visitor):
    query = "&".join(f"f{n}=1" for n in range(1_500))

    assert visitor.get(f"{site.urls['news:index']}?{query}").status_code == 400


def test_hostile_query_strings_stay_out_of_the_pagination_links(site, visitor):
    response = visitor.get(
        f"{site.urls['news:index']}?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E&page=1"
    )

    assert response.status_code == 200
    page = Page.of(response)
    next_link = page.find_all("a", rel="next")[0].attrs["href"]
    assert next_link == "?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&page=2"


@pytest.mark.parametrize("pattern", PUBLIC_PATTERNS)
def test_a_request_for_another_host_is_a_bad_request(site, visitor, pattern):
    responses = [
        (host, visitor.get(site.urls[pattern], headers={"host": host}))
        for host in payloads.BAD_HOSTS
    ]

    assert server_errors(responses) == []
    assert {host: r.status_code for host, r in responses if r.status_code != 400} == {}


@pytest.mark.parametrize("pattern", PUBLIC_PAGES)
def test_public_pages_answer_get_and_head(site, visitor, pattern):
    assert visitor.get(site.urls[pattern]).status_code == 200
    head = visitor.head(site.urls[pattern])
    assert head.status_code == 200
    assert head.content == b""


@pytest.mark.parametrize("pattern", PUBLIC_PAGES)
def test_public_pages_refuse_other_methods(site, visitor, pattern):
    responses = {
        method: visitor.generic(method, site.urls[pattern], data="x=1")
        for method in payloads.UNSAFE_METHODS + payloads.OTHER_METHODS
    }

    assert {method: r.status_code for method, r in responses.items()} == dict.fromkeys(
        responses, 405
    )
    for response in responses.values():
        assert set(response.headers["Allow"].replace(" ", "").split(",")) <= {
            "GET",
            "HEAD",
            "OPTIONS",
        }


@pytest.mark.parametrize("pattern", PUBLIC_PAGES)
def test_a_cross_site_form_post_to_a_public_page_is_refused(site, pattern):
    """A browser's cross-site POST carries no CSRF token: it is refused before it
    reaches the view (403), which would refuse it too (405)."""
    browser = Client(enforce_csrf_checks=True, raise_request_exception=False)

    statuses = {
        method: browser.generic(method, site.urls[pattern], data="x=1").status_code
        for method in payloads.UNSAFE_METHODS
    }

    assert set(statuses.values()) <= {403, 405}, statuses


# Generated addresses and query strings ------------------------------------------------

# Text of any kind, lone surrogates included, percent-encoded as UTF-8 the way a
# browser would (surrogates as the bytes a careless encoder produces); and raw bytes
# that are not UTF-8 at all.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=60)
path_segment = st.one_of(
    any_text.map(lambda text: quote(text.encode("utf-8", "surrogatepass"), safe="")),
    st.binary(max_size=40).map(lambda raw: quote(raw, safe="")),
    st.text(alphabet="abc-_%/.;:@!$&'()*+,=~0123456789", max_size=40),
    st.sampled_from(payloads.PATH_SEGMENTS),
)
query_string = st.one_of(
    st.lists(
        st.tuples(st.sampled_from(["page", "q", "", "page[]", "status"]), any_text), max_size=5
    ).map(
        lambda pairs: "&".join(
            f"{quote(key)}={quote(value.encode('utf-8', 'surrogatepass'), safe='')}"
            for key, value in pairs
        )
    ),
    st.text(alphabet="page=&%01239aZ;+?#[]", max_size=60),
    st.sampled_from(payloads.QUERY_STRINGS + payloads.RAW_UNICODE_QUERY_STRINGS),
)


@st.composite
def public_addresses(draw):
    """A public URL pattern and, for one with a slug or token, a generated slug or token
    (or None for the item's own); and a generated query string."""
    pattern = draw(st.sampled_from(list(PUBLIC_PATTERNS)))
    segment = draw(st.none() | path_segment) if pattern in PATTERNS_WITH_A_SLOT else None
    return pattern, segment, draw(query_string)


@hypothesis_settings(
    max_examples=150,
    deadline=None,
    # One site for every example: nothing here writes to the database.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(address=public_addresses())
def test_generated_addresses_and_query_strings_never_give_a_server_error(site, visitor, address):
    pattern, segment, query = address
    path = site.urls[pattern] if segment is None else address_with(pattern, segment)

    response = visitor.get(f"{path}?{query}" if query else path)

    assert response.status_code < 500, getattr(response, "exc_info", None)


# Hostile Markdown and HTML in every text field ----------------------------------------

# Elements that run script, load other documents or restyle the page. The site's own
# templates have some (its one script, its icons); a page may have exactly those.
ACTIVE_TAGS = {
    "applet", "base", "button", "embed", "form", "frame", "frameset", "iframe", "input",
    "link", "math", "meta", "noscript", "object", "portal", "script", "select", "style",
    "svg", "template", "textarea",
}  # fmt: skip
URL_ATTRIBUTES = {
    "action", "background", "cite", "codebase", "data", "formaction", "href", "longdesc",
    "manifest", "ping", "poster", "src", "xlink:href",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
# Attribute values that identify an element (rather than carry an editor's words).
IDENTIFYING_ATTRIBUTES = {"action", "data", "href", "http-equiv", "rel", "src", "type"}
C0_AND_SPACE = "".join(chr(n) for n in range(0x21))


def url_scheme(url):
    """The scheme a browser would see: it drops leading and trailing control characters
    and spaces, and tabs and newlines anywhere (so `java\\tscript:` is `javascript:`).
    None for a relative address."""
    url = re.sub(r"[\t\n\r]", "", url.strip(C0_AND_SPACE))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", url)
    return match.group(1).lower() if match else None


class StartTags(HTMLParser):
    """Every element's tag and attributes, as a browser would read them (character
    references in attribute values decoded). Lighter than tests.html_page.Page, which
    also keeps each element's text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))


def safe_url(url):
    return url_scheme(url) in SAFE_SCHEMES | {None}


def active_elements(html):
    return [
        (tag, tuple(sorted((n, v if n in IDENTIFYING_ATTRIBUTES else "") for n, v in attrs)))
        for tag, attrs in StartTags(html).elements
        if tag in ACTIVE_TAGS or any(name == "style" for name, _ in attrs)
    ]


def dangers(html, allowed_active=()):
    """Everything in `html` that could run script or take a visitor elsewhere, beyond
    the `allowed_active` elements (those of the same page with harmless text)."""
    found = []
    for tag, attrs in StartTags(html).elements:
        for name, value in attrs:
            if name.startswith("on"):
                found.append(f"<{tag} {name}=...>: an event handler")
            elif name == "srcdoc":
                found.append(f"<{tag} srcdoc>: a document in an attribute")
            elif name in URL_ATTRIBUTES and value and not safe_url(value):
                found.append(f"<{tag} {name}={value!r}>: a {url_scheme(value)}: link")
            elif name in ("srcset", "imagesrcset") and value:
                for url in (candidate.strip().split(" ")[0] for candidate in value.split(",")):
                    if not safe_url(url):
                        found.append(f"<{tag} {name}>: a {url_scheme(url)}: link")
    extra = Counter(active_elements(html)) - Counter(allowed_active)
    found += [
        f"<{tag} {dict(attrs)}>: not in the page's template" for tag, attrs in extra.elements()
    ]
    return found


def test_the_danger_check_sees_real_elements_and_not_escaped_text():
    assert dangers("<p>&lt;script&gt;alert(1)&lt;/script&gt; &lt;svg onload=x&gt;</p>") == []
    assert dangers('<a href="https://example.org/">x</a><a href="/news/">y</a>') == []
    assert dangers("<script>alert(1)</script>") != []
    assert dangers("<img src=x onerror=alert(1)>") != []
    assert dangers('<a href="jav&#x09;ascript:alert(1)">x</a>') != []
    assert dangers('<a href=" JavaScript:alert(1)">x</a>') != []
    assert dangers('<meta http-equiv="refresh" content="0">') != []
    assert dangers('<p style="color:red">x</p>') != []
    assert dangers("<svg></svg>", allowed_active=active_elements("<svg></svg>")) == []


def item_of(site, model):
    return {
        Strategy: site.strategy,
        Priority: site.priority,
        PressRelease: site.press_release,
        Image: site.press_release.image,
        Quote: site.press_release.quotes.first(),
        CabinetDecision: site.decision,
        DecisionPoint: site.decision.points.first(),
        ChangeNote: site.press_release.change_notes.first(),
    }[model]


# Every field an editor types into, and pages that show it. (The priorities list and a
# preview link use the same includes and templates as the home page and the news page.)
TEXT_FIELDS = [
    (Strategy, "title", ["home"]),
    (Strategy, "short_name", ["home"]),
    (Strategy, "approved_by", ["home"]),
    (Strategy, "summary", ["home"]),
    (Strategy, "vision", ["home"]),
    (Priority, "short_title", ["home", "priorities:detail", "news:detail"]),
    (Priority, "pledge", ["home", "priorities:detail"]),
    (Priority, "body", ["priorities:detail"]),
    (PressRelease, "title", ["home", "news:index", "news:detail", "priorities:detail"]),
    (PressRelease, "standfirst", ["news:index", "news:detail"]),
    (PressRelease, "body", ["news:detail"]),
    (Image, "alt", ["news:detail"]),
    (Image, "caption", ["news:detail"]),
    (Image, "credit", ["news:detail"]),
    (Quote, "speaker", ["news:detail"]),
    (Quote, "role", ["news:detail"]),
    (Quote, "text", ["news:detail"]),
    (CabinetDecision, "title", ["home", "decisions:index", "decisions:detail"]),
    (CabinetDecision, "meeting_body", ["decisions:index", "decisions:detail"]),
    (CabinetDecision, "item_number", ["decisions:detail"]),
    (CabinetDecision, "purpose", ["decisions:detail"]),
    (CabinetDecision, "summary_for_families", ["decisions:detail"]),
    (CabinetDecision, "reasons", ["decisions:detail"]),
    (CabinetDecision, "discussion", ["decisions:detail"]),
    (CabinetDecision, "lead_member", ["decisions:detail"]),
    (DecisionPoint, "text", ["decisions:detail"]),
    (ChangeNote, "note", ["news:detail"]),
]

# Forms refuse NUL characters (Django's ProhibitNullCharactersValidator) and
# PostgreSQL cannot store them, so no field can hold one.
FIELD_PAYLOADS = [payload for payload in payloads.MARKUP_PAYLOADS if "\x00" not in payload]


def fill_every_field(site, value):
    for model, field, _ in TEXT_FIELDS:
        max_length = model._meta.get_field(field).max_length
        model.objects.filter(pk=item_of(site, model).pk).update(
            **{field: value[:max_length] if max_length else value}
        )


def test_every_text_field_shows_on_the_pages_the_hostile_markup_test_reads(site, client):
    missing = []
    for number, (model, field, pages) in enumerate(TEXT_FIELDS):
        marker = f"Harmless words {number:02}"  # short enough for every field
        model.objects.filter(pk=item_of(site, model).pk).update(**{field: marker})
        for page in pages:
            if marker not in client.get(site.urls[page]).content.decode():
                missing.append((f"{model.__name__}.{field}", page))

    assert missing == []


def test_hostile_markup_in_every_text_field_never_reaches_a_page(site, client):
    pages = sorted({page for _, _, pages in TEXT_FIELDS for page in pages})
    fill_every_field(site, "Harmless words")
    harmless = {page: client.get(site.urls[page]).content.decode() for page in pages}
    allowed = {page: active_elements(html) for page, html in harmless.items()}

    found = {}
    for payload in FIELD_PAYLOADS:
        fill_every_field(site, payload)
        for page in pages:
            response = client.get(site.urls[page])
            assert response.status_code == 200, (payload, page)
            problems = dangers(response.content.decode(), allowed[page])
            if problems:
                found[(payload, page)] = problems

    assert found == {}


def test_hostile_markup_never_reaches_the_admin_preview(staff_client):
    """The live preview renders as the page loads, in a signed-in editor's browser."""
    found = {}
    for payload in payloads.MARKUP_PAYLOADS:
        response = staff_client.post(reverse("markdownx_markdownify"), {"content": payload})
        assert response.status_code == 200, payload
        html = response.content.decode()
        assert html == render_markdown(payload), payload
        if problems := dangers(html):
            found[payload] = problems

    assert found == {}
