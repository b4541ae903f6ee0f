from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class PageCacheConfig(AppConfig):
    """The whole-page cache for anonymous visitors (pagecache/cache.py)."""

    name = "pagecache"
    verbose_name = "Page cache"

    def ready(self):
        from pagecache import cache as page_cache

        # Any change to any model (bar a short deny-list) retires every cached page,
        # in every process that runs Django: web workers, the shell, management commands.
        signals = {"post_save": post_save, "post_delete": post_delete, "m2m": m2m_changed}
        for name, signal in signals.items():
            signal.connect(page_cache.on_model_change, dispatch_uid=f"page_cache.{name}")
