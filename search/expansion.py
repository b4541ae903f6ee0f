"""
Searching in families' words: a search for one form of a glossary term finds the
others. "EHCP", "EHC plan" and "Education, Health and Care plan" are one term to a
reader, so a search for any of them is a search for every one.

The forms come through the content protocol (`Content.search_word_forms()`: the
glossary's shown terms, cached and read again when a term changes). A term is found in
what was typed as whole words, whatever the capitals and punctuation ("ehc plan",
"Education Health and Care plan"); `Query` remembers where (its `spans`), and each
backend searches for any form there:

- PostgreSQL (`Query.expanded`): the query written once for each combination of forms,
  joined by "or", in the web search syntax it already speaks: `EHCP reviews` becomes
  `EHCP reviews or "EHC plan" reviews or ...`. A form is not expanded where it is
  excluded (`-EHCP`) or joined to another word (`EHCP-related`).
- SQLite (`SimpleSearch`): where a term is named, either the words typed (each
  somewhere, as for any word) or one of its other forms, as a phrase of whole words.

Either way a search finds everything it found before, and more: what was typed is
searched as typed, and the other forms are added.

Forms that differ only by a plural "s" ("EHCP", "EHCPs") are searched once: both
databases find plurals anyway. What was typed stays the query for ranking, so a page
using the very words typed comes first (see engine.py).
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from publishing import content

WORD = re.compile(r"\w+")
# The most alternatives a PostgreSQL query is written as: a query naming three terms of
# four forms each would be 64; the later terms are then searched as typed.
MAX_ALTERNATIVES = 32
# Where a form may end in what was typed: not joined to more of a word ("EHCP-related").
ENDS = frozenset(' "\t,.;:!?)')


def words_of(text):
    return tuple(word.lower() for word in WORD.findall(text))


def plural_folded(form):
    """A form's words without a plural "s": "EHC plans" and "EHC plan" are one."""
    return tuple(
        word[:-1] if len(word) > 3 and word.endswith("s") else word for word in words_of(form)
    )


@dataclass(frozen=True)
class Span:
    """Where one form of a term stands in the query, and the forms searched there."""

    start: int
    end: int
    forms: tuple[str, ...]  # what was typed first, then the term's other distinct forms
    quoted: bool  # inside a "phrase"

    @property
    def typed(self):
        return self.forms[0]


@dataclass(frozen=True)
class Query:
    """What was typed (cleaned), and where it names a glossary term."""

    text: str
    spans: tuple[Span, ...] = ()

    def __bool__(self):
        return bool(self.text)

    def __str__(self):
        return self.text

    @property
    def is_expanded(self):
        return bool(self.spans)

    @property
    def typed(self):
        """What was typed, in the web search syntax (an unclosed quote closed)."""
        return closed_quotes(self.text)

    @property
    def expanded(self):
        """The web search query for any form of each term named: the query written once
        for each combination of forms, joined by "or" (which binds loosest)."""
        if not self.spans:
            return self.typed
        text = self.typed
        spans, count = [], 1
        for span in self.spans:
            if count * len(span.forms) > MAX_ALTERNATIVES:
                break
            spans.append(span)
            count *= len(span.forms)
        alternatives = []
        for choice in product(*(range(len(span.forms)) for span in spans)):
            pieces, position = [], 0
            for span, form in zip(spans, choice, strict=True):
                # What was typed stays as it was ("preparing for adulthood" still finds
                # both words apart); another form is a phrase.
                written_form = written(span.forms[form], span.quoted) if form else span.typed
                pieces += [text[position : span.start], written_form]
                position = span.end
            pieces.append(text[position:])
            alternatives.append("".join(pieces))
        return " or ".join(alternatives)

    def without_spans(self):
        """The query's other words (SQLite matches each span as a whole)."""
        pieces, position = [], 0
        for span in self.spans:
            pieces.append(self.text[position : span.start])
            position = span.end
        pieces.append(self.text[position:])
        return " ".join(pieces)


def closed_quotes(text):
    """An unclosed quote runs to the end in the web search syntax: say so, so that
    another alternative written after it is not taken into the phrase."""
    return f'{text}"' if text.count('"') % 2 else text


def written(form, quoted):
    """A form as a query says it: a phrase in quotes, unless already in a phrase."""
    form = form.replace('"', " ")
    return form if quoted or len(words_of(form)) < 2 else f'"{form}"'


def form_groups():
    """Every group of forms the registered kinds give (the glossary's terms)."""
    return tuple(group for kind in content.kinds() for group in kind.search_word_forms())


@lru_cache(maxsize=4)
def form_index(groups):
    """{a form's words: its group's distinct forms}, and the most words a form has."""
    index = {}
    for group in groups:
        distinct = {}
        for form in group:
            distinct.setdefault(plural_folded(form), form)
        if len(distinct) < 2:
            continue  # "Transition", "transitions": nothing more to search for
        for form in group:
            if words_of(form):
                index.setdefault(words_of(form), (plural_folded(form), tuple(distinct.values())))
    return index, max(map(len, index), default=0)


def make_query(text, groups=None):
    """The Query of `text` (already cleaned), with the forms of the terms it names."""
    index, longest = form_index(form_groups() if groups is None else groups)
    if not longest or not text:
        return Query(text)
    tokens = list(WORD.finditer(text))
    spans, position = [], 0
    while position < len(tokens):
        for count in range(min(longest, len(tokens) - position), 0, -1):
            found = index.get(tuple(t[0].lower() for t in tokens[position : position + count]))
            if found is not None:
                break
        else:
            position += 1
            continue
        start, end = tokens[position].start(), tokens[position + count - 1].end()
        position += count
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if before not in ' "' or after not in ENDS or '"' in text[start:end]:
            continue  # excluded (-EHCP), part of a longer word, or across a phrase's end
        folded, forms = found
        typed = text[start:end]
        others = tuple(form for form in forms if plural_folded(form) != folded)
        quoted = text.count('"', 0, start) % 2 == 1
        spans.append(Span(start, end, (typed, *others), quoted))
    return Query(text, tuple(spans))
