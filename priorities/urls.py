from django.urls import path

from sharing.feeds import PriorityFeed

from . import views

app_name = "priorities"

urlpatterns = [
    path("", views.PriorityListView.as_view(), name="index"),
    path("<slug:slug>/", views.PriorityDetailView.as_view(), name="detail"),
    path("<slug:slug>/feed/", PriorityFeed(), name="feed"),
    path("<slug:slug>/feed/atom/", PriorityFeed.atom(), name="feed-atom"),
]
