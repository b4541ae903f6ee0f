from django import template
from django.template.defaultfilters import date as date_filter
from django.utils.html import format_html

from publishing.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text, id_prefix=""):
    """`{{ priority.body|markdown }}`: editor Markdown as sanitised HTML.

    `{{ decision.reasons|markdown:"reasons-" }}` prefixes its headings' ids, on a page
    that shows several Markdown fields."""
    return render_markdown(text, id_prefix=id_prefix)


@register.filter
def pagination_candidates(page_obj):
    """The only page numbers includes/pagination.html can show (the first two, the last
    two, and two either side of the current page), in order: looping over every page
    made a long list spend most of its time in its pagination."""
    current, last = page_obj.number, page_obj.paginator.num_pages
    numbers = {1, 2, last - 1, last, *range(current - 2, current + 3)}
    return sorted(number for number in numbers if 1 <= number <= last)


@register.filter(expects_localtime=True)
def time_element(value):
    """`{{ item.published_at|time_element }}`: the date for people ("3 December 2026")
    in a <time> element with its machine-readable form. A filter rather than an
    include: a priority page shows many dates, and each include is a template to
    find and render."""
    return format_html(
        '<time datetime="{}">{}</time>', date_filter(value, "Y-m-d"), date_filter(value, "j F Y")
    )
