from django.apps import AppConfig


class SearchConfig(AppConfig):
    """Site search over every kind of content."""

    name = "search"
    verbose_name = "Search"
