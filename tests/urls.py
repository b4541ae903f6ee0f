"""The site's URLs plus the test-only noticeboard app's (see tests/settings.py)."""

from django.urls import include, path

urlpatterns = [
    path("notices/", include("tests.noticeboard.urls")),
    path("", include("strategy_site.urls")),
]
