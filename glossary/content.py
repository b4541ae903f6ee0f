"""The glossary's place in the shared apps: the content protocol of publishing/content.py.
Imported by GlossaryConfig.ready().

Terms have no page of their own: they are listed on the glossary page (each at
/glossary/#slug) and marked in other pages. Site search finds the shown ones, and
searches for every form of a term when any one is typed (`search_word_forms`).
"""

from publishing import content

from .marking import shown_terms
from .models import GlossaryTerm
from .sitemaps import SITEMAPS


@content.register
class GlossaryContent(content.Content):
    model = GlossaryTerm
    kind = "glossary"
    label = "Glossary"
    search = content.SearchDocument(
        title=("term", "abbreviation", "other_forms"),
        # Ranked as body text: an entry comes first for its own name, not for a common
        # word of its definition (see search_vectors.py).
        summary=(),
        body=("short_definition", "explanation"),
        dated=False,  # among results of equal rank, after the dated ones
        shown=("term", "abbreviation", "slug"),
        stored_vectors=True,  # glossary/search_vectors.py
    )

    def published(self):
        return GlossaryTerm.objects.shown()

    def title(self, item):
        return item.term

    def summary(self, item):
        return item.short_definition

    def search_word_forms(self):
        return word_forms()


_word_forms = (None, ())  # (version of the shown terms, their forms)


def word_forms():
    """Each shown term's forms ("Education, Health and Care plan", "EHCP", "EHC plan"...),
    from the terms that marking reads from the cache (refreshed when a term changes),
    made into tuples once per version of them."""
    global _word_forms
    shown = shown_terms()
    if _word_forms[0] != shown.version:
        groups = tuple(tuple(forms) for *_, forms in shown.terms if len(forms) > 1)
        _word_forms = (shown.version, groups)
    return _word_forms[1]


content.register_sitemaps(SITEMAPS)
