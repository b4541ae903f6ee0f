"""The notice as a kind of content: everything the shared apps need to know of it."""

from django.utils.html import format_html

from publishing import content
from publishing.markdown import render_markdown

from .models import Notice
from .sitemaps import NoticeSitemap


@content.register
class NoticeContent(content.Content):
    model = Notice
    kind = "notice"
    label = "Notice"
    in_feed = True
    has_card = True
    article = True
    detail_view_name = "noticeboard:detail"
    search = content.SearchDocument(title=("title",), summary=("summary",), body=("body",))

    def summary(self, item):
        return item.summary

    def feed_entry(self, item):
        return format_html("<p>{}</p>{}", item.summary, render_markdown(item.body))


content.register_sitemaps({"notices": NoticeSitemap})
