from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: security headers, sign-in limits, deployment checks, the health
    check, logs, backup and restore."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
