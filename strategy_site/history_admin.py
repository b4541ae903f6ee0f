"""Version history for every content model (django-reversion)."""

from reversion.admin import VersionAdmin


class HistoryAdmin(VersionAdmin):
    """Every admin save keeps a version; earlier versions can be restored and
    deleted items recovered."""
