"""How press releases and cabinet decisions present themselves to the shared apps
(feeds, the sitemap, search, link previews, structured data, Easy Read): the content
protocol of publishing/content.py. Imported by NewsConfig.ready()."""

import re
from html import unescape

from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html, format_html_join, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from publishing import content
from publishing.markdown import render_markdown

from .models import CabinetDecision, PressRelease, Quote
from .sitemaps import DecisionSitemap, PressReleaseSitemap


@content.register
class PressReleaseContent(content.Content):
    model = PressRelease
    kind = "news"
    label = "Press release"
    alert_list = "news"
    in_feed = True
    has_card = True
    article = True
    detail_view_name = "news:detail"
    short_link = True
    handout = True
    search = content.SearchDocument(
        title=("title",),
        summary=("standfirst",),
        body=("body",),
        related=content.RelatedText(Quote, "press_release", "quotes", ("text", "speaker")),
        stored_vectors=True,  # news/migrations/0005 and 0007
    )
    easy_read = content.EasyReadPairing(
        "Press release", "news/<slug:slug>/easy-read/", "press-release", ("news:index", "News")
    )

    def summary(self, item):
        """As the page's description block says it (templates/news/pressrelease_detail.html)."""
        return " ".join(Truncator(item.standfirst).words(40).split())

    def image(self, item):
        return item.image

    def card_text(self, item):
        when = (
            f", {date_format(timezone.localtime(item.published_at), 'j F Y')}"
            if item.published_at
            else ""
        )
        return content.CardText(item.title, f"Press release{when}")

    def structured_data(self, item, article):
        return {"@type": "NewsArticle", **article}

    def feed_queryset(self, queryset):
        return queryset.prefetch_related("quotes", "priorities")

    def feed_entry(self, item):
        """The standfirst, the body and the quotes."""
        quotes = format_html_join(
            "",
            "<blockquote><p>{}</p></blockquote><p>{}</p>",
            (
                (quote.text, f"{quote.speaker}, {quote.role}" if quote.role else quote.speaker)
                for quote in item.quotes.all()
            ),
        )
        return format_html("<p>{}</p>{}{}", item.standfirst, render_markdown(item.body), quotes)


@content.register
class CabinetDecisionContent(content.Content):
    model = CabinetDecision
    kind = "decision"
    label = "Cabinet decision"
    alert_list = "decisions"
    in_feed = True
    has_card = True
    article = True
    detail_view_name = "decisions:detail"
    short_link = True
    handout = True
    search = content.SearchDocument(
        title=("title",),
        summary=("summary_for_families",),
        body=("reasons", "discussion"),
        shown=("title", "slug", "meeting_body", "meeting_date"),
        stored_vectors=True,
    )
    easy_read = content.EasyReadPairing(
        "Cabinet decision",
        "decisions/<slug:slug>/easy-read/",
        "decision",
        ("decisions:index", "Decisions"),
    )

    def summary(self, item):
        """As the page's description block says it (templates/news/decision_detail.html)."""
        status = f" {item.get_decision_status_display()}." if item.decision_status else ""
        return f"{item.meeting}: {item.title}.{status}"

    def handout_text(self, item):
        """ "What this means for families", as the page says it first."""
        return render_markdown(item.summary_for_families) or format_html(
            "<p>{}</p>", self.summary(item)
        )

    def share_line(self, item):
        """The first sentence of "What this means for families" (the summary repeats
        the title), else the meeting and the outcome."""
        text = unescape(strip_tags(render_markdown(item.summary_for_families)))
        words = " ".join(text.split())
        first = re.split(r"(?<=[.!?])\s", words, maxsplit=1)[0]
        return first or self.summary(item)

    def card_text(self, item):
        label = f"{item.meeting_body} decision, {date_format(item.meeting_date, 'j F Y')}"
        return content.CardText(item.title, label)

    def share_title(self, item):
        when = date_format(item.meeting_date, "j F Y")
        return f"{item.title}: {item.meeting_body} decision, {when}"

    def structured_data(self, item, article):
        # schema.org has no type for a council's decision. `Legislation` is for laws and
        # regulations, `GovernmentService` for a service people use, and an `Event` would
        # describe the meeting rather than this page. The page is a written account of a
        # decision, so it is an Article, `about` the meeting (an Event) that made it, and
        # `isBasedOn` the official record when we have its address.
        meeting = {
            "@type": "Event",
            "name": item.meeting,
            "startDate": item.meeting_date.isoformat(),
            "organizer": article["publisher"],
        }
        decision = {"@type": "Article", **article, "articleSection": "Decisions", "about": meeting}
        if item.official_record_url:
            decision["isBasedOn"] = item.official_record_url
        return decision

    def feed_entry(self, item):
        """The meeting, the decision's status and "what this means for families"."""
        status = f" {item.get_decision_status_display()}." if item.decision_status else ""
        summary = render_markdown(item.summary_for_families) or mark_safe(
            "<p>We have not written a plain-English summary of this decision yet. "
            "The formal record is on the page.</p>"
        )
        return format_html("<p>{}.{}</p>{}", item.meeting, status, summary)


content.register_sections("news:index", "decisions:index")
content.register_sitemaps({"news": PressReleaseSitemap, "decisions": DecisionSitemap})
content.register_page(
    "news",
    "news:index",
    lambda context: content.CardText("News", "Press releases about the strategy"),
)
content.register_page(
    "decisions",
    "decisions:index",
    lambda context: content.CardText("Decisions", "Decisions the council has made"),
)
