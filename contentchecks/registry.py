"""
What the content apps tell the checks. This app knows no content type: an app that
knows something the checks should use registers it here, from its AppConfig.ready().

- A glossary: the words and abbreviations it explains, so they are not reported as
  unexplained, and how to start a new entry (`register_glossary`).
- Checks of its own for a kind of item (`register_item_check`): the Easy Read rules for
  an Easy Read version's points, say.
- Plain-text fields to check besides the Markdown ones (`register_text_fields`): a
  press release's standfirst is not Markdown, but families read it first.
"""

from collections.abc import Callable
from dataclasses import dataclass

_glossaries = []
_item_checks = {}  # model -> [ItemCheck]
_text_fields = {}  # model -> [field name]


class Glossary:
    """The protocol of a glossary. Subclass it and register an instance."""

    def known_forms(self):
        """Every word and abbreviation it explains, as written ("EHCP", "EHCPs")."""
        return set()

    def may_start_entry(self, user):
        """Whether `user` may add an entry."""
        return False

    def start_entry_url(self, abbreviation):
        """The address of a new entry's form with the abbreviation filled in."""
        return ""


@dataclass(frozen=True)
class ItemCheck:
    """Findings about an item as a whole: `check(item)` returns a list of Findings.
    `label` names the part of the item they are about, e.g. "Easy Read points"."""

    label: str
    check: Callable


def register_glossary(glossary):
    _glossaries.append(glossary)
    return glossary


def glossaries():
    return list(_glossaries)


def register_item_check(model, label, check):
    checks = _item_checks.setdefault(model, [])
    if not any(existing.check is check for existing in checks):
        checks.append(ItemCheck(label, check))


def item_checks(model):
    return list(_item_checks.get(model, []))


def register_text_fields(model, *names):
    fields = _text_fields.setdefault(model, [])
    fields += [name for name in names if name not in fields]


def text_fields(model):
    return list(_text_fields.get(model, []))
