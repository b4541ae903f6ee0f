"""
Site search: the priorities, published press releases and published decisions,
searched together, ranked, with the matched words highlighted in a snippet.

`search(text)` is the one entry point. It returns a `SearchResults` sequence that
Django's Paginator pages through: finding and ranking every match costs a fixed few
small queries (keys, ranks and dates only), and only the page being shown is loaded
and given snippets.

- On PostgreSQL: full-text search with the English configuration (so "priorities"
  finds "priority"), words in a title (weight A) outranking a standfirst or summary
  (B) and the body (C), ranked by `SearchRank`, snippets by `SearchHeadline`. The
  press releases, decisions and quotes are matched against their stored `search_vector`
  columns (kept by triggers, GIN-indexed: news/migrations/0005_stored_search_vectors.py),
  so no row's text is turned into a vector at search time; the six priorities use the
  expression of priorities/migrations/0002_search_index.py's GIN index. Change a
  vector's fields here and there together.
- On SQLite (development): every word must appear somewhere (case-insensitive, with
  a crude English stemmer), ranked by where each word matched, title first.

Snippets are always escaped text with only our own <mark> tags in them: the
database marks matches with private-use characters, the text is escaped, and only
then do those characters become tags.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from html import unescape
from operator import add, and_, or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from news.models import CabinetDecision, PressRelease, Quote
from priorities.models import Priority
from strategy_site.markdown import render_markdown

MAX_QUERY_LENGTH = 200
SNIPPET_CHARACTERS = 240
CONFIG = "english"
# Private-use characters: no one types them, so they can only be our markers.
START, STOP = "\ue000", "\ue001"
# What a word found only in the body (or a quote) adds to the rank on PostgreSQL: what
# SearchRank gives one word in a C-weighted field (see heading_vector).
BODY_RANK = 0.1

# Characters that never belong in a search: control characters (NUL included, which
# PostgreSQL cannot store), lone surrogates, byte-order marks and the invisible
# controls that reverse the direction of the text after them.
_UNWANTED = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\ue000-\uf8ff]")


def clean_query(raw):
    """What a visitor typed, made safe to search for and to show back to them."""
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp") else ch for ch in raw or ""
    )
    text = _UNWANTED.sub("", text)
    text = " ".join(text.split())
    return text[:MAX_QUERY_LENGTH].strip()


@dataclass
class Result:
    kind: str  # "priority", "press_release" or "decision"
    object: models.Model
    snippet: SafeString

    @property
    def url(self):
        return self.object.get_absolute_url()


@dataclass(frozen=True)
class Match:
    kind: str
    pk: int
    rank: float
    # Seconds since the epoch of its publication (None: a priority, undated): a number,
    # because turning thousands of dates from PostgreSQL's text into datetimes was most
    # of a common word's search time.
    timestamp: float | None

    def sort_key(self):
        # Best first; among equals, newest first (priorities, undated, after dated items).
        return (
            -self.rank,
            -(self.timestamp if self.timestamp is not None else float("-inf")),
            self.pk,
        )


class SearchResults(Sequence):
    """Every match, best first, loading only the slice that is asked for."""

    def __init__(self, query, matches, backend):
        self.query = query
        self.matches = sorted(matches, key=Match.sort_key)
        self.backend = backend

    def __len__(self):
        return len(self.matches)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.backend.results(self.query, self.matches[index])
        return self.backend.results(self.query, [self.matches[index]])[0]


def search(text):
    """Search everything the public can see for `text`, best match first."""
    query = clean_query(text)
    backend = PostgresSearch() if connection.vendor == "postgresql" else SimpleSearch()
    return SearchResults(query, backend.matches(query) if query else [], backend)


# What is searched ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    kind: str
    model: type[models.Model]
    title: tuple[str, ...]  # weight A
    summary: tuple[str, ...]  # weight B
    body: tuple[str, ...]  # weight C
    dated: bool = True
    # Has a stored, trigger-maintained `search_vector` column on PostgreSQL.
    stored_vector: bool = True

    def public(self):
        manager = self.model._default_manager
        return manager.published() if self.dated else manager.all()

    @property
    def fields(self):
        return self.title + self.summary + self.body

    @property
    def snippet_fields(self):
        return self.summary + self.body


PRIORITIES = Source(
    "priority",
    Priority,
    ("short_title",),
    ("pledge",),
    ("body",),
    dated=False,
    stored_vector=False,
)
PRESS_RELEASES = Source("press_release", PressRelease, ("title",), ("standfirst",), ("body",))
DECISIONS = Source(
    "decision",
    CabinetDecision,
    ("title",),
    ("summary_for_families",),
    ("reasons", "discussion"),
)
SOURCES = {source.kind: source for source in (PRIORITIES, PRESS_RELEASES, DECISIONS)}
QUOTE_FIELDS = ("text", "speaker")  # searched as part of their press release, weight C


def finish_snippet(text):
    """Escape `text`, then turn the START...STOP markers into <mark> tags."""
    html = escape(text)
    html = re.sub(f"{START}([^{START}{STOP}]*){STOP}", r"<mark>\1</mark>", html)
    return mark_safe(html.replace(START, "").replace(STOP, ""))  # noqa: S308 - escaped above


def results_in_order(matches, objects_by_kind, snippet):
    results = []
    for match in matches:
        item = objects_by_kind[match.kind].get(match.pk)
        if item is not None:  # unpublished between the two queries
            results.append(Result(match.kind, item, snippet(match.kind, item)))
    return results


# PostgreSQL ---------------------------------------------------------------------------


def weighted_vector(source):
    """The expression of the source's GIN index (see the module docstring)."""
    return reduce(
        add,
        (
            SearchVector(*fields, weight=weight, config=CONFIG)
            for fields, weight in ((source.title, "A"), (source.summary, "B"), (source.body, "C"))
        ),
    )


def heading_vector(source):
    """The title (A) and standfirst or summary (B) alone: what ranking reads.

    Ranking over the whole weighted vector would make PostgreSQL rebuild it from the
    text of every match (the index finds matches but does not store vectors): about a
    second for 2,000 matches among 5,000 press releases. These short fields cost
    almost nothing, and a match found only in the body gets BODY_RANK, so body-only
    matches come after the others, newest first.
    """
    return SearchVector(*source.title, weight="A", config=CONFIG) + SearchVector(
        *source.summary, weight="B", config=CONFIG
    )


def epoch_seconds(source):
    """Its publication time as seconds since the epoch (NULL for undated priorities)."""
    if not source.dated:
        return Value(None, output_field=models.FloatField())
    table = connection.ops.quote_name(source.model._meta.db_table)
    return RawSQL(
        f"extract(epoch from {table}.published_at)::float8", (), output_field=models.FloatField()
    )


def stored_heading_rank(model, query):
    """SearchRank(heading_vector(source)) from the stored `search_heading` column."""
    table = connection.ops.quote_name(model._meta.db_table)
    return RawSQL(
        f"ts_rank({table}.search_heading, websearch_to_tsquery(%s::regconfig, %s)) + %s",
        (CONFIG, query, BODY_RANK),
        output_field=models.FloatField(),
    )


def stored_vector_matches(model, query):
    """The row's stored search vector (see the module docstring) matches `query`.

    Not a model field, so written as SQL: Django never loads the column with an item."""
    table = connection.ops.quote_name(model._meta.db_table)
    return RawSQL(
        f"{table}.search_vector @@ websearch_to_tsquery(%s::regconfig, %s)",
        (CONFIG, query),
        output_field=models.BooleanField(),
    )


def markdown_marks_removed(text):
    """A headline cut from Markdown, with the Markdown punctuation taken out."""
    text = re.sub(r"\]\([^)\s]*\)?", "", text)  # a link's address, even cut short
    text = re.sub(r"</?[a-zA-Z][^<>]*>", "", text)  # raw HTML tags
    text = re.sub(r"(^|\s)(#{1,6}|[-+*>]|\d+\.)\s", r"\1", text)  # headings, lists, quotes
    text = re.sub(r"[\[\]`]|\*\*|__|(?<!\w)[*_]|[*_](?!\w)", "", text)
    return " ".join(text.split())


class PostgresSearch:
    def search_query(self, query):
        # websearch syntax never raises: "quoted phrases", or, -excluded words.
        return SearchQuery(query, search_type="websearch", config=CONFIG)

    def matches(self, query):
        search_query = self.search_query(query)
        found = {}
        for source in SOURCES.values():
            rows = source.public()
            if source.stored_vector:
                rows = rows.filter(stored_vector_matches(source.model, query))
                rank = stored_heading_rank(source.model, query)
            else:
                rows = rows.annotate(search=weighted_vector(source)).filter(search=search_query)
                rank = SearchRank(heading_vector(source), search_query) + BODY_RANK
            rows = (
                rows.annotate(rank=rank)
                .order_by()
                .annotate(timestamp=epoch_seconds(source))
                .values_list("pk", "rank", "timestamp")
            )
            for pk, rank, timestamp in rows:
                found[source.kind, pk] = Match(source.kind, pk, rank, timestamp)
        # Words in a quote count as words in the body of its press release: its stored
        # vector has them (news/migrations/0006_quotes_in_press_release_search_vector.py).
        return list(found.values())

    def results(self, query, matches):
        search_query = self.search_query(query)
        objects = {}
        for kind, source in SOURCES.items():
            pks = [match.pk for match in matches if match.kind == kind]
            if not pks:
                objects[kind] = {}
                continue
            text = self.snippet_text(source)
            rows = source.public().filter(pk__in=pks)
            rows = rows.annotate(
                headline=SearchHeadline(
                    text,
                    search_query,
                    config=CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                )
            )
            objects[kind] = {item.pk: item for item in rows}

        def snippet(kind, item):
            # PostgreSQL joins fragments with " ... ".
            text = markdown_marks_removed(item.headline).replace(" ... ", " … ")
            return finish_snippet(text)

        return results_in_order(matches, objects, snippet)

    def snippet_text(self, source):
        text = models.TextField()
        parts = [Coalesce(F(name), Value(""), output_field=text) for name in source.snippet_fields]
        if source is PRESS_RELEASES:
            quotes = (
                Quote.objects.filter(press_release=OuterRef("pk"))
                .order_by()
                .values("press_release")
                .annotate(
                    text=StringAgg(
                        Concat("text", Value(" "), "speaker", output_field=text), delimiter=" "
                    )
                )
                .values("text")
            )
            parts.append(Coalesce(Subquery(quotes), Value(""), output_field=text))
        spaced = [part for field in parts for part in (field, Value(" "))][:-1]
        return Concat(*spaced, output_field=text)


# SQLite (and any other database) ------------------------------------------------------

STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves""".split()
)
WEIGHTS = {"title": 4, "summary": 2, "body": 1}


def stem(word):
    """A rough English stem, so "families" finds "family" and "planned" finds "plan"."""
    for suffix in ("ies", "ing", "ed", "es", "s", "y"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def search_terms(query):
    words = re.findall(r"\w+", query.lower())
    return list(dict.fromkeys(stem(word) for word in words if word not in STOP_WORDS))


def plain_text(markdown_text):
    """The words a reader sees, without Markdown or HTML."""
    return " ".join(unescape(strip_tags(render_markdown(markdown_text))).split())


def marked_snippet(text, terms):
    """About SNIPPET_CHARACTERS of `text` around its first match, words marked."""
    if not terms:
        return finish_snippet(text[:SNIPPET_CHARACTERS])
    pattern = re.compile(
        r"\w*(?:" + "|".join(re.escape(term) for term in terms) + r")\w*", re.IGNORECASE
    )
    first = pattern.search(text)
    start = 0
    if first and first.start() > SNIPPET_CHARACTERS // 3:
        start = text.rfind(" ", 0, first.start() - SNIPPET_CHARACTERS // 3) + 1
    end = text.find(" ", start + SNIPPET_CHARACTERS)
    window = text[start : end if end != -1 else len(text)]
    window = ("… " if start else "") + window + (" …" if end != -1 else "")
    return finish_snippet(pattern.sub(lambda m: f"{START}{m.group()}{STOP}", window))


class SimpleSearch:
    def field_matches(self, fields, term):
        return reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields))

    def term_in_quotes(self, term):
        quotes = Quote.objects.filter(press_release=OuterRef("pk")).filter(
            self.field_matches(QUOTE_FIELDS, term)
        )
        return models.Exists(quotes)

    def matches(self, query):
        terms = search_terms(query)
        if not terms:
            return []
        found = []
        for source in SOURCES.values():
            conditions = []
            scores = []
            for term in terms:
                anywhere = self.field_matches(source.fields, term)
                if source is PRESS_RELEASES:
                    anywhere |= self.term_in_quotes(term)
                conditions.append(anywhere)
                scores.append(
                    Case(
                        When(self.field_matches(source.title, term), then=WEIGHTS["title"]),
                        When(self.field_matches(source.summary, term), then=WEIGHTS["summary"]),
                        default=WEIGHTS["body"],
                        output_field=models.IntegerField(),
                    )
                )
            rows = (
                source.public()
                .filter(reduce(and_, conditions))
                .annotate(rank=reduce(add, scores))
                .order_by()
                .values_list("pk", "rank", "published_at" if source.dated else "updated_at")
            )
            found += [
                Match(source.kind, pk, rank, date.timestamp() if source.dated else None)
                for pk, rank, date in rows
            ]
        return found

    def results(self, query, matches):
        terms = search_terms(query)
        objects = {}
        for kind, source in SOURCES.items():
            pks = [match.pk for match in matches if match.kind == kind]
            rows = source.public().filter(pk__in=pks) if pks else []
            if pks and source is PRESS_RELEASES:
                rows = rows.prefetch_related("quotes")
            objects[kind] = {item.pk: item for item in rows}

        def snippet(kind, item):
            texts = [plain_text(getattr(item, name)) for name in SOURCES[kind].snippet_fields]
            if kind == "press_release":
                texts += [f"{quote.text} {quote.speaker}" for quote in item.quotes.all()]
            return marked_snippet(" ".join(text for text in texts if text), terms)

        return results_in_order(matches, objects, snippet)
