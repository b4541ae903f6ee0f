from django.apps import AppConfig


class PublishingConfig(AppConfig):
    """Status, scheduling, roles, address history, preview links, change notes, the
    history admin and the one Markdown renderer: what every content type publishes with."""

    name = "publishing"
    verbose_name = "Publishing"
