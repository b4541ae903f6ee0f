from django.apps import AppConfig


class StrategySiteConfig(AppConfig):
    """Shared plumbing (publishing base, Markdown, template tags); no models of its own."""

    name = "strategy_site"
    verbose_name = "Site"
