from django.apps import AppConfig
from django.db.models.signals import post_save, pre_save


class AlertsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "alerts"
    verbose_name = "Email alerts"

    def ready(self):
        # Any model: a kind takes part by naming its alert list in the content protocol,
        # and content apps may be installed after this one (alerts/changes.py).
        pre_save.connect(remember_status, dispatch_uid="alerts-pre-save")
        post_save.connect(record_change, dispatch_uid="alerts-post-save")


def remember_status(sender, instance, raw=False, **kwargs):
    """Whether the item was published before this save: a first publication is news, an
    edit of a published item is not."""
    from .changes import alert_kind, was_signed_off

    if not raw and alert_kind(sender):
        instance._alerts_was_published = was_signed_off(sender, instance.pk)


def record_change(sender, instance, raw=False, **kwargs):
    """Record (never send) what the save means for alerts. Loading fixtures records
    nothing: content that arrives that way was not published here."""
    from publishing.models import ChangeNote

    from .changes import alert_kind, change_note_saved, item_saved

    if raw:
        return
    if sender is ChangeNote and kwargs.get("created"):
        change_note_saved(instance)
    elif alert_kind(sender):
        item_saved(instance, getattr(instance, "_alerts_was_published", False))
