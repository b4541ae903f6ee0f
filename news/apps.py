from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "News and decisions"

    def ready(self):
        from . import checks, content  # noqa: F401 - its content checks; its kinds of content
