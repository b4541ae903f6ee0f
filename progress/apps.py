from django.apps import AppConfig


class ProgressConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "progress"
    verbose_name = "Progress"

    def ready(self):
        from . import content  # noqa: F401 - registers the kinds of content
