from django import template

from progress.models import Deliverable, DeliveryStatus

register = template.Library()


@register.inclusion_tag("progress/includes/status.html")
def delivery_status(status, label=None):
    """A status as an icon (hidden from screen readers) and its word: never colour alone."""
    return {
        "status": status,
        "label": label or DeliveryStatus(status).label,
        "css": status.replace("_", "-"),
    }


@register.simple_tag
def priority_progress(priority):
    """The published deliverables of one priority, with their current status: one query."""
    [row] = Deliverable.objects.published().progress_by_priority([priority])
    return row
