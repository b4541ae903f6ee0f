"""
The checks of a whole item, as its change form's "Content checks" panel lists them:
each of its texts (its Markdown fields, and the plain-text fields its app registered),
its pictures, and the checks its app registered for it (the Easy Read rules).

What the item's own form holds (its texts, its picture) can be checked as the form is
saved. The parts saved with it (an Easy Read version's points) are checked as they
were last saved: the panel lists them, but the question before publishing is about
what the form holds, so it never judges points the editor has just changed.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.utils.text import capfirst
from markdownx.models import MarkdownxField

from contentchecks import registry
from contentchecks.checks import Finding, alt_text_problem, check
from contentchecks.models import AvoidWord
from images.models import HasPicture


@dataclass
class Section:
    """A part of the item and what the checks found in it."""

    label: str
    findings: list = field(default_factory=list)
    reading_age: object = None  # a checks.ReadingAge, for a text
    on_form: bool = True  # about what the item's own form holds (not its parts)


@dataclass
class ItemReport:
    sections: list

    @property
    def findings(self):
        return [finding for section in self.sections for finding in section.findings]

    @property
    def count(self):
        return len(self.findings)

    def open_advice(self):
        """The findings a save of the form can act on, less consent: a picture of
        people without it is refused at publication anyway (images.HasPicture)."""
        return [
            (section.label, finding)
            for section in self.sections
            if section.on_form
            for finding in section.findings
            if finding.kind != "consent"
        ]

    def more_advice_than(self, other):
        """Whether this has more findings of some kind, in some part, than `other`: a
        sentence reworded but still long is not a new finding; a new vague link is."""
        mine = Counter((label, finding.kind) for label, finding in self.open_advice())
        theirs = Counter((label, finding.kind) for label, finding in other.open_advice())
        return bool(mine - theirs)


def checked_fields(model):
    """The model's fields whose text is checked, in the model's order."""
    plain = set(registry.text_fields(model))
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable and (isinstance(f, MarkdownxField) or f.name in plain)
    ]


def is_checked(model):
    """Whether an item of this model has anything to check."""
    return bool(
        checked_fields(model) or registry.item_checks(model) or issubclass(model, HasPicture)
    )


def check_item(item, *, user=None, values=None):
    """What the checks find in `item`. `values`: what a form is about to save, by field
    name (a form's cleaned data), read in place of the item's own."""
    values = values or {}
    avoid_words = list(AvoidWord.objects.all())
    sections, explained = [], set()
    for f in checked_fields(type(item)):
        text = values[f.name] if f.name in values else getattr(item, f.name)
        if not (text or "").strip():
            continue
        report = check(text, user=user, avoid_words=avoid_words, explained=explained)
        explained = report.explained
        sections.append(Section(capfirst(f.verbose_name), report.findings, report.reading_age))
    sections += [section for section in picture_sections(item, values) if section.findings]
    for item_check in registry.item_checks(type(item)):
        found = item_check.check(item)
        if found:
            sections.append(Section(item_check.label, found, on_form=False))
    return ItemReport(sections)


# Pictures ------------------------------------------------------------------------------


def picture_sections(item, values):
    """The item's own picture, then its parts' (an Easy Read point's)."""
    sections = []
    if isinstance(item, HasPicture):
        image = values["image"] if "image" in values else item.image
        name = capfirst(type(item)._meta.get_field("image").verbose_name)
        sections.append(Section(name, picture_findings(image, name)))
    for part_model, to_item in picture_parts(type(item)):
        if item.pk is None:
            continue
        parts = part_model._default_manager.filter(**{to_item: item}).select_related("image")
        name = capfirst(part_model._meta.get_field("image").verbose_name)
        findings = [
            finding
            for part in parts
            for finding in picture_findings(part.image, name, beside=str(part))
        ]
        label = f"{capfirst(part_model._meta.verbose_name_plural)}' {name.lower()}s"
        sections.append(Section(label, findings, on_form=False))
    return sections


def picture_parts(model):
    """The models edited with `model` (deleted with it) that show a picture each."""
    return [
        (relation.related_model, relation.field.name)
        for relation in model._meta.related_objects
        if relation.one_to_many
        and issubclass(relation.related_model, HasPicture)
        and relation.on_delete is models.CASCADE
    ]


def picture_findings(image, name, beside=""):
    if image is None:
        return []
    where = f"The {name.lower()} beside “{beside}”" if beside else f"The {name.lower()}"
    words = (beside,) if beside else ((image.alt,) if image.alt else ())
    findings = []
    problem = "" if image.is_decorative else alt_text_problem(image.alt)
    if problem:
        findings.append(
            Finding(
                "alt-text",
                f"{where} has {problem}. Say what it shows, for people who cannot see it.",
                words,
            )
        )
    if image.needs_consent:
        findings.append(
            Finding(
                "consent",
                f"{where} shows people and no consent is recorded. It cannot be published "
                "until everyone in it has agreed (for a child, a parent or carer). Record "
                "it and tick “consent recorded”; if nobody can be recognised, untick "
                "“shows people”.",
                words,
            )
        )
    return findings
