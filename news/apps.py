from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News and decisions"

    def ready(self):
        from . import content  # noqa: F401 - registers the kinds of content
