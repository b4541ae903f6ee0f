from django.apps import AppConfig


class ContentChecksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "contentchecks"
    verbose_name = "Content checks"
