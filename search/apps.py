from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class SearchConfig(AppConfig):
    """Site search over every kind of content."""

    name = "search"
    verbose_name = "Search"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .suggestions import words_changed

        # Cache housekeeping: a change to what is searched means the site's words (for
        # "Did you mean ...?") are made again before the next suggestion.
        for signal in (post_save, post_delete):
            signal.connect(words_changed, dispatch_uid=f"search-words.{signal is post_save}")
