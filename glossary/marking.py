"""Marking up the first use of each glossary term in a page's rendered HTML.

    <a class="govuk-link app-glossary-link" href="/glossary/#ehcp"
    aria-label="EHCP, Education, Health and Care plan (glossary)"><abbr
    title="Education, Health and Care plan">EHCP</abbr></a>

Runs on every page, so it must be cheap: the shown terms live in Django's cache
(read again when a term is saved or deleted, see signals.py), and each process compiles
one regular expression per version of the terms. On a warm cache a page costs one
cache read and no database query.

The HTML is the site's own template output, so it is read in a few big steps rather
than tag by tag: one search finds the next stretch that is left alone (a link, an
abbreviation, a heading, code, a form control, navigation, a script, a comment,
anything hidden, a list of other pages, anything marked `data-glossary="off"`) and its
end; the pattern searches the HTML in between, and a match inside a tag's attributes is
passed over. The pattern matches the words as the HTML writes them ("children&#x27;s",
a line break between words) and never a raw "<", so the linked words are the page's
own, already escaped, text; the term's text, whatever an editor typed, goes only into
escaped attributes.
"""

import html
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from django.core.cache import cache
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import GlossaryTerm, looks_like_abbreviation

CACHE_KEY = "glossary:terms"
# Marked pages each process remembers (see Matcher): main content is 5-40 KB, so at
# most about 10 MB a process.
MARKED_PAGES_KEPT = 256
# Saving a term refreshes the cache at once (signals.py). The expiry is only a safety
# net: a save whose transaction is then rolled back has refreshed it too early.
TERMS_CACHE_SECONDS = 60 * 60

# Text inside these is never marked: a link must not sit inside a link, a heading,
# a button or a label; navigation, a page's header and footer are the site's own
# signposts, where a link to a definition would be mistaken for one; code is literal;
# <bdi> holds what a visitor typed (the search words); the rest is not read as page text.
UNMARKED_ELEMENTS = {
    "a", "abbr", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp",
    "button", "label", "select", "option", "textarea", "summary", "legend", "title",
    "script", "style", "svg", "math", "dfn", "template", "iframe", "object", "bdi",
    "nav", "header", "footer",
}  # fmt: skip
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip

RAW_TEXT_ELEMENTS = {"script", "style", "textarea", "title"}  # their text is not HTML
# Elements whose text is left alone by their attributes: what a reader cannot see (a
# link there would take the keyboard somewhere invisible), lists of other pages
# (news, decisions, search results), whose excerpts are explained on the pages they
# link to, and where extra links would be mixed up with the list's own, and anything a
# template marks `data-glossary="off"`: help boxes, where an organisation's name must
# lead to the organisation, never to a definition.
LEFT_ALONE_ATTRIBUTES = (
    r"\bhidden\b|visually-hidden|aria-hidden|app-print-only|app-summary-list|app-chart"
    r"|data-glossary=[\"']?off\b"
)

# Where a stretch of HTML that is never marked begins: a comment, an element above, or
# an element with one of those attributes. Everything else (paragraphs, lists, <em>)
# is passed over by the search itself, so the page is read in a few big steps.
LEFT_ALONE_START = re.compile(
    r"<!--"
    rf"|<(?P<name>{'|'.join(sorted(UNMARKED_ELEMENTS, key=len, reverse=True))})(?=[\s/>])"
    rf"|<(?P<flagged>[a-zA-Z][a-zA-Z0-9-]*)(?=[\s/])[^>]*?(?:{LEFT_ALONE_ATTRIBUTES})",
    re.IGNORECASE,
)
TAG_END = re.compile(r"""(?:[^>"']|"[^"]*"|'[^']*')*>""")
_same_name_tags = {}


def same_name_tags(name):
    """<name ...> and </name>, to find where an element ends when it holds its own kind."""
    if name not in _same_name_tags:
        _same_name_tags[name] = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])", re.IGNORECASE)
    return _same_name_tags[name]


def end_of_left_alone(page_html, start):
    """Where the stretch that starts at `start` (a LEFT_ALONE_START match) ends."""
    match = LEFT_ALONE_START.match(page_html, start)
    if match[0] == "<!--":
        end = page_html.find("-->", start + 4)
        return len(page_html) if end < 0 else end + 3
    name = match["name"] or match["flagged"]
    # Read the tag from just after its name (the match may stop inside a quoted value).
    tag_end = TAG_END.match(page_html, start + 1 + len(name))
    name = name.lower()
    if tag_end is None:
        return len(page_html)
    position = tag_end.end()
    if name in VOID_ELEMENTS or page_html[position - 2] == "/":
        return position
    if name in RAW_TEXT_ELEMENTS:
        close = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(page_html, position)
        return len(page_html) if close is None else close.end()
    depth = 1
    for tag in same_name_tags(name).finditer(page_html, position):
        depth += -1 if tag[1] else 1
        if depth == 0:
            close = page_html.find(">", tag.end())
            return len(page_html) if close < 0 else close + 1
    return len(page_html)  # never closed: leave the rest alone rather than guess


@dataclass(frozen=True)
class Entry:
    slug: str
    term: str


# How a character of a form may appear in the page's HTML: the matching runs on the
# HTML itself, so "children's" also matches "children&#x27;s". "<" only ever as an
# entity, so a match can never take in the start of a tag.
ENCODINGS = {
    "&": ["&amp;", "&#38;"],
    "'": ["'", "&#x27;", "&#39;", "&apos;"],
    '"': ['"', "&quot;", "&#34;"],
    "<": ["&lt;", "&#60;"],
    ">": [">", "&gt;", "&#62;"],
}
SPACE = r"(?:\s|&nbsp;|&\#160;)+"  # a line break or a no-break space between words too


def pattern_tokens(form, *, exact):
    """The pattern for each character of a form: "Ab" -> ["[aA]", "[bB]"] unless exact."""
    tokens = []
    for char in form:
        lower, upper = char.lower(), char.upper()
        if char.isspace():
            tokens.append(SPACE)
        elif char in ENCODINGS:
            tokens.append(f"(?:{'|'.join(re.escape(code) for code in ENCODINGS[char])})")
        elif exact or lower == upper:
            tokens.append(re.escape(char))
        elif len(lower) == len(upper) == 1:
            tokens.append(f"[{re.escape(lower)}{re.escape(upper)}]")
        else:
            tokens.append(f"(?i:{re.escape(char)})")
    return tokens


def trie_pattern(forms):
    """One pattern for many forms, sharing their beginnings ("EHC plan|EHC plans|EHCP"
    -> "EHC(?:\\ plans?|P)"). A long list of alternatives makes the regular expression
    engine try every one at every word; a tree tries one character at a time, so
    forms that begin alike are tried together. Greedy, so the longest form wins."""
    tree = {}
    for tokens in forms:
        node = tree
        for token in tokens:
            node = node.setdefault(token, {})
        node[""] = {}  # a form ends here

    def pattern(node):
        branches = [token + pattern(child) for token, child in node.items() if token]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        if "" in node:
            body = f"(?:{body})?"
        return body

    return f"(?:{pattern(tree)})"


class Matcher:
    """One compiled pattern for one version of the terms."""

    def __init__(self, version, terms):
        self.version = version
        self.exact = {}  # abbreviation-like forms, matched with their capitals
        self.folded = {}  # everything else, matched whatever the capitals
        self.abbreviations = set()
        for slug, term, abbreviation, forms in terms:
            entry = Entry(slug, term)
            abbreviation = " ".join(abbreviation.split())
            for form in (" ".join(form.split()) for form in forms):
                if form == abbreviation or looks_like_abbreviation(form):
                    self.exact.setdefault(form, entry)
                    self.abbreviations.add(form)
                else:
                    self.folded.setdefault(form.casefold(), entry)
        forms = [pattern_tokens(form, exact=True) for form in self.exact]
        forms += [pattern_tokens(form, exact=False) for form in self.folded]
        self.pattern = re.compile(rf"(?<!\w){trie_pattern(forms)}(?!\w)") if forms else None
        self.glossary_url = reverse("glossary:index")
        # The marked page depends only on the page's HTML and these terms, so each
        # process keeps its most recent results: a page rendered again (the page cache
        # off, or refilled after an edit elsewhere) costs a dictionary lookup, not a
        # pass over its HTML. New terms make a new Matcher, so nothing is ever stale.
        self.mark = lru_cache(maxsize=MARKED_PAGES_KEPT)(self.mark_uncached)

    def entry_for(self, text):
        text = " ".join(text.split())
        return self.exact.get(text) or self.folded.get(text.casefold())

    def link(self, page_text, entry):
        """The words as they stand in the page (HTML text, already escaped), linked to
        their entry. Assistive technology reads the label: the words, what an
        abbreviation stands for, and where the link goes. The page's text itself is
        unchanged, so copying or printing it reads as written."""
        text = " ".join(html.unescape(page_text).split())
        words = mark_safe(page_text)  # noqa: S308 - text of the page, matched by the pattern
        if text in self.abbreviations:
            words = format_html('<abbr title="{}">{}</abbr>', entry.term, words)
            label = f"{text}, {entry.term} (glossary)"
        else:
            label = f"{text} (glossary)"
        return format_html(
            '<a class="govuk-link app-glossary-link" href="{}#{}" aria-label="{}">{}</a>',
            self.glossary_url,
            entry.slug,
            label,
            words,
        )

    def mark_uncached(self, page_html):
        """The page with the first use of each term linked. Text is searched where it
        stands, between the stretches that are left alone; a match inside a tag (an
        attribute value) is passed over."""
        if self.pattern is None:
            return page_html
        marked, pieces, position = set(), [], 0
        copied = 0  # page_html[:copied] is already in pieces
        while position < len(page_html):
            left_alone = LEFT_ALONE_START.search(page_html, position)
            text_end = left_alone.start() if left_alone else len(page_html)
            for match in self.pattern.finditer(page_html, position, text_end):
                start = match.start()
                if page_html.rfind("<", position, start) > page_html.rfind(">", position, start):
                    continue  # inside a tag
                entry = self.entry_for(html.unescape(match[0]))
                if entry is None or entry.slug in marked:
                    continue
                marked.add(entry.slug)
                pieces += [page_html[copied:start], self.link(match[0], entry)]
                copied = match.end()
            if left_alone is None:
                break
            position = end_of_left_alone(page_html, text_end)
        if not pieces:
            return page_html
        pieces.append(page_html[copied:])
        return "".join(pieces)


@dataclass(frozen=True)
class ShownTerms:
    """What the cache keeps: enough to mark pages and date the glossary page."""

    version: str
    terms: list  # [(slug, term, abbreviation, forms)]
    last_changed: datetime | None


def shown_terms():
    """The shown terms from the cache, or from the database into the cache."""
    cached = cache.get(CACHE_KEY)
    if cached is None:
        rows = list(GlossaryTerm.objects.shown())
        cached = ShownTerms(
            version=uuid.uuid4().hex,
            terms=[(row.slug, row.term, row.abbreviation.strip(), row.forms) for row in rows],
            last_changed=max((row.updated_at for row in rows), default=None),
        )
        cache.set(CACHE_KEY, cached, timeout=TERMS_CACHE_SECONDS)
    return cached


_matcher = None


def current_matcher():
    global _matcher
    shown = shown_terms()
    if _matcher is None or _matcher.version != shown.version:
        _matcher = Matcher(shown.version, shown.terms)
    return _matcher


def forget_terms():
    """The next page reads the terms afresh."""
    cache.delete(CACHE_KEY)


def refresh_terms():
    """Read the terms into the cache now (after a term is saved or deleted), so no
    visitor's page waits for the database."""
    forget_terms()
    shown_terms()


def mark_glossary_terms(page_html):
    return current_matcher().mark(page_html)
