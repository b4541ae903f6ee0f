"""What the glossary tells the content checks: the words and abbreviations it explains
(an abbreviation in the glossary is explained on every page by its link), and how a
publisher starts an entry for one that is not. Imported by GlossaryConfig.ready()."""

from urllib.parse import urlencode

from django.urls import reverse

from contentchecks import registry

from .marking import shown_terms


class GlossaryWords(registry.Glossary):
    def known_forms(self):
        # The shown terms only: a hidden term explains nothing on the page.
        return {form for _, _, _, forms in shown_terms().terms for form in forms}

    def may_start_entry(self, user):
        return user.has_perm("glossary.add_glossaryterm")

    def start_entry_url(self, abbreviation):
        query = urlencode({"abbreviation": abbreviation})
        return f"{reverse('admin:glossary_glossaryterm_add')}?{query}"


registry.register_glossary(GlossaryWords())
