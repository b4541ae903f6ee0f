"""{% glossary_terms %}...{% endglossary_terms %}: the first use of each glossary term in
the enclosed HTML links to its entry (see glossary.marking). base.html wraps every
page's main content in it.

The result depends only on the enclosed HTML and the terms, so a page cached whole
stays right until either changes. The glossary page itself sets `is_glossary_page`:
there every term is already explained.
"""

from django import template
from django.db import DatabaseError
from django.utils.safestring import mark_safe

from glossary.marking import mark_glossary_terms

register = template.Library()


class GlossaryTermsNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        content = self.nodelist.render(context)
        if context.get("is_glossary_page") or context.get("request") is None:
            # Without a request it is the 500 page (Django renders it with an empty
            # context), which must never need the database or the cache.
            return content
        try:
            marked = mark_glossary_terms(content)
        except DatabaseError:
            # The terms come from the database on a cold cache. When it is down, a page
            # served from the cache's copies or an error page still renders: links to
            # the glossary are a help, not part of the page, so it goes without them.
            return content
        # The input is the template's own escaped output; marking escapes what it adds.
        return mark_safe(marked)  # noqa: S308


@register.tag
def glossary_terms(parser, token):
    nodelist = parser.parse(("endglossary_terms",))
    parser.delete_first_token()
    return GlossaryTermsNode(nodelist)
