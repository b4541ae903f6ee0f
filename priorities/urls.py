from django.urls import path

from . import views
from .feeds import PriorityFeed

app_name = "priorities"

urlpatterns = [
    path("", views.PriorityListView.as_view(), name="index"),
    path("<slug:slug>/", views.PriorityDetailView.as_view(), name="detail"),
    path("<slug:slug>/feed/", PriorityFeed(), name="feed"),
    path("<slug:slug>/feed/atom/", PriorityFeed.atom(), name="feed-atom"),
]
