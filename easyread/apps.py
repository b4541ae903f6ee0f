from django.apps import AppConfig


class EasyReadConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "easyread"
    verbose_name = "Easy Read"
