"""
"Did you mean ...?" on PostgreSQL: each word of a search that the site never uses is
replaced by the nearest word it does use, by pg_trgm's trigram similarity
(search/migrations/0001 adds the extension). The view offers the corrected search
when a search finds fewer than engine.FEW_RESULTS and the correction finds more. SQLite
has no pg_trgm: there is no suggestion there.

The site's words are a table (`search.models.Word`, with a trigram GiST index): every
word of letters, from three letters long, in what the public can find (every searched
kind's public items: titles, summaries, bodies and related rows such as quotes and Easy
Read points; the glossary is one of those kinds). Making it reads all of that text, so
it is made again only when it may be out of date: saving or deleting an item of a
searched kind or one of its related rows forgets that the words are up to date
(apps.py), and the next search that wants a suggestion makes them first. Changes that
send no signal (`bulk_create`, `update()`) are taken in within WORDS_MAX_AGE, or at
once by `manage.py refresh_search_words`. A word of an item that is no longer public
may stay in the table until then, but a suggestion is only shown when it finds
something the public can see.
"""

import logging
import re

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction

from publishing import content

from .models import WORD_MAX_LENGTH, Word

logger = logging.getLogger(__name__)

WORDS_FRESH_KEY = "search:words-fresh"
WORDS_MAKING_KEY = "search:words-making"  # one process makes them at a time
WORDS_MAX_AGE = 24 * 60 * 60
WORDS_MAKING_TIMEOUT = 5 * 60
MIN_LENGTH = 3
LETTERS = re.compile(r"[^\W\d_]+")

# The nearest site word to each typed word, in order: among those similar enough
# (pg_trgm's `%`, similarity 0.3 and over), the nearest by trigram distance (`<->`),
# both through the GiST index.
NEAREST_SQL = f"""
    SELECT (
        SELECT word.word FROM {Word._meta.db_table} AS word
        WHERE word.word %% typed.word
        ORDER BY word.word <-> typed.word, word.word
        LIMIT 1
    )
    FROM unnest(%s::text[]) WITH ORDINALITY AS typed(word, position)
    ORDER BY typed.position
"""  # noqa: S608 - our own table's name


def corrected(text):
    """`text` with each word the site never uses replaced by the nearest one it does
    ("familes" -> "families"), or "" when nothing is to be corrected (or on SQLite)."""
    if connection.vendor != "postgresql":
        return ""
    typed = [
        match for match in LETTERS.finditer(text) if MIN_LENGTH <= len(match[0]) <= WORD_MAX_LENGTH
    ]
    if not typed:
        return ""
    try:
        words_up_to_date()
        with connection.cursor() as cursor:
            cursor.execute(NEAREST_SQL, [[match[0].lower() for match in typed]])
            nearest = [word for (word,) in cursor.fetchall()]
    except DatabaseError:
        # A suggestion is a help, not part of the page: a search without one.
        logger.exception("Search: could not look for a suggestion")
        return ""
    pieces, position = [], 0
    for match, word in zip(typed, nearest, strict=True):
        if word is None or word == match[0].lower():
            continue
        pieces += [text[position : match.start()], same_capitals(word, match[0])]
        position = match.end()
    if not pieces:
        return ""
    return "".join([*pieces, text[position:]])


def same_capitals(word, typed):
    """The word written as the visitor wrote theirs: "EHCP", "Families" or "families"."""
    if typed.isupper() and len(typed) > 1:
        return word.upper()
    return word.capitalize() if typed[0].isupper() else word


def words_up_to_date():
    """Make the site's words again if they may be out of date (and no other process is
    making them now)."""
    if cache.get(WORDS_FRESH_KEY) or not cache.add(
        WORDS_MAKING_KEY, True, timeout=WORDS_MAKING_TIMEOUT
    ):
        return
    try:
        refresh_words()
    finally:
        cache.delete(WORDS_MAKING_KEY)


def searched_models():
    """The models whose rows the words come from: each searched kind's, and its related
    rows' (a press release's quotes, an Easy Read version's points)."""
    found = set()
    for kind in content.kinds():
        if kind.search is not None:
            found.add(kind.model)
            if kind.search.related is not None:
                found.add(kind.search.related.model)
    return found


def words_changed(sender, using=None, **kwargs):
    """post_save and post_delete of any model (apps.py): when a searched item or one of
    its related rows changed, the words may be out of date (again once the change
    commits: a search meanwhile read the rows from before it)."""
    if sender not in searched_models():
        return
    cache.delete(WORDS_FRESH_KEY)
    transaction.on_commit(lambda: cache.delete(WORDS_FRESH_KEY), using=using)


def refresh_words():
    """Make the table of the site's words again from what the public can find now, in
    one statement (after emptying it) in one transaction."""
    if connection.vendor != "postgresql":
        return
    from .engine import document_text, sources  # the engine asks this module

    # Up to date from now: a change from here on forgets it again (words_changed).
    cache.set(WORDS_FRESH_KEY, True, timeout=WORDS_MAX_AGE)
    try:
        make_words(document_text, sources())
    except DatabaseError:
        cache.delete(WORDS_FRESH_KEY)
        raise


def make_words(document_text, sources):
    """Empty the table and fill it with the words of every source's public items."""
    parts, params = [], []
    for source in sources.values():
        rows = (
            source.public()
            .order_by()
            .annotate(searched_text=document_text(source, source.document.fields))
        )
        sql, part_params = rows.values("searched_text").query.sql_with_params()
        parts.append(
            "SELECT regexp_split_to_table(lower(searched_text), '[^[:alpha:]]+') AS word"
            f" FROM ({sql}) AS {connection.ops.quote_name(source.kind)}"  # noqa: S608
        )
        params += part_params
    table = Word._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        cursor.execute(
            f"INSERT INTO {table} (word) SELECT DISTINCT word FROM ({' UNION ALL '.join(parts)})"  # noqa: S608
            f" AS words WHERE length(word) BETWEEN {MIN_LENGTH} AND {WORD_MAX_LENGTH}",
            params,
        )
