from django import template

from strategy_site.markdown import render_markdown

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
    made a list of 5,000 items spend most of its time in its pagination."""
    current, last = page_obj.number, page_obj.paginator.num_pages
    numbers = {1, 2, last - 1, last, *range(current - 2, current + 3)}
    return sorted(number for number in numbers if 1 <= number <= last)
