"""
Site search: every kind of content registered with a search document (publishing/
content.py: the priorities, published press releases and published decisions today),
searched together, ranked, with the matched words highlighted in a snippet.

`search(text)` is the one entry point. It returns a `SearchResults` sequence that
Django's Paginator pages through: finding and ranking every match costs a fixed few
small queries (keys, ranks and dates only), and only the page being shown is loaded
and given snippets.

- On PostgreSQL: full-text search with the English configuration (so "priorities"
  finds "priority"), words in a title (weight A) outranking a standfirst or summary
  (B) and the body (C), ranked by `ts_rank`, snippets by `SearchHeadline`. A kind
  whose search document says `stored_vectors` (the priorities, press releases and
  decisions with their quotes) is matched against its stored `search_vector` and
  `search_heading` fields (kept by the triggers their models name, GIN-indexed: see
  search/vectors.py), so no row's text is turned into a vector at search time; change
  a vector's fields in its search document and its trigger together. Any other kind's
  vectors are built from its fields at search time.
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

MAX_QUERY_LENGTH = 200
SNIPPET_CHARACTERS = 240
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
        self.query = query
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


def search(text):
    """Search everything the public can see for `text`, best match first."""
    query = clean_query(text)
    backend = PostgresSearch() if connection.vendor == "postgresql" else SimpleSearch()
    return SearchResults(query, backend)


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


def stored_heading_rank(model, query):
    """ts_rank of the stored `search_heading` column, plus BODY_RANK.

    The heading is the title (A) and the standfirst, summary or pledge (B) alone.
    Ranking by the whole vector would read every match's long one, which for a
    common word means most of the table. These short vectors are cheap to read, and
    a match found only in the body gets BODY_RANK, so body-only matches come after the
    others, newest first.
    """
    if stores_vectors(model):
        query = SearchQuery(query, search_type="websearch", config=CONFIG)
        return SearchRank(F("search_heading"), query) + Value(BODY_RANK)
    return RawSQL(
        f"ts_rank({vector_sql(model, 'search_heading')}, "
        "websearch_to_tsquery(%s::regconfig, %s)) + %s",
        (CONFIG, query, BODY_RANK),
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
    words = [word.lstrip("-") for word in words]
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
PAGE_PKS = [0]


def bound(params, query, pks=None):
    """A compiled query's parameters with this search's query, words, pks and time."""
    now = timezone.now()
    stand_ins = {QUERY_TEXT: query, QUERY_WORDS: any_word(query)}

    def value(param):
        if param is PAGE_PKS:
            return pks
        if isinstance(param, datetime):
            return now
        return stand_ins.get(param, param) if isinstance(param, str) else param

    return [value(param) for param in params]


def stored_matches(source, excludes):
    """The source's matches in two parts: with one of the query's words in the heading,
    and without (see PostgresSearch)."""
    model = source.model
    whole = stored_vector_matches(model, QUERY_TEXT)
    if not excludes:
        # A heading that matches a query without an excluded word (-word) means the
        # whole item matches (its vector starts with the heading's words, at the same
        # positions), and saves reading the whole vector.
        whole = heading_matches(model, QUERY_TEXT) | Q(whole)
    rank = stored_heading_rank(model, QUERY_TEXT)
    headed = source.public().filter(heading_has_a_word(model, QUERY_WORDS)).filter(whole)
    rest = (
        source.public()
        .filter(stored_vector_matches(model, QUERY_TEXT))
        .filter(heading_has_no_word(model, QUERY_WORDS))
    )
    return headed.annotate(rank=rank), rest.annotate(rank=rank)


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
    parts = [*headed, *rest]
    sql, params = union_all([part.order_by().values("pk") for part in parts])
    return f"SELECT count(*) FROM ({sql} LIMIT %s) AS counted", params  # noqa: S608 - ours


@lru_cache(maxsize=256)
def ranking_sql(excludes, stop):
    """The matches from OFFSET to LIMIT (parameters), `stop` at most, best first."""
    parts = []
    for source in sources().values():
        headed, rest = stored_matches(source, excludes)
        parts.append(match_keys(headed, source))
        # Without a word in the heading, each ranks exactly BODY_RANK: the newest
        # `stop` of them (the first by pk, for undated priorities) are enough.
        parts.append(match_keys(rest, source).order_by(*source.newest_first)[:stop])
    sql, params = union_all(parts)
    # Best first; among equals, newest first (priorities, undated, after dated items),
    # then by pk and kind (as the matches were listed before).
    order = "rank DESC, timestamp DESC NULLS LAST, pk, kind_order"
    return f"SELECT * FROM ({sql}) AS matches ORDER BY {order} LIMIT %s OFFSET %s", params  # noqa: S608


def markdown_marks_removed(text):
    """A headline cut from Markdown, with the Markdown punctuation taken out."""
    text = re.sub(r"\]\([^)\s]*\)?", "", text)  # a link's address, even cut short
    text = re.sub(r"</?[a-zA-Z][^<>]*>", "", text)  # raw HTML tags
    text = re.sub(r"(^|\s)(#{1,6}|[-+*>]|\d+\.)\s", r"\1", text)  # headings, lists, quotes
    text = re.sub(r"[\[\]`]|\*\*|__|(?<!\w)[*_]|[*_](?!\w)", "", text)
    return " ".join(text.split())


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
        sql, params = counting_sql("-" in query)
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bound(params, query), self.COUNT_LIMIT + 1])
            return cursor.fetchone()[0]

    def ranked(self, query, start, stop):
        """The matches from `start` to `stop` (best first): rank, date, kind and pk only."""
        sql, params = ranking_sql("-" in query, stop)
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
            objects[kind] = {item.pk: item for item in rows}

        def snippet(kind, item):
            # PostgreSQL joins fragments with " ... ".
            text = markdown_marks_removed(item.headline).replace(" ... ", " … ")
            return finish_snippet(text)

        return results_in_order(matches, objects, snippet)


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
    text = models.TextField()
    document = source.document
    parts = [Coalesce(F(name), Value(""), output_field=text) for name in document.snippet_fields]
    related = document.related
    if related is not None:
        joined = [part for name in related.fields for part in (F(name), Value(" "))][:-1]
        row_text = Concat(*joined, output_field=text) if len(joined) > 1 else joined[0]
        rows = (
            related.model._default_manager.filter(**{related.to_item: OuterRef("pk")})
            .order_by()
            .values(related.to_item)
            .annotate(text=StringAgg(row_text, delimiter=" "))
            .values("text")
        )
        parts.append(Coalesce(Subquery(rows), Value(""), output_field=text))
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
    """Finds every match, then ranks and counts them in Python: fine for development's
    few hundred items."""

    COUNT_LIMIT = None  # every match is counted

    def __init__(self):
        self._sorted_matches = {}

    def sorted_matches(self, query):
        if query not in self._sorted_matches:
            self._sorted_matches[query] = sorted(self.matches(query), key=Match.sort_key)
        return self._sorted_matches[query]

    def count(self, query):
        return len(self.sorted_matches(query))

    def ranked(self, query, start, stop):
        return self.sorted_matches(query)[start:stop]

    def field_matches(self, fields, term):
        return reduce(or_, (Q(**{f"{field}__icontains": term}) for field in fields))

    def term_in_related(self, related, term):
        rows = related.model._default_manager.filter(**{related.to_item: OuterRef("pk")})
        return models.Exists(rows.filter(self.field_matches(related.fields, term)))

    def matches(self, query):
        terms = search_terms(query)
        if not terms:
            return []
        found = []
        for source in sources().values():
            document = source.document
            conditions = []
            scores = []
            for term in terms:
                anywhere = self.field_matches(document.fields, term)
                if document.related is not None:
                    anywhere |= self.term_in_related(document.related, term)
                conditions.append(anywhere)
                weighted = [(document.title, "title"), (document.summary, "summary")]
                whens = [
                    When(self.field_matches(fields, term), then=WEIGHTS[weight])
                    for fields, weight in weighted
                    if fields  # a kind may have no summary
                ]
                scores.append(
                    Case(*whens, default=WEIGHTS["body"], output_field=models.IntegerField())
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
        all_sources = sources()
        for kind, source in all_sources.items():
            pks = [match.pk for match in matches if match.kind == kind]
            related = source.document.related
            rows = source.public().filter(pk__in=pks) if pks else []
            if pks and related is not None:
                rows = rows.prefetch_related(related.accessor)
            objects[kind] = {item.pk: item for item in rows}

        def snippet(kind, item):
            document = all_sources[kind].document
            texts = [plain_text(getattr(item, name)) for name in document.snippet_fields]
            if document.related is not None:
                for row in getattr(item, document.related.accessor).all():
                    texts.append(" ".join(getattr(row, name) for name in document.related.fields))
            return marked_snippet(" ".join(text for text in texts if text), terms)

        return results_in_order(matches, objects, snippet)
