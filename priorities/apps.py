from django.apps import AppConfig


class PrioritiesConfig(AppConfig):
    name = "priorities"
    verbose_name = "Strategy and priorities"

    def ready(self):
        from . import content  # noqa: F401 - registers the kinds of content
