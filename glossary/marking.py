"""Marking up the first use of each glossary term in a page's rendered HTML.

    <a class="govuk-link app-glossary-link" href="/glossary/#ehcp"
    aria-label="EHCP, Education, Health and Care plan (glossary)"><abbr
    title="Education, Health and Care plan">EHCP</abbr></a>

Runs on every page, so it must be cheap: the shown terms live in Django's cache
(read again when a term is saved or deleted, see signals.py), and each process compiles
one regular expression per version of the terms. On a warm cache a page costs one
cache read and no database query.

The HTML is the site's own template output, so a light tokeniser is enough: text
between tags is searched, and text inside links, abbreviations, headings, code,
form controls, scripts and hidden elements is left alone. Matched words are
unescaped, looked up, then escaped again, so a term's text can never add markup.
"""

import html
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.urls import reverse
from django.utils.html import escape, format_html

from .models import GlossaryTerm, looks_like_abbreviation

CACHE_KEY = "glossary:terms"
# Saving a term refreshes the cache at once (signals.py). The expiry is only a safety
# net: a save whose transaction is then rolled back has refreshed it too early.
TERMS_CACHE_SECONDS = 60 * 60

# Text inside these is never marked: a link must not sit inside a link, a heading,
# a button or a label; code is literal; <bdi> holds what a visitor typed (the search
# words); the rest is not read as page text.
UNMARKED_ELEMENTS = {
    "a", "abbr", "h1", "h2", "h3", "h4", "h5", "h6", "code", "pre", "kbd", "samp",
    "button", "label", "select", "option", "textarea", "summary", "legend", "title",
    "script", "style", "svg", "math", "dfn", "template", "iframe", "object", "bdi",
}  # fmt: skip
VOID_ELEMENTS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip

# Comments, raw-text elements (whose contents are not tags) and tags, whose quoted
# attribute values may hold ">".
TOKEN = re.compile(
    r"<!--.*?-->"
    r"|<(script|style|textarea|title)\b.*?</\1\s*>"
    r"""|</?([a-zA-Z][a-zA-Z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.DOTALL | re.IGNORECASE,
)
# Elements whose text is left alone, by their attributes: what a reader cannot see (a
# link there would take the keyboard somewhere invisible), and lists of other pages
# (news, decisions, search results), whose excerpts are explained on the pages they
# link to, and where extra links would be mixed up with the list's own.
LEFT_ALONE = re.compile(
    r"\bhidden\b|visually-hidden|aria-hidden|app-print-only|app-summary-list", re.IGNORECASE
)


@dataclass(frozen=True)
class Entry:
    slug: str
    term: str


def pattern_tokens(form, *, exact):
    """The pattern for each character of a form: "Ab" -> ["[aA]", "[bB]"] unless exact."""
    tokens = []
    for char in form:
        lower, upper = char.lower(), char.upper()
        if exact or lower == upper:
            tokens.append(re.escape(char))
        elif len(lower) == len(upper) == 1:
            tokens.append(f"[{re.escape(lower)}{re.escape(upper)}]")
        else:
            tokens.append(f"(?i:{re.escape(char)})")
    return tokens


def trie_pattern(forms):
    """One pattern for many forms, sharing their beginnings ("EHC plan|EHC plans|EHCP"
    -> "EHC(?:\\ plans?|P)"). A long list of alternatives makes the regular expression
    engine try every one at every word; a tree tries one character at a time (about four
    times faster on the press release). Greedy, so the longest form wins."""
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
            for form in forms:
                if form == abbreviation or looks_like_abbreviation(form):
                    self.exact.setdefault(form, entry)
                    self.abbreviations.add(form)
                else:
                    self.folded.setdefault(form.casefold(), entry)
        forms = [pattern_tokens(form, exact=True) for form in self.exact]
        forms += [pattern_tokens(form, exact=False) for form in self.folded]
        self.pattern = re.compile(rf"(?<!\w){trie_pattern(forms)}(?!\w)") if forms else None
        self.glossary_url = reverse("glossary:index")

    def entry_for(self, text):
        return self.exact.get(text) or self.folded.get(text.casefold())

    def link(self, text, entry):
        """The words as written, linked to their entry. Assistive technology reads the
        label: the words, what an abbreviation stands for, and where the link goes. The
        page's text itself is unchanged, so copying or printing it reads as written."""
        if text in self.abbreviations:
            words = format_html('<abbr title="{}">{}</abbr>', entry.term, text)
            label = f"{text}, {entry.term} (glossary)"
        else:
            words, label = escape(text), f"{text} (glossary)"
        return format_html(
            '<a class="govuk-link app-glossary-link" href="{}#{}" aria-label="{}">{}</a>',
            self.glossary_url,
            entry.slug,
            label,
            words,
        )

    def mark_text(self, text, marked):
        """One run of text between tags, with the first use of each term not yet
        `marked` on this page linked; unchanged (as typed) when nothing is found."""
        plain = html.unescape(text)
        pieces, start = [], 0
        for match in self.pattern.finditer(plain):
            entry = self.entry_for(match[0])
            if entry is None or entry.slug in marked:
                continue
            marked.add(entry.slug)
            pieces += [escape(plain[start : match.start()]), self.link(match[0], entry)]
            start = match.end()
        if not pieces:
            return text
        pieces.append(escape(plain[start:]))
        return "".join(pieces)

    def mark(self, page_html):
        if self.pattern is None:
            return page_html
        marked = set()
        changes = []  # (start, end, marked-up text), in order
        open_elements = []  # (name, leaves its text unmarked)
        open_counts = {}  # name -> how many are open, to ignore a stray end tag
        unmarked_depth = position = 0
        for token in TOKEN.finditer(page_html):
            start = token.start()
            if start > position and not unmarked_depth:
                self.mark_run(page_html, position, start, marked, changes)
            position = token.end()
            name = token[2]
            if name is None:
                continue  # a comment or a raw-text element, skipped whole
            tag = token[0]
            name = name.lower()
            if tag[1] == "/":
                if open_counts.get(name):
                    while True:
                        open_name, unmarked = open_elements.pop()
                        open_counts[open_name] -= 1
                        unmarked_depth -= unmarked
                        if open_name == name:
                            break
            elif name not in VOID_ELEMENTS and tag[-2] != "/":
                unmarked = name in UNMARKED_ELEMENTS or (
                    " " in tag and LEFT_ALONE.search(tag) is not None
                )
                open_elements.append((name, unmarked))
                open_counts[name] = open_counts.get(name, 0) + 1
                unmarked_depth += unmarked
        if not unmarked_depth:
            self.mark_run(page_html, position, len(page_html), marked, changes)
        if not changes:
            return page_html
        pieces, position = [], 0
        for start, end, text in changes:
            pieces += [page_html[position:start], text]
            position = end
        pieces.append(page_html[position:])
        return "".join(pieces)

    def mark_run(self, page_html, start, end, marked, changes):
        """Text between two tags: quickly passed over unless a form appears in it."""
        if self.pattern.search(page_html, start, end) is None and "&" not in page_html[start:end]:
            return
        text = page_html[start:end]
        new_text = self.mark_text(text, marked)
        if new_text is not text:
            changes.append((start, end, new_text))


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
