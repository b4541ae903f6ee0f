"""How the priorities present themselves to the shared apps (the sitemap, search,
link previews, Easy Read): the content protocol of publishing/content.py. Imported by
PrioritiesConfig.ready()."""

from django.contrib.humanize.templatetags.humanize import apnumber

from publishing import content

from .models import Priority, Strategy
from .sitemaps import PrioritySitemap


@content.register
class PriorityContent(content.Content):
    model = Priority
    kind = "priority"
    label = "Priority"
    has_card = True
    detail_view_name = "priorities:detail"
    short_link = True
    handout = True
    search = content.SearchDocument(
        title=("short_title",),
        summary=("pledge",),
        body=("body",),
        dated=False,
        shown=("number", "short_title", "slug"),
        stored_vectors=True,  # priorities/migrations/0003
    )
    easy_read = content.EasyReadPairing(
        "Priority",
        "priorities/<slug:slug>/easy-read/",
        "priority",
        ("priorities:index", "Priorities"),
    )

    def published(self):
        return Priority.objects.all()  # a priority is public from the start

    def title(self, item):
        return item.short_title

    def summary(self, item):
        return item.pledge

    def card_text(self, item):
        return content.CardText(item.short_title, f"Priority {item.number}")


def priorities_card(context):
    """ "The six priorities": counted from the page's list, or from the database."""
    if context is not None:
        object_list = context.get("object_list")
        count = len(object_list) if object_list is not None else 0
    else:
        count = Priority.objects.filter(strategy=Strategy.objects.current()).count()
    return content.CardText(f"The {apnumber(count)} priorities", "Priorities")


content.register_sections("priorities:index")
content.register_sitemaps({"priorities": PrioritySitemap})
content.register_page("priorities", "priorities:index", priorities_card)
