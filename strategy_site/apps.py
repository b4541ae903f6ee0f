from django.apps import AppConfig


class StrategySiteConfig(AppConfig):
    """The project: settings, root URLs, site-wide views, templates and template tags.

    It has no models. Its migrations are kept because they made the publishing tables
    before those moved to the `publishing` app, and every database has them applied.
    """

    name = "strategy_site"
    verbose_name = "Site"

    def ready(self):
        from . import content  # noqa: F401 - registers the home page's card
