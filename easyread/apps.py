from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class EasyReadConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "easyread"
    verbose_name = "Easy Read"

    def ready(self):
        from . import checks, content  # noqa: F401 - its content checks; its kind of content
        from .models import EasyReadVersion
        from .pairings import forget_pairings

        # Cache housekeeping: the cached list of published pairings must
        # follow every save and delete, from the admin, fixtures or the shell.
        post_save.connect(forget_pairings, sender=EasyReadVersion, dispatch_uid="easyread-save")
        post_delete.connect(forget_pairings, sender=EasyReadVersion, dispatch_uid="easyread-delete")
