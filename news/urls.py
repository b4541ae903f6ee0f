"""Two sections from one app: /news/ (press releases) and /decisions/."""

from django.urls import path

from . import views

press_release_patterns = [
    path("", views.PressReleaseListView.as_view(), name="index"),
    path("<slug:slug>/", views.PressReleaseDetailView.as_view(), name="detail"),
]

decision_patterns = [
    path("", views.DecisionListView.as_view(), name="index"),
    path("<slug:slug>/", views.DecisionDetailView.as_view(), name="detail"),
]
