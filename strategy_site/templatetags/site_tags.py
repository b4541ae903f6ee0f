from django import template

from strategy_site.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text, id_prefix=""):
    """`{{ priority.body|markdown }}`: editor Markdown as sanitised HTML.

    `{{ decision.reasons|markdown:"reasons-" }}` prefixes its headings' ids, on a page
    that shows several Markdown fields."""
    return render_markdown(text, id_prefix=id_prefix)
