from django.apps import AppConfig


class SharingConfig(AppConfig):
    """What makes a shared link work: feeds, the sitemap, link-preview cards, SEO tags
    and share links."""

    name = "sharing"
    verbose_name = "Sharing"
