from django.apps import AppConfig


class AccessibilityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accessibility"
    verbose_name = "Accessibility"

    def ready(self):
        from . import content  # noqa: F401 - registers the kinds of content
