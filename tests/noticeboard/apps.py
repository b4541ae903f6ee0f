from django.apps import AppConfig


class NoticeboardConfig(AppConfig):
    """A kind of content made only for the tests (tests/settings.py installs it): the
    proof that adding a kind means writing one app (docs/adding-a-content-type.md)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "tests.noticeboard"
    label = "noticeboard"

    def ready(self):
        from . import content  # noqa: F401 - registers the kind of content
