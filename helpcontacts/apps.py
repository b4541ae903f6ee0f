from django.apps import AppConfig


class HelpContactsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "helpcontacts"
    verbose_name = "Help for families"

    def ready(self):
        from . import content  # noqa: F401 - the "Get help" page's place in the sitemap
