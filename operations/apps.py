from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the site: security headers, the health check, backup and restore."""

    name = "operations"
    verbose_name = "Operations"
