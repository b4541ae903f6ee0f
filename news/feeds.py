"""The news and decisions feeds: /news/feed/ and /decisions/feed/ (and their Atom twins).
Each entry's text is the kind's feed entry (news/content.py)."""

from sharing.feeds import KindFeed


class NewsFeed(KindFeed):
    kind = "news"
    section_name = "news"
    index_view_name = "news:index"


class DecisionsFeed(KindFeed):
    kind = "decision"
    section_name = "decisions"
    index_view_name = "decisions:index"
