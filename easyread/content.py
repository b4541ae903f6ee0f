"""Easy Read versions in the shared apps: the content protocol of publishing/content.py.
Imported by EasyReadConfig.ready()."""

from publishing import content

from .models import EasyReadVersion
from .sitemaps import SITEMAPS


@content.register
class EasyReadContent(content.Content):
    """An Easy Read version has the address of its standard page plus "easy-read/"."""

    model = EasyReadVersion
    kind = "easy-read"
    label = "Easy Read version"

    def summary(self, item):
        return item.intro


content.register_sitemaps(SITEMAPS)
