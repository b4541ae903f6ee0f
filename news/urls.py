"""Two sections from one app: /news/ (press releases) and /decisions/.

The feeds come before the item pattern, so /news/feed/ is always the feed (an item
whose address were "feed" could never hide it).
"""

from django.urls import path

from . import views
from .feeds import DecisionsFeed, NewsFeed

press_release_patterns = [
    path("", views.PressReleaseListView.as_view(), name="index"),
    path("feed/", NewsFeed(), name="feed"),
    path("feed/atom/", NewsFeed.atom(), name="feed-atom"),
    path("<slug:slug>/", views.PressReleaseDetailView.as_view(), name="detail"),
]

decision_patterns = [
    path("", views.DecisionListView.as_view(), name="index"),
    path("feed/", DecisionsFeed(), name="feed"),
    path("feed/atom/", DecisionsFeed.atom(), name="feed-atom"),
    path("<slug:slug>/", views.DecisionDetailView.as_view(), name="detail"),
]
