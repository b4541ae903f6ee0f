from django.apps import AppConfig


class GlossaryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "glossary"
    verbose_name = "Glossary"

    def ready(self):
        # Its sitemap; the cache invalidation; what it tells the content checks.
        from . import checks, content, signals  # noqa: F401
