from django import template

from strategy_site.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """`{{ priority.body|markdown }}`: editor Markdown as sanitised HTML."""
    return render_markdown(text)
