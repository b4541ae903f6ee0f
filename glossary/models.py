"""The glossary of SEND terms: what the words families meet on the site mean.

A term is live as soon as it is saved (there is no draft stage): it appears on
/glossary/ and its first use on every page links there.
"""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from publishing.markdown import PAGE_IDS, render_markdown
from search.vectors import SearchVectorIndex, StoredSearchVectorField, WithoutStoredVectors

from . import search_vectors

SHORT_DEFINITION_MAX_LENGTH = 300
# The glossary page gives each letter's heading this id ("letter-e").
LETTER_ID_PREFIX = "letter-"
OTHER_LETTER = "0-9"  # where a term that does not start with a letter is listed


def split_forms(text):
    """One form a line (a form may hold a comma: "Education, Health and Care plans")."""
    return [" ".join(form.split()) for form in text.splitlines() if form.strip()]


def looks_like_abbreviation(form):
    """Written like an abbreviation ("EHCPs", "SENCo"): one word, two or more capitals.
    Such a form matches only with exactly those capitals, so "SEND" never matches "send"."""
    return " " not in form and sum(char.isupper() for char in form) >= 2


def form_key(form):
    """How two forms are compared for clashes: capitals and spacing ignored."""
    return " ".join(form.lower().split())


class GlossaryTermQuerySet(models.QuerySet):
    def shown(self):
        """What the public sees, A to Z."""
        return self.filter(is_shown=True).order_by(Lower("term"), "pk")


class GlossaryTerm(models.Model):
    term = models.CharField(
        max_length=100,
        help_text="The word or phrase in full, as families will read it, e.g. "
        "“Education, Health and Care plan”. Start with a capital letter only if it always "
        "has one.",
    )
    abbreviation = models.CharField(
        max_length=20,
        blank=True,
        help_text="Its short form, if it has one, e.g. “EHCP”. It is only recognised on a "
        "page when written with exactly these capitals.",
    )
    slug = models.SlugField(
        "web address",
        max_length=60,
        unique=True,
        help_text="The end of the entry's address, e.g. “ehcp” for /glossary/#ehcp. "
        "Lowercase letters, numbers and hyphens. Keep it once the term is on the site, "
        "so links to it keep working.",
    )
    short_definition = models.CharField(
        "plain-English definition",
        max_length=SHORT_DEFINITION_MAX_LENGTH,
        help_text="One or two short sentences a parent who has never met the term would "
        f"understand. Plain text, up to {SHORT_DEFINITION_MAX_LENGTH} characters.",
    )
    explanation = MarkdownxField(
        "longer explanation",
        blank=True,
        help_text="Optional. More detail, shown under the definition on the glossary page. "
        "Paragraphs, lists and links only: no headings.",
    )
    other_forms = models.TextField(
        "other forms to recognise",
        max_length=1000,
        blank=True,
        help_text="Other ways the term is written on the site, one on each line, e.g. "
        "“EHC plan”, “EHC plans”, “EHCPs”. Forms written with two or more capitals and no "
        "spaces (like “EHCPs”) must match exactly; other forms match whatever their capitals.",
    )
    is_shown = models.BooleanField(
        "shown on the site",
        default=True,
        help_text="Untick to take the term off the glossary page and stop linking to it, "
        "without deleting it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Site search on PostgreSQL: every searched word, and the term's and definition's
    # (glossary/search_vectors.py). Kept by the database; never loaded with a term.
    search_vector = StoredSearchVectorField()
    search_heading = StoredSearchVectorField()
    search_triggers = (search_vectors.GLOSSARY_TERM,)

    objects = WithoutStoredVectors.from_queryset(GlossaryTermQuerySet)()

    class Meta:
        verbose_name = "glossary term"
        ordering = [Lower("term")]
        indexes = [
            SearchVectorIndex(fields=["search_vector"], name="glossary_glossaryterm_search_vector")
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("term"),
                name="glossary_term_unique",
                violation_error_message="There is already a glossary term with this name.",
            ),
            models.UniqueConstraint(
                "abbreviation",
                condition=~models.Q(abbreviation=""),
                name="glossary_abbreviation_unique",
                violation_error_message="Another glossary term already has this abbreviation.",
            ),
        ]

    def __str__(self):
        return f"{self.term} ({self.abbreviation})" if self.abbreviation else self.term

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.abbreviation or self.term)[:60].strip("-")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{reverse('glossary:index')}#{self.slug}"

    @property
    def letter(self):
        """Where the term is listed on the A to Z page."""
        first = self.term[:1].upper()
        return first if "A" <= first <= "Z" else OTHER_LETTER

    @property
    def forms(self):
        """Every way of writing the term the site recognises: full term first."""
        forms = [self.term.strip()]
        if self.abbreviation.strip():
            forms.append(self.abbreviation.strip())
        forms += split_forms(self.other_forms)
        unique = {}
        for form in forms:
            unique.setdefault(form, None)
        return list(unique)

    def clean(self):
        super().clean()
        self.term = " ".join(self.term.split())
        self.abbreviation = self.abbreviation.strip()
        self.short_definition = " ".join(self.short_definition.split())
        errors = {}
        if self.abbreviation and not re.search(r"\w", self.abbreviation):
            errors["abbreviation"] = "An abbreviation needs at least one letter or number."
        if self.term and not re.search(r"\w", self.term):
            errors["term"] = "A term needs at least one letter or number."
        too_long = [form for form in split_forms(self.other_forms) if len(form) > 100]
        if too_long:
            errors["other_forms"] = "Each form can be up to 100 characters long."
        if self.slug and (self.slug in PAGE_IDS or self.slug.startswith(LETTER_ID_PREFIX)):
            errors["slug"] = (
                f"“{self.slug}” is used by the page itself. Choose another web address."
            )
        if "<h" in render_markdown(self.explanation):
            errors["explanation"] = (
                "Headings are not needed in a glossary entry. Use paragraphs or a list."
            )
        errors.update(self.clashing_forms())
        if errors:
            raise ValidationError(errors)

    def forms_by_field(self):
        """{field: [(form, matched with its exact capitals?)]}."""
        abbreviation = self.abbreviation.strip()
        return {
            "term": [(self.term, looks_like_abbreviation(self.term))],
            "abbreviation": [(abbreviation, True)] if abbreviation else [],
            "other_forms": [
                (form, looks_like_abbreviation(form)) for form in split_forms(self.other_forms)
            ],
        }

    def clashing_forms(self):
        """Each word or phrase may link to one term only: {field: message} for any that
        another term (or another field of this one) already uses. "SENCO" and "SENCo"
        are different forms (each matches only its own capitals); "EHC plan" and
        "EHC Plan" are the same."""
        if not self.term:
            return {}
        taken = {}  # lowercase form -> [(form, exact, other term)]
        for other in GlossaryTerm.objects.exclude(pk=self.pk):
            for forms in other.forms_by_field().values():
                for form, exact in forms:
                    taken.setdefault(form_key(form), []).append((form, exact, other))
        errors = {}
        seen_here = {}  # lowercase form -> [(form, exact, field)]
        for field, forms in self.forms_by_field().items():
            for form, exact in forms:
                key = form_key(form)
                clash = next(
                    (used for used in taken.get(key, []) if forms_clash(form, exact, *used[:2])),
                    None,
                )
                repeat = next(
                    (
                        used
                        for used in seen_here.get(key, [])
                        if forms_clash(form, exact, *used[:2])
                    ),
                    None,
                )
                if clash and field not in errors:
                    used_as, _, other = clash
                    errors[field] = (
                        f"“{form}” is already used by the glossary term “{other.term}” "
                        f"(as “{used_as}”). Each word or phrase can link to one term only."
                    )
                elif repeat and repeat[2] != field and field not in errors:
                    errors[field] = f"“{form}” is already {OWN_FORM_LABELS[repeat[2]]}."
                seen_here.setdefault(key, []).append((form, exact, field))
        return errors


OWN_FORM_LABELS = {
    "term": "the term itself",
    "abbreviation": "its abbreviation",
    "other_forms": "one of its other forms",
}


def forms_clash(form, exact, other, other_exact):
    """Whether some words on a page would match both forms (their lowercase is the same)."""
    return form == other or not (exact and other_exact)
