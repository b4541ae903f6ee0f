"""
Site search: every kind of content registered with a search document (publishing/
content.py: the priorities, published press releases and decisions, the glossary's
shown terms and published Easy Read pages today), searched together, ranked, with the
matched words highlighted in a snippet. A glossary term named in the query is searched
in all its forms (expansion.py); a misspelt search is offered a correction on
PostgreSQL (suggestions.py).

`search(text)` is the one entry point. It returns a `SearchResults` sequence that
Django's Paginator pages through: finding and ranking every match costs a fixed few
small queries (keys, ranks and dates only), and only the page being shown is loaded
and given snippets.

- On PostgreSQL: full-text search with the English configuration (so "priorities"
  finds "priority"), words in a title (weight A) outranking a standfirst or summary
  (B) and the body (C), ranked by `ts_rank`, snippets by `SearchHeadline`. A kind
  whose search document says `stored_vectors` (every kind today: press releases with
  their quotes, Easy Read pages with their points) is matched against its stored
  `search_vector` and `search_heading` fields (kept by the triggers their models name,
  GIN-indexed: see search/vectors.py), so no row's text is turned into a vector at
  search time; change a vector's fields in its search document and its trigger
  together. Any other kind's vectors are built from its fields at search time.
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
from datetime import datetime
from functools import cached_property, lru_cache, reduce
from html import unescape
from operator import add, and_, or_

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Concat
from django.utils import timezone
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from publishing import content
from publishing.markdown import render_markdown

from . import suggestions
from .expansion import Query, make_query, plural_folded, words_of

MAX_QUERY_LENGTH = 200
SNIPPET_CHARACTERS = 240
# Fewer results than this, and a search offers a corrected spelling if one finds more.
FEW_RESULTS = 3
CONFIG = "english"
# Private-use characters: no one types them, so they can only be our markers.
START, STOP = "\ue000", "\ue001"
# What a word found only in the body (or a quote) adds to the rank on PostgreSQL: what
# ts_rank gives one word in a C-weighted field (see stored_heading_rank).
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
    kind: str  # the registered kind: "priority", "news", "decision"...
    object: models.Model
    snippet: SafeString

    @property
    def url(self):
        return content.of(self.object).address(self.object)

    @property
    def template(self):
        """Its kind's result template (blocks of templates/search/result.html)."""
        return content.of(self.object).search_result_template()


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
    """The matches, best first, loading only the slice that is asked for.

    Paginator asks for the length first (a count), then for one slice (that page's
    matches in order, then their objects and snippets)."""

    def __init__(self, query, backend):
        self.query = as_query(query)
        self.backend = backend

    @cached_property
    def _count(self):
        return self.backend.count(self.query) if self.query else 0

    @property
    def count_limit(self):
        """The most matches counted (None: all of them); see PostgresSearch.COUNT_LIMIT."""
        return self.backend.COUNT_LIMIT

    @property
    def is_capped(self):
        """More matched than were counted: len() is the limit, the true total more."""
        return self.count_limit is not None and self._count > self.count_limit

    def __len__(self):
        return self.count_limit if self.is_capped else self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                raise ValueError("Search results are sliced in order, one page at a time")
            if not self.query or start >= stop:
                return []
            matches = self.backend.ranked(self.query, start, stop)
            return self.backend.results(self.query, matches)
        position = range(len(self))[index]  # IndexError when out of range
        return self[position : position + 1][0]

    def __iter__(self):
        return iter(self[:])  # one page query, not one per item

    @cached_property
    def suggestion(self):
        """A corrected spelling of the query ("Did you mean ...?") when it finds fewer
        than FEW_RESULTS and the correction finds more; "" otherwise (and on SQLite)."""
        if not self.query or self._count >= FEW_RESULTS:
            return ""
        return self.backend.suggestion(self.query, self._count)


def search(text):
    """Search everything the public can see for `text`, best match first, in any of the
    forms of a glossary term it names (search/expansion.py)."""
    query = make_query(clean_query(text))
    backend = PostgresSearch() if connection.vendor == "postgresql" else SimpleSearch()
    return SearchResults(query, backend)


def as_query(query):
    """A Query from a Query or a cleaned string."""
    return query if isinstance(query, Query) else make_query(query)


# What is searched ---------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """A kind of content that is searched, and its search document."""

    kind: str
    model: type[models.Model]
    content: content.Content

    @property
    def document(self):
        return self.content.search

    @property
    def dated(self):
        return self.document.dated

    def public(self):
        return self.content.published()

    @property
    def newest_first(self):
        """Its order among matches of equal rank (undated kinds: by pk)."""
        return ("-published_at", "pk") if self.dated else ("pk",)


def sources():
    """{kind: Source} of every kind with a search document, in registration order."""
    return {
        kind.kind: Source(kind.kind, kind.model, kind)
        for kind in content.kinds()
        if kind.search is not None
    }


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


def epoch_seconds(source):
    """Its publication time as seconds since the epoch (NULL for undated priorities)."""
    if not source.dated:
        # Typed: an untyped NULL in a part with its own LIMIT would be taken as text.
        return RawSQL("NULL::float8", (), output_field=models.FloatField())
    table = connection.ops.quote_name(source.model._meta.db_table)
    return RawSQL(
        f"extract(epoch from {table}.published_at)::float8", (), output_field=models.FloatField()
    )


def stores_vectors(model):
    """Whether the model keeps stored search vector fields (or has no search document,
    as a press release's quotes, which keep a vector of their own)."""
    kind = content.of(model)
    return kind is None or kind.search is None or kind.search.stored_vectors


def vector_sql(model, column):
    """SQL of a kind's `search_vector` (all its text) or `search_heading` (title and
    summary): its stored column, or for a kind without stored vectors the same vector
    built from its fields (weights A, B, C as in the triggers)."""
    table = connection.ops.quote_name(model._meta.db_table)
    kind = content.of(model)
    document = kind.search if kind is not None else None
    if document is None or document.stored_vectors:  # (a quote keeps a vector of its own)
        return f"{table}.{column}"
    weighted = [("A", name) for name in document.title] + [("B", name) for name in document.summary]
    texts = [
        (weight, f"{table}.{connection.ops.quote_name(model._meta.get_field(name).column)}")
        for weight, name in weighted
    ]
    if column == "search_vector":
        texts += [
            ("C", f"{table}.{connection.ops.quote_name(model._meta.get_field(name).column)}")
            for name in document.body
        ]
        if document.related is not None:
            texts.append(("C", related_text_sql(model, document.related)))
    parts = [
        f"setweight(to_tsvector('{CONFIG}'::regconfig, coalesce({text}, '')), '{weight}')"
        for weight, text in texts
    ]
    return f"({' || '.join(parts)})"


def related_text_sql(model, related):
    """A subquery: the text of an item's related rows (its quotes), joined by spaces."""
    quote = connection.ops.quote_name
    table = quote(related.model._meta.db_table)
    link = quote(related.model._meta.get_field(related.to_item).column)
    joined = " || ' ' || ".join(
        f"coalesce({table}.{quote(related.model._meta.get_field(name).column)}, '')"
        for name in related.fields
    )
    item = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    return f"(SELECT string_agg({joined}, ' ') FROM {table} WHERE {table}.{link} = {item})"  # noqa: S608


def stored_heading_rank(model, query, typed=None):
    """ts_rank of the stored `search_heading` column, plus BODY_RANK.

    The heading is the title (A) and the standfirst, summary or pledge (B) alone.
    Ranking by the whole vector would read every match's long one, which for a
    common word means most of the table. These short vectors are cheap to read, and
    a match found only in the body gets BODY_RANK, so body-only matches come after the
    others, newest first.

    When the query was expanded with a glossary term's other forms, `typed` (the query
    as typed) ranks the heading again, so a heading with the very words typed comes
    before one with another form of them.
    """
    queries = [query] if typed is None else [query, typed]
    if stores_vectors(model):
        ranks = [
            SearchRank(
                F("search_heading"), SearchQuery(text, search_type="websearch", config=CONFIG)
            )
            for text in queries
        ]
        return reduce(add, ranks) + Value(BODY_RANK)
    ranks = [
        f"ts_rank({vector_sql(model, 'search_heading')}, websearch_to_tsquery(%s::regconfig, %s))"
        for _ in queries
    ]
    return RawSQL(
        f"{' + '.join(ranks)} + %s",
        (*(param for text in queries for param in (CONFIG, text)), BODY_RANK),
        output_field=models.FloatField(),
    )


def stored_column_matches(model, column, text):
    """A search vector matches `text` (websearch syntax): the model's stored search
    vector field (see the module docstring), or for a kind without stored vectors the
    vector built at search time (vector_sql), written as SQL."""
    if stores_vectors(model):
        return Q(**{column: SearchQuery(text, search_type="websearch", config=CONFIG)})
    return Q(
        RawSQL(
            f"{vector_sql(model, column)} @@ websearch_to_tsquery(%s::regconfig, %s)",
            (CONFIG, text),
            output_field=models.BooleanField(),
        )
    )


def stored_vector_matches(model, query):
    """The row's whole stored search vector matches `query`."""
    return stored_column_matches(model, "search_vector", query)


def any_word(query):
    """The query's words joined by "or", quotes and exclusions dropped: every word of
    the query, so a heading that ranks at all matches it (ts_rank counts only the
    query's words that the heading has)."""
    words = query.replace('"', " ").split()
    words = dict.fromkeys(word.lstrip("-") for word in words)  # once each, in order
    return " or ".join(word for word in words if word and word.lower() != "or")


def heading_has_a_word(model, words):
    """Its heading (title and standfirst or summary) has one of `words` (any_word's
    text): through the GIN index of news/migrations/0007_search_heading_indexes.py."""
    return stored_column_matches(model, "search_heading", words)


def heading_has_no_word(model, words):
    """The opposite of heading_has_a_word (true for a NULL heading, which the trigger
    never leaves: Django negates a nullable field's lookup so)."""
    return ~heading_has_a_word(model, words)


def heading_matches(model, query):
    """Its heading alone matches the whole query."""
    return stored_column_matches(model, "search_heading", query)


def union_all(querysets):
    """One SQL text of the querysets' rows (the same columns in the same order)."""
    parts = [queryset.query.sql_with_params() for queryset in querysets]
    sql = " UNION ALL ".join(f"({part_sql})" for part_sql, _ in parts)
    return sql, [param for _, part_params in parts for param in part_params]


# The count, page and snippet queries are the same SQL for every search but for the
# query's text, its words, the page's pks and the time (published() compares with now).
# Building and compiling the page query's querysets costs Django more than PostgreSQL
# takes to run it for a rare word, so each is compiled once per process
# with stand-ins (private-use characters, which clean_query removes from any real
# query; a list of its own) and `bound` puts the search's own values in their place.
QUERY_TEXT = "\ue000query\ue001"
QUERY_WORDS = "\ue000words\ue001"
TYPED_TEXT = "\ue000typed\ue001"
PAGE_PKS = [0]


def bound(params, query, pks=None):
    """A compiled query's parameters with this search's query (with the glossary's
    other forms), its words, the query as typed, the pks and the time."""
    query = as_query(query)
    now = timezone.now()
    expanded = query.expanded
    stand_ins = {QUERY_TEXT: expanded, QUERY_WORDS: any_word(expanded), TYPED_TEXT: query.typed}

    def value(param):
        if param is PAGE_PKS:
            return pks
        if isinstance(param, datetime):
            return now
        return stand_ins.get(param, param) if isinstance(param, str) else param

    return [value(param) for param in params]


def stored_matches(source, excludes, expanded=False):
    """The source's matches in two parts: with one of the query's words in the heading,
    and without (see PostgresSearch); or, for a small kind, in one part, the second
    None. `expanded`: the query names a
    glossary term, and the words as typed rank a heading again (stored_heading_rank)."""
    model = source.model
    rank = stored_heading_rank(model, QUERY_TEXT, TYPED_TEXT if expanded else None)
    if small_kind(source):
        return source.public().filter(stored_vector_matches(model, QUERY_TEXT)).annotate(
            rank=rank
        ), None
    whole = stored_vector_matches(model, QUERY_TEXT)
    if not excludes:
        # A heading that matches a query without an excluded word (-word) means the
        # whole item matches (its vector starts with the heading's words, at the same
        # positions), and saves reading the whole vector.
        whole = heading_matches(model, QUERY_TEXT) | Q(whole)
    headed = source.public().filter(heading_has_a_word(model, QUERY_WORDS)).filter(whole)
    rest = (
        source.public()
        .filter(stored_vector_matches(model, QUERY_TEXT))
        .filter(heading_has_no_word(model, QUERY_WORDS))
    )
    return headed.annotate(rank=rank), rest.annotate(rank=rank)


def small_kind(source):
    """A kind with few rows: its matches are all read and ranked in one part (half the
    SQL to send and plan on every search), rather than split for the index walk that
    only a long run of dated items needs. Undated kinds are reference lists (the
    priorities, the glossary), and a kind that keeps no stored vectors has them built at
    search time because it is small (the Easy Read pages)."""
    return not source.dated or not stores_vectors(source.model)


def match_keys(rows, source):
    kind_order = Value(list(sources()).index(source.kind), output_field=models.IntegerField())
    return (
        rows.order_by()
        .annotate(kind_order=kind_order, timestamp=epoch_seconds(source))
        .values_list("kind_order", "pk", "rank", "timestamp")
    )


@lru_cache(maxsize=2)
def counting_sql(excludes):
    """Counts the matches up to a LIMIT parameter: those with a word in the heading
    first, as they are the cheapest to find (no whole vector read for most)."""
    headed, rest = zip(
        *(stored_matches(source, excludes) for source in sources().values()), strict=True
    )
    parts = [part for part in (*headed, *rest) if part is not None]
    sql, params = union_all([part.order_by().values("pk") for part in parts])
    return f"SELECT count(*) FROM ({sql} LIMIT %s) AS counted", params  # noqa: S608 - ours


@lru_cache(maxsize=256)
def ranking_sql(excludes, expanded, stop):
    """The matches from OFFSET to LIMIT (parameters), `stop` at most, best first."""
    parts = []
    for source in sources().values():
        headed, rest = stored_matches(source, excludes, expanded)
        parts.append(match_keys(headed, source))
        if rest is not None:
            # Without a word in the heading, each ranks exactly BODY_RANK: the newest
            # `stop` of them (the first by pk, for undated priorities) are enough.
            parts.append(match_keys(rest, source).order_by(*source.newest_first)[:stop])
    sql, params = union_all(parts)
    # Best first; among equals, newest first (priorities, undated, after dated items),
    # then by pk and kind (as the matches were listed before).
    order = "rank DESC, timestamp DESC NULLS LAST, pk, kind_order"
    return f"SELECT * FROM ({sql}) AS matches ORDER BY {order} LIMIT %s OFFSET %s", params  # noqa: S608


# A line of Markdown that starts a block of its own: a heading, a list item, a quote.
BLOCK_START = re.compile(r" {0,3}(?:#{1,6}|[-+*>]|\d+[.)])(?:\s|$)")
HEADING = re.compile(r" {0,3}#{1,6}(?:\s|$)")
# Where a block already ends a sentence (before any closing quote or bracket).
SENTENCE_END = re.compile(r"[.!?:;…][\"'’”)\]]*$")


def markdown_blocks(text):
    """The blocks of a piece of Markdown (headings, paragraphs, list items, quotes),
    each one line of text. A heading is one line; a paragraph ends at a blank line or
    at the start of another block."""
    blocks, lines = [], []
    for line in text.splitlines():
        ends_block = not line.strip() or BLOCK_START.match(line)
        if lines and (ends_block or HEADING.match(lines[0])):
            blocks.append(" ".join(lines))
            lines = []
        if line.strip():
            lines.append(line)
    if lines:
        blocks.append(" ".join(lines))
    return blocks


def run_together(blocks):
    """Blocks of text as one line, each but the last ending a sentence, so a heading
    never runs into the sentence after it ("A new local offer page. Monthly drop-in
    sessions")."""
    blocks = [" ".join(block.split()) for block in blocks]
    blocks = [block for block in blocks if block.strip(START + STOP)]
    ended = [
        block if SENTENCE_END.search(block.rstrip(START + STOP)) else f"{block}."
        for block in blocks[:-1]
    ]
    return " ".join([*ended, *blocks[-1:]])


def markdown_marks_removed(text):
    """A headline cut from Markdown, as plain text: the Markdown punctuation taken out,
    and each block ending a sentence (run_together)."""
    blocks = []
    for block in markdown_blocks(text):
        block = re.sub(r"^\s*(?:(?:#{1,6}|[-+*>]|\d+[.)])\s+)+", "", block)  # its markers
        block = re.sub(r"\]\([^)\s]*\)?", "", block)  # a link's address, even cut short
        block = re.sub(r"</?[a-zA-Z][^<>]*>", "", block)  # raw HTML tags
        block = re.sub(r"[\[\]`]|\*\*|__|(?<!\w)[*_]|[*_](?!\w)", "", block)
        blocks.append(block)
    return run_together(blocks)


class PostgresSearch:
    """Counts, ranks and pages in SQL, so a search costs about the same whether a word
    is in ten press releases or in all of them; only the page shown is loaded.

    A match's rank is its heading's rank plus BODY_RANK, and a heading without any of
    the query's words ranks 0 (ts_rank only counts the query's words it finds). So the
    matches whose heading has none of the words (most matches of a common word) all
    rank exactly BODY_RANK, with nothing ranked below them: of those, the newest `stop`
    of each kind are enough for any page up to `stop` (read walking the publication
    date's index). Only the matches with a word in their heading (found through its
    GIN index, a few hundred for a common word) are all ranked.
    """

    # Counting every match of a common word reads every matching row's stored vector,
    # which grows with the table; counting stops after this many and the
    # page says "more than 1,000 results", offering the first thousand.
    COUNT_LIMIT = 1000

    def count(self, query):
        """How many match, counting no further than COUNT_LIMIT + 1."""
        query = as_query(query)
        sql, params = counting_sql("-" in query.expanded)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bound(params, query), self.COUNT_LIMIT + 1])
            return cursor.fetchone()[0]

    def ranked(self, query, start, stop):
        """The matches from `start` to `stop` (best first): rank, date, kind and pk only."""
        query = as_query(query)
        sql, params = ranking_sql("-" in query.expanded, query.is_expanded, stop)
        kinds = list(sources())
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bound(params, query), stop - start, start])
            return [
                Match(kinds[kind_order], pk, rank, timestamp)
                for kind_order, pk, rank, timestamp in cursor.fetchall()
            ]

    def results(self, query, matches):
        objects = {}
        for kind, source in sources().items():
            pks = [match.pk for match in matches if match.kind == kind]
            if not pks:
                objects[kind] = {}
                continue
            sql, params = snippet_sql(kind)
            rows = source.model._default_manager.raw(sql, bound(params, query, pks))
            if source.document.prefetch:
                rows = rows.prefetch_related(*source.document.prefetch)
            objects[kind] = {item.pk: item for item in rows}

        def snippet(kind, item):
            # PostgreSQL joins fragments with " ... ".
            text = markdown_marks_removed(item.headline).replace(" ... ", " … ")
            return finish_snippet(text)

        return results_in_order(matches, objects, snippet)

    def suggestion(self, query, count):
        """The query with its misspelt words corrected from the site's own words
        (search/suggestions.py), if that finds more than `count`; else ""."""
        corrected = suggestions.corrected(query.text)
        if corrected and self.count(make_query(corrected)) > count:
            return corrected
        return ""


@lru_cache(maxsize=32)
def snippet_sql(kind):
    """The shown fields of a kind's items (pks in PAGE_PKS), with their snippets."""
    source = sources()[kind]
    table = connection.ops.quote_name(source.model._meta.db_table)
    in_page = RawSQL(f"{table}.id = ANY(%s)", (PAGE_PKS,), output_field=models.BooleanField())
    query = SearchQuery(QUERY_TEXT, search_type="websearch", config=CONFIG)
    headline = SearchHeadline(
        snippet_text(source),
        query,
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=35,
        min_words=15,
        max_fragments=2,
    )
    rows = source.public().filter(in_page).order_by().only(*source.document.shown)
    return rows.annotate(headline=headline).query.sql_with_params()


def snippet_text(source):
    """What a snippet is cut from: the summary, the body and the related rows' text."""
    return document_text(source, source.document.snippet_fields)


def document_text(source, names):
    """The text of the fields `names` and the related rows, as one text (SQL)."""
    text = models.TextField()
    document = source.document
    parts = [Coalesce(F(name), Value(""), output_field=text) for name in names]
    related = document.related
    if related is not None:
        joined = [part for name in related.fields for part in (F(name), Value(" "))][:-1]
        row_text = Concat(*joined, output_field=text) if len(joined) > 1 else joined[0]
        rows = (
            related.model._default_manager.filter(**{related.to_item: OuterRef("pk")})
            .order_by()
            .values(related.to_item)
            .annotate(text=StringAgg(row_text, delimiter="\n\n"))
            .values("text")
        )
        parts.append(Coalesce(Subquery(rows), Value(""), output_field=text))
    # Fields (and related rows) apart as Markdown paragraphs are, so that the snippet
    # keeps where one ends (markdown_marks_removed).
    spaced = [part for field in parts for part in (field, Value("\n\n"))][:-1]
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


def form_pattern(form):
    """A glossary form as a regular expression: its words whole, any punctuation or
    space between them, the last one plural or not ("EHC plans" finds "EHC Plan")."""
    *words, last = words_of(form)
    words = [re.escape(word) for word in [*words, plural_folded(last)[0]]]
    return r"(?<!\w)" + r"\W+".join(words) + r"(?:e?s)?(?!\w)"


@dataclass(frozen=True)
class Requirement:
    """What must be somewhere in a match on SQLite: every one of `stems` (each within a
    word, anywhere), or one of `forms` (regular expressions of a glossary term's other
    forms, as whole words)."""

    stems: tuple[str, ...]
    forms: tuple[str, ...] = ()
    typed: str | None = None  # a glossary term's form as typed (form_pattern)

    @property
    def patterns(self):
        """Regular expressions of what the snippet marks."""
        typed = [self.typed] if self.typed else []
        return [rf"\w*{re.escape(stem)}\w*" for stem in self.stems] + list(self.forms) + typed


def requirements(query):
    """Every word of the query, and each glossary term it names (its words as typed,
    or any of its other forms)."""
    query = as_query(query)
    found = [Requirement((term,)) for term in search_terms(query.without_spans())]
    for span in query.spans:
        others = tuple(form_pattern(form) for form in span.forms[1:])
        found.append(Requirement(tuple(search_terms(span.typed)), others, form_pattern(span.typed)))
    return found


def plain_blocks(markdown_text):
    """The blocks a reader sees (headings, paragraphs, list items), as plain text."""
    html = re.sub(
        r"</(?:p|h[1-6]|li|blockquote|pre|td|th|dt|dd|figcaption)>|<br\s*/?>",
        "\n\n",
        render_markdown(markdown_text),
        flags=re.IGNORECASE,
    )
    text = unescape(strip_tags(html))
    return [block for block in re.split(r"\n\s*\n", text) if block.strip()]


def plain_text(markdown_text):
    """The words a reader sees, without Markdown or HTML, each block ending a sentence."""
    return run_together(plain_blocks(markdown_text))


def marked_snippet(text, patterns):
    """About SNIPPET_CHARACTERS of `text` around its first match, matches marked."""
    if not patterns:
        return finish_snippet(text[:SNIPPET_CHARACTERS])
    pattern = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
    first = pattern.search(text)
    start = 0
    if first and first.start() > SNIPPET_CHARACTERS // 3:
        start = text.rfind(" ", 0, first.start() - SNIPPET_CHARACTERS // 3) + 1
    end = text.find(" ", start + SNIPPET_CHARACTERS)
    window = text[start : end if end != -1 else len(text)]
    window = ("… " if start else "") + window + (" …" if end != -1 else "")
    return finish_snippet(pattern.sub(lambda m: f"{START}{m.group()}{STOP}", window))


class SimpleSearch:
    """Finds every match, then ranks and counts them in Python: fine for development's
    few hundred items."""

    COUNT_LIMIT = None  # every match is counted

    def __init__(self):
        self._sorted_matches = {}

    def sorted_matches(self, query):
        query = as_query(query)
        if query not in self._sorted_matches:
            kinds = list(sources())
            # Among equals of the same pk, in the kinds' order, as on PostgreSQL.
            self._sorted_matches[query] = sorted(
                self.matches(query), key=lambda match: (*match.sort_key(), kinds.index(match.kind))
            )
        return self._sorted_matches[query]

    def count(self, query):
        return len(self.sorted_matches(query))

    def ranked(self, query, start, stop):
        return self.sorted_matches(query)[start:stop]

    def suggestion(self, query, count):
        return ""  # "Did you mean ...?" needs PostgreSQL's pg_trgm

    def found_in(self, fields, lookups):
        """Q: one of `lookups` ((lookup, value) pairs) in one of `fields`."""
        return reduce(
            or_,
            (Q(**{f"{field}__{lookup}": value}) for field in fields for lookup, value in lookups),
        )

    def anywhere(self, document, lookups):
        """Q: one of `lookups` in the document's fields or one of its related rows."""
        found = self.found_in(document.fields, lookups)
        if document.related is not None:
            related = document.related
            rows = related.model._default_manager.filter(**{related.to_item: OuterRef("pk")})
            found |= models.Exists(rows.filter(self.found_in(related.fields, lookups)))
        return found

    def condition(self, document, requirement):
        """Q: every stem somewhere, or one of the other forms somewhere."""
        either = []
        if requirement.stems:
            each = [self.anywhere(document, [("icontains", stem)]) for stem in requirement.stems]
            either.append(reduce(and_, each))
        if requirement.forms:
            either.append(self.anywhere(document, [("iregex", form) for form in requirement.forms]))
        return reduce(or_, either)

    def score(self, document, lookups, elsewhere):
        """Where one of `lookups` is: title, summary, else `elsewhere` (body or nowhere)."""
        weighted = [(document.title, "title"), (document.summary, "summary")]
        if not elsewhere:
            weighted.append((document.body, "body"))
        whens = [
            When(self.found_in(fields, lookups), then=WEIGHTS[weight])
            for fields, weight in weighted
            if fields  # a kind may have no title or summary field
        ]
        default = WEIGHTS["body"] if elsewhere else 0
        return Case(*whens, default=default, output_field=models.IntegerField())

    def matches(self, query):
        found_all = requirements(query)
        if not found_all:
            return []
        parts = []
        for kind_order, source in enumerate(sources().values()):
            document = source.document
            conditions = [self.condition(document, requirement) for requirement in found_all]
            scores = []
            for requirement in found_all:
                lookups = [("icontains", stem) for stem in requirement.stems]
                lookups += [("iregex", form) for form in requirement.forms]
                scores.append(self.score(document, lookups, elsewhere=True))
                if requirement.typed is not None:
                    # A glossary term's form as typed counts again where it is, so a
                    # page with the very words typed comes first.
                    scores.append(self.score(document, [("iregex", requirement.typed)], False))
            parts.append(
                source.public()
                .filter(reduce(and_, conditions))
                .annotate(
                    kind_order=Value(kind_order, output_field=models.IntegerField()),
                    rank=reduce(add, scores),
                    date=F("published_at") if source.dated else Value(None, models.DateTimeField()),
                )
                .order_by()
                .values_list("kind_order", "pk", "rank", "date")
            )
        kinds = list(sources())
        # Every kind in one query, however many kinds there are.
        return [
            Match(kinds[kind_order], pk, rank, date.timestamp() if date is not None else None)
            for kind_order, pk, rank, date in parts[0].union(*parts[1:], all=True)
        ]

    def results(self, query, matches):
        patterns = [pattern for found in requirements(query) for pattern in found.patterns]
        objects = {}
        all_sources = sources()
        for kind, source in all_sources.items():
            pks = [match.pk for match in matches if match.kind == kind]
            document = source.document
            rows = source.public().filter(pk__in=pks) if pks else []
            if pks and document.related is not None:
                rows = rows.prefetch_related(document.related.accessor)
            if pks and document.prefetch:
                rows = rows.prefetch_related(*document.prefetch)
            objects[kind] = {item.pk: item for item in rows}

        def snippet(kind, item):
            document = all_sources[kind].document
            blocks = [
                block
                for name in document.snippet_fields
                for block in plain_blocks(getattr(item, name))
            ]
            if document.related is not None:
                for row in getattr(item, document.related.accessor).all():
                    blocks.append(" ".join(getattr(row, name) for name in document.related.fields))
            return marked_snippet(run_together(blocks), patterns)

        return results_in_order(matches, objects, snippet)
