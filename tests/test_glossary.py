"""Families meet SEND jargon everywhere: the glossary explains it, and every page links
the first use of each term to its explanation."""

import html
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from glossary.marking import Matcher, forget_terms
from glossary.models import GlossaryTerm
from news.models import PressRelease
from tests.factories import GlossaryTermFactory, PressReleaseFactory
from tests.html_page import Page
from tests.payloads import MARKUP_PAYLOADS
from tests.test_admin import admin_url, assert_saved, form_as_sent

GLOSSARY_LINK_CLASS = "govuk-link app-glossary-link"


@pytest.fixture(autouse=True)
def fresh_glossary_cache():
    """Each test's database starts empty; so must the cached terms."""
    forget_terms()
    yield
    forget_terms()


@pytest.fixture
def ehcp(db):
    return GlossaryTermFactory(
        term="Education, Health and Care plan",
        abbreviation="EHCP",
        slug="ehcp",
        short_definition="A legal document that describes a child's needs and the support "
        "to meet them.",
        other_forms="EHC plan\nEHCPs",
    )


@pytest.fixture
def send(db):
    return GlossaryTermFactory(
        term="Special educational needs and disabilities",
        abbreviation="SEND",
        slug="send",
        short_definition="Needing extra or different support with learning.",
    )


def glossary_links(page):
    """(words a reader sees, address, abbreviation title or None) for each glossary link
    in the page's main content."""
    [main] = page.find_all("main")
    links = []
    for element in page.inside(main):
        if element.tag == "a" and element.attrs.get("class") == GLOSSARY_LINK_CLASS:
            abbr = [e for e in page.inside(element) if e.tag == "abbr"]
            links.append(
                (element.text, element.attrs["href"], abbr[0].attrs["title"] if abbr else None)
            )
    return links


def press_release_page(client, body, **fields):
    item = PressReleaseFactory(body=body, **fields)
    response = client.get(item.get_absolute_url())
    assert response.status_code == 200
    return Page.of(response)


def mark(text, terms):
    """Mark `text` (already HTML) with `terms`: [(slug, term, abbreviation, forms)]."""
    return Matcher("test", terms).mark(text)


# The glossary page --------------------------------------------------------------------


def test_glossary_lists_the_shown_terms_a_to_z_each_with_its_own_address(client, ehcp, send):
    GlossaryTermFactory(term="alternative provision", abbreviation="AP", slug="ap")
    GlossaryTermFactory(term="Annual review", slug="annual-review")
    GlossaryTermFactory(term="Withdrawn word", slug="withdrawn", is_shown=False)

    page = Page.of(client.get(reverse("glossary:index")))

    assert page.texts("h1") == ["Understand the words: glossary"]
    assert page.title.startswith("Glossary: understand the words")
    assert page.texts("h2")[:3] == ["A", "E", "S"]
    entries = [(h3.attrs["id"], h3.text) for h3 in page.find_all("h3")]
    assert entries == [
        ("ap", "alternative provision (AP)"),
        ("annual-review", "Annual review"),
        ("ehcp", "Education, Health and Care plan (EHCP)"),
        ("send", "Special educational needs and disabilities (SEND)"),
    ]
    assert "A legal document that describes a child's needs" in page.text
    assert "Withdrawn word" not in page.text
    # /glossary/#ehcp lands on the entry; the A to Z links only letters that have terms.
    assert f"{reverse('glossary:index')}#ehcp" == ehcp.get_absolute_url()
    [index] = page.find_all("nav", **{"aria-label": "Glossary, A to Z"})
    letter_links = [e.attrs["href"] for e in page.inside(index) if e.tag == "a"]
    assert letter_links == ["#letter-a", "#letter-e", "#letter-s"]
    assert {f"letter-{letter}" for letter in "aes"} <= {e.attrs.get("id") for e in page.elements}
    assert "Terms starting with A" in index.text
    assert "No terms starting with B" in index.text
    [breadcrumbs] = page.find_all("nav", **{"aria-label": "Breadcrumb"})
    assert [e.attrs["href"] for e in page.inside(breadcrumbs) if e.tag == "a"] == [reverse("home")]
    [description] = [m for m in page.find_all("meta") if m.attrs.get("name") == "description"]
    assert "plain English" in description.attrs["content"]


def test_an_empty_glossary_says_so(client, db):
    page = Page.of(client.get(reverse("glossary:index")))

    assert "There are no terms in the glossary yet." in page.text


def test_the_glossary_page_does_not_link_its_own_words_to_itself(client, ehcp):
    GlossaryTermFactory(
        term="Annual review", slug="annual-review", short_definition="A check of an EHCP."
    )

    page = Page.of(client.get(reverse("glossary:index")))

    assert glossary_links(page) == []


def test_every_page_links_to_the_glossary_and_the_sitemap_lists_it(client, ehcp):
    page = Page.of(client.get(reverse("home")))
    [footer] = page.find_all("footer")
    footer_links = {e.text: e.attrs["href"] for e in page.inside(footer) if e.tag == "a"}

    assert footer_links["Glossary"] == reverse("glossary:index")
    sitemap = client.get(reverse("sitemap")).content.decode()
    assert f"{reverse('glossary:index')}</loc>" in sitemap


# Marking the first use of each term ----------------------------------------------------


def test_the_first_use_of_a_term_is_explained_and_later_uses_are_not(client, ehcp):
    page = press_release_page(
        client, "Your child may have an EHCP.\n\nAn EHCP is reviewed every year."
    )

    assert glossary_links(page) == [("EHCP", "/glossary/#ehcp", "Education, Health and Care plan")]
    # The words still read (and copy, and print) as they were written; a screen reader
    # hears what the abbreviation stands for and where the link goes.
    assert "Your child may have an EHCP." in page.text
    [link] = [a for a in page.find_all("a") if a.attrs.get("class") == GLOSSARY_LINK_CLASS]
    assert link.attrs["aria-label"] == "EHCP, Education, Health and Care plan (glossary)"
    assert "An EHCP is reviewed every year." in page.text


def test_the_full_term_and_other_forms_link_to_the_same_entry_once(client, ehcp, send):
    page = press_release_page(
        client,
        "Children with special educational needs and disabilities may get an EHC plan. "
        "Some EHCPs last until 25. An Education, Health and Care plan is a legal document. "
        "SEND support comes first.",
    )

    assert glossary_links(page) == [
        ("special educational needs and disabilities", "/glossary/#send", None),
        ("EHC plan", "/glossary/#ehcp", None),
    ]


def test_headings_links_and_code_are_left_alone(client, ehcp):
    page = press_release_page(
        client,
        "## What an EHCP is\n\n"
        "Read [the EHCP guide](https://example.org/guide).\n\n"
        "Type `EHCP` to search.\n\n"
        "Ask about an EHCP at school.",
        title="EHCP news for families",
    )

    assert glossary_links(page) == [("EHCP", "/glossary/#ehcp", "Education, Health and Care plan")]
    assert page.texts("h1") == ["EHCP news for families"]
    assert "What an EHCP is" in page.texts("h2")[0]
    assert "the EHCP guide" in page.texts("a")
    assert page.texts("code") == ["EHCP"]
    assert "Ask about an EHCP at school." in page.text


def test_abbreviations_match_their_capitals_and_words_match_whole(client, send):
    GlossaryTermFactory(term="Alternative provision", abbreviation="AP", slug="ap")

    page = press_release_page(
        client,
        "We send letters. Ask for an appointment, or read APs and SENDING notes. "
        "Pupils in ALTERNATIVE PROVISION and with SEND are welcome.",
    )

    assert glossary_links(page) == [
        ("ALTERNATIVE PROVISION", "/glossary/#ap", None),
        ("SEND", "/glossary/#send", "Special educational needs and disabilities"),
    ]


def test_lists_of_other_pages_are_left_alone_and_their_pages_explain_the_words(client, ehcp):
    item = PressReleaseFactory(title="Changes to EHCP reviews", standfirst="Every EHCP.")

    news_list = Page.of(client.get(reverse("news:index")))
    search = Page.of(client.get(reverse("search") + "?q=EHCP"))
    news_item = Page.of(client.get(item.get_absolute_url()))

    assert glossary_links(news_list) == []
    assert glossary_links(search) == []
    assert glossary_links(news_item)[0][1] == "/glossary/#ehcp"


def test_the_longest_form_wins_where_terms_overlap(client, db):
    GlossaryTermFactory(term="Parent carer", slug="parent-carer")
    GlossaryTermFactory(term="Parent Carer Council", slug="parent-carer-council")

    page = press_release_page(client, "The Wiltshire Parent Carer Council helps any parent carer.")

    assert [link[1] for link in glossary_links(page)] == [
        "/glossary/#parent-carer-council",
        "/glossary/#parent-carer",
    ]


def test_marking_skips_every_element_where_a_link_does_not_belong():
    terms = [("ehcp", "Education, Health and Care plan", "EHCP", ["EHCP"])]
    untouched = (
        '<h3>EHCP</h3><a href="/x">EHCP</a><abbr title="t">EHCP</abbr><pre>EHCP</pre>'
        "<button>EHCP</button><label>EHCP</label><summary>EHCP</summary>"
        '<script type="application/ld+json">{"a": "EHCP"}</script><style>/* EHCP */</style>'
        '<textarea>EHCP</textarea><title>EHCP</title><!-- EHCP --><p title="EHCP">x</p>'
        '<span class="govuk-visually-hidden">EHCP</span><div hidden><p>EHCP</p></div>'
        # The progress chart: its labels are a picture of the table after it, no links.
        '<figure class="app-chart"><ol><li><span>EHCP</span></li></ol></figure>'
    )

    assert mark(untouched, terms) == untouched
    marked = mark(untouched + "<p>Now an <em>EHCP</em>.</p>", terms)
    assert marked.startswith(untouched)
    assert marked.count('href="/glossary/#ehcp"') == 1
    assert "<em><a " in marked


def test_navigation_and_help_boxes_are_left_alone_however_they_nest():
    terms = [("ehcp", "Education, Health and Care plan", "EHCP", ["EHCP"])]
    untouched = (
        '<nav aria-label="Other priorities"><p>Next: EHCP</p></nav>'
        "<header><p>EHCP</p></header><footer><p>EHCP</p></footer>"
        '<aside class="app-need-help" data-glossary="off"><div><p>EHCP</p></div>'
        "<div><p>EHCP</p></div></aside>"
        "<div data-glossary=off><p>EHCP</p></div>"
    )

    marked = mark(untouched + "<p>An EHCP.</p>", terms)

    assert marked.startswith(untouched)
    assert marked.count('href="/glossary/#ehcp"') == 1
    # Only the attribute's "off" turns it off: other values, or the words elsewhere in
    # a tag, do not.
    assert mark('<div data-glossary="on"><p>EHCP</p></div>', terms).count("<a ") == 1
    assert mark('<div title="data-glossary=offline"><p>EHCP</p></div>', terms).count("<a ") == 1


def test_words_are_found_however_the_html_writes_them():
    terms = [
        ("parent-carer", "Parent carer", "", ["Parent carer", "parent carer's"]),
        ("ehcp", "Education, Health and Care plan", "EHCP", ["Education, Health and Care plan"]),
    ]
    page_html = "<p>A parent carer&#x27;s view.</p><p>An Education, Health\n  and Care plan.</p>"

    marked = Page(mark(page_html, terms))

    assert [(a.text, a.attrs["href"], a.attrs["aria-label"]) for a in marked.find_all("a")] == [
        ("parent carer's", "/glossary/#parent-carer", "parent carer's (glossary)"),
        (
            "Education, Health and Care plan",
            "/glossary/#ehcp",
            "Education, Health and Care plan (glossary)",
        ),
    ]


def test_a_left_alone_element_ends_at_its_own_end_tag():
    terms = [("ehcp", "Education, Health and Care plan", "EHCP", ["EHCP"])]
    page_html = (
        "<div hidden><div><p>EHCP</p></div><p>EHCP</p></div><p>An EHCP.</p><p>An EHCP again.</p>"
    )

    marked = mark(page_html, terms)

    assert marked.count("<a ") == 1
    assert marked.startswith("<div hidden><div><p>EHCP</p></div><p>EHCP</p></div><p>An <a ")


def test_a_stray_end_tag_does_not_unlock_a_heading():
    terms = [("ehcp", "Education, Health and Care plan", "EHCP", ["EHCP"])]
    page_html = "<h2>About </span> EHCP</h2><p>EHCP</p>"

    assert mark(page_html, terms) == (
        "<h2>About </span> EHCP</h2><p>"
        '<a class="govuk-link app-glossary-link" href="/glossary/#ehcp" '
        'aria-label="EHCP, Education, Health and Care plan (glossary)">'
        '<abbr title="Education, Health and Care plan">EHCP</abbr></a></p>'
    )


def words(text):
    return " ".join(text.split())


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_hostile_term_text_is_shown_as_text_never_as_markup(payload):
    """A term, abbreviation or form an editor typed (or pasted) can never add markup."""
    text = f"Before {payload} after"
    page_html = f"<p>{html.escape(text)}</p>"
    terms = [("hostile", payload, payload, [payload, payload.upper()])]

    marked = Page(mark(page_html, terms))

    tags = [element.tag for element in marked.elements]
    assert set(tags) <= {"p", "a", "abbr", "span"}
    assert tags.count("p") == 1
    [paragraph] = marked.find_all("p")
    assert paragraph.text == " ".join(text.split())
    for abbr in marked.find_all("abbr"):
        assert abbr.attrs["title"] == payload
    for link in marked.find_all("a"):
        label = words(link.attrs.pop("aria-label"))
        assert label.startswith(link.text) and label.endswith(" (glossary)")
        assert link.attrs == {"class": GLOSSARY_LINK_CLASS, "href": "/glossary/#hostile"}


def test_a_hostile_term_saved_by_an_editor_is_escaped_on_the_page(client, db):
    GlossaryTermFactory(
        term='<script>alert(1)</script>" onmouseover="alert(1)', abbreviation="XSS", slug="x"
    )

    response = client.get(PressReleaseFactory(body="About XSS.").get_absolute_url())
    content = response.content.decode()

    assert "<script>alert(1)" not in content
    assert 'title="&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;alert(1)"' in (
        content
    )


def test_marked_pages_stay_well_formed(client, real_content):
    """No link ends up inside a link, a heading or a button, and every element closes."""
    for url in [
        PressRelease.objects.first().get_absolute_url(),
        reverse("home"),
        reverse("priorities:index"),
    ]:
        page = Page.of(client.get(url))
        links = [e for e in page.find_all("a") if e.attrs.get("class") == GLOSSARY_LINK_CLASS]
        assert links, url
        for link in links:
            assert not {p.tag for p in link.parents} & {
                "a", "abbr", "h1", "h2", "h3", "h4", "button", "label", "code", "pre"
            }  # fmt: skip
        assert page._open == [], url


def test_the_real_press_release_explains_its_jargon(client, real_content):
    item = PressRelease.objects.first()

    links = glossary_links(Page.of(client.get(item.get_absolute_url())))

    slugs = [href.split("#")[1] for _, href, _ in links]
    assert len(slugs) == len(set(slugs))  # each term once
    assert {"send", "alternative-provision", "icb", "parent-carer-council"} <= set(slugs)


# Cache: no database query on a warm cache; a change shows at once ----------------------


def test_pages_read_the_terms_from_the_cache_not_the_database(client, ehcp):
    url = PressReleaseFactory(body="An EHCP.").get_absolute_url()
    client.get(url)  # warms the cache

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert 'href="/glossary/#ehcp"' in response.content.decode()
    assert not [q for q in queries.captured_queries if "glossary_glossaryterm" in q["sql"]]


def test_saving_a_term_refreshes_the_cache_so_no_visitor_waits_for_the_database(client, db):
    url = PressReleaseFactory(body="Ask the SENCO.").get_absolute_url()

    GlossaryTermFactory(
        term="Special educational needs co-ordinator", abbreviation="SENCO", slug="senco"
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)

    assert 'href="/glossary/#senco"' in response.content.decode()
    assert not [q for q in queries.captured_queries if "glossary_glossaryterm" in q["sql"]]


def test_a_changed_term_shows_on_the_next_page(client, ehcp):
    url = PressReleaseFactory(body="Ask about an EHC plan or a SENCO.").get_absolute_url()
    assert [link[0] for link in glossary_links(Page.of(client.get(url)))] == ["EHC plan"]

    senco = GlossaryTermFactory(term="Special educational needs co-ordinator", slug="senco")
    senco.abbreviation = "SENCO"
    senco.save()
    ehcp.is_shown = False
    ehcp.save()

    assert glossary_links(Page.of(client.get(url))) == [
        ("SENCO", "/glossary/#senco", "Special educational needs co-ordinator")
    ]
    senco.delete()
    assert glossary_links(Page.of(client.get(url))) == []


def test_marking_happens_inside_the_block_tag_only(ehcp, rf):
    template = Template(
        "{% load glossary_tags %}<p>EHCP</p>{% glossary_terms %}<p>EHCP {{ word }}</p>"
        "{% endglossary_terms %}"
    )

    rendered = template.render(Context({"word": "<b>EHCP</b>", "request": rf.get("/")}))

    assert rendered.startswith("<p>EHCP</p><p><a ")
    assert "&lt;b&gt;EHCP&lt;/b&gt;" in rendered  # the context is still escaped
    assert rendered.count("<a ") == 1


def test_a_page_rendered_without_a_request_is_left_unmarked(ehcp):
    # Django renders the 500 page with an empty context; it must not need the
    # database, so the tag leaves it as written.
    template = Template(
        "{% load glossary_tags %}{% glossary_terms %}<p>EHCP</p>{% endglossary_terms %}"
    )

    assert template.render(Context({})) == "<p>EHCP</p>"


# Editing terms ---------------------------------------------------------------------------


def add_form(**fields):
    return {
        "term": "Local Offer",
        "abbreviation": "",
        "slug": "local-offer",
        "short_definition": "What support there is for families, and how to get it.",
        "explanation": "",
        "other_forms": "",
        "is_shown": "on",
        **fields,
    }


def form_errors(response):
    assert response.status_code == 200, "the admin should have shown the form again"
    return {
        field: [str(error) for error in errors]
        for field, errors in response.context["adminform"].form.errors.items()
    }


def test_staff_add_a_term_and_it_appears_on_the_glossary(staff_client, db):
    assert_saved(staff_client.post(admin_url(GlossaryTerm, "add"), add_form()))

    page = Page.of(staff_client.get(reverse("glossary:index")))
    assert [h3.attrs["id"] for h3 in page.find_all("h3")] == ["local-offer"]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"term": "education, health and care PLAN", "slug": "other"},
            "term",
            "“education, health and care PLAN” is already used by the glossary term "
            "“Education, Health and Care plan” (as “Education, Health and Care plan”). "
            "Each word or phrase can link to one term only.",
        ),
        (
            {"abbreviation": "EHCP"},
            "abbreviation",
            "“EHCP” is already used by the glossary term “Education, Health and Care plan” "
            "(as “EHCP”). Each word or phrase can link to one term only.",
        ),
        (
            {"other_forms": "Local support\nEHC plan"},
            "other_forms",
            "“EHC plan” is already used by the glossary term “Education, Health and Care plan” "
            "(as “EHC plan”). Each word or phrase can link to one term only.",
        ),
        (
            {"other_forms": "local offer"},
            "other_forms",
            "“local offer” is already the term itself.",
        ),
        ({"slug": "ehcp"}, "slug", "Glossary term with this Web address already exists."),
        (
            {"slug": "main-content"},
            "slug",
            "“main-content” is used by the page itself. Choose another web address.",
        ),
        (
            {"explanation": "## More\n\nText"},
            "explanation",
            "Headings are not needed in a glossary entry. Use paragraphs or a list.",
        ),
        (
            {"short_definition": "Too long. " * 40},
            "short_definition",
            "Ensure this value has at most 300 characters (it has 399).",
        ),
        ({"short_definition": ""}, "short_definition", "This field is required."),
    ],
)
def test_the_admin_explains_what_is_wrong(staff_client, ehcp, fields, field, message):
    response = staff_client.post(admin_url(GlossaryTerm, "add"), add_form(**fields))

    assert message in form_errors(response).get(field, []), form_errors(response)
    assert GlossaryTerm.objects.count() == 1


def test_the_same_term_twice_is_refused_whatever_its_capitals(ehcp):
    twin = GlossaryTerm(
        term="EDUCATION, HEALTH AND CARE PLAN", slug="twin", short_definition="Twice."
    )

    with pytest.raises(ValidationError) as refused:
        twin.full_clean()

    assert "term" in refused.value.message_dict


def test_the_admin_prefills_the_address_from_the_term(staff_client, db):
    response = staff_client.get(admin_url(GlossaryTerm, "add"))

    assert response.context["adminform"].prepopulated_fields[0]["field"].name == "slug"


def test_a_publisher_adds_changes_and_deletes_terms_and_an_editor_reads_them(
    editor_client, publisher_client, ehcp
):
    """A term is live as soon as it is saved, with no draft for anyone to review, so
    only publishers write them (tests/test_review_everywhere.py tries every way)."""
    url = admin_url(GlossaryTerm, "change", ehcp.pk)
    assert editor_client.get(url).status_code == 200
    assert editor_client.get(admin_url(GlossaryTerm, "add")).status_code == 403

    assert_saved(publisher_client.post(admin_url(GlossaryTerm, "add"), add_form()))
    data = form_as_sent(publisher_client.get(url))
    data["short_definition"] = ["A plan for the support a child needs."]
    assert_saved(publisher_client.post(url, data))

    ehcp.refresh_from_db()
    assert ehcp.short_definition == "A plan for the support a child needs."
    publisher_client.post(admin_url(GlossaryTerm, "delete", ehcp.pk), {"post": "yes"})
    assert not GlossaryTerm.objects.filter(pk=ehcp.pk).exists()


def test_changes_to_terms_are_kept_in_the_history(staff_client, ehcp):
    url = admin_url(GlossaryTerm, "change", ehcp.pk)
    data = form_as_sent(staff_client.get(url))
    data["short_definition"] = ["A new definition."]
    assert_saved(staff_client.post(url, data))

    history = staff_client.get(admin_url(GlossaryTerm, "history", ehcp.pk))

    assert history.status_code == 200
    assert "A new definition." in history.content.decode()


# The real glossary -------------------------------------------------------------------------


def test_the_real_glossary_is_loaded_with_the_content_and_passes_its_own_checks(real_content):
    terms = list(GlossaryTerm.objects.all())
    fixture = json.loads((Path(settings.BASE_DIR) / "fixtures" / "glossary.json").read_text())

    assert len(terms) == len(fixture) >= 25
    for term in terms:
        term.full_clean()  # no clashes, definitions within the limit
    abbreviations = {term.abbreviation for term in terms}
    assert {"SEND", "EHCP", "AP", "SENCO", "ICB", "SEMH"} <= abbreviations
    names = {term.term for term in terms}
    assert {"Local Offer", "Parent Carer Council", "Co-production", "Inclusion"} <= names
    assert {"EHC needs assessment", "Cabinet", "Select Committee"} <= names
