"""Deliverables, progress updates and "You said, we did" in the shared apps (the
sitemap): the content protocol of publishing/content.py. Imported by
ProgressConfig.ready()."""

from publishing import content

from .models import Deliverable, ProgressUpdate, YouSaidWeDid
from .sitemaps import SITEMAPS


@content.register
class DeliverableContent(content.Content):
    model = Deliverable
    kind = "deliverable"
    label = "Deliverable"
    short_link = True

    def priorities(self, item):
        return [item.priority]


@content.register
class ProgressUpdateContent(content.Content):
    """An update has no page of its own: its address is a place on its deliverable's."""

    model = ProgressUpdate
    kind = "progress-update"
    label = "Progress update"

    def priorities(self, item):
        return [item.deliverable.priority]


@content.register
class YouSaidWeDidContent(content.Content):
    model = YouSaidWeDid
    kind = "you-said-we-did"
    label = "You said, we did"
    short_link = True


content.register_sitemaps(SITEMAPS)
