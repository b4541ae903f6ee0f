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
    alert_list = "progress"

    def is_public(self, item):
        """Public with its deliverable: an update shows on the deliverable's page."""
        return item.is_published and item.deliverable.is_published

    def summary(self, item):
        status = f" Its status is now: {item.new_status_label}." if item.new_status else ""
        return f"An update on “{item.deliverable.title}”.{status}"

    def priorities(self, item):
        return [item.deliverable.priority]


@content.register
class YouSaidWeDidContent(content.Content):
    model = YouSaidWeDid
    kind = "you-said-we-did"
    label = "You said, we did"
    short_link = True
    alert_list = "progress"

    def summary(self, item):
        return "What families and young people said, and what was done about it."


content.register_sitemaps(SITEMAPS)
