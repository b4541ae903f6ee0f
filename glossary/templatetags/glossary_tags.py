"""Placeholder: {% glossary_terms %}...{% endglossary_terms %} marks the first use of each
glossary term in the page's main content (filled in by the glossary work)."""

from django import template

register = template.Library()


class GlossaryTermsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        return self.nodelist.render(context)


@register.tag
def glossary_terms(parser, token):
    nodelist = parser.parse(("endglossary_terms",))
    parser.delete_first_token()
    return GlossaryTermsNode(nodelist)
