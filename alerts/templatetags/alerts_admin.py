"""The admin's banner while alert emails are paused (the Sending switch)."""

from django import template

from alerts.models import Sending

register = template.Library()


@register.inclusion_tag("alerts/admin/_paused.html", takes_context=True)
def alerts_paused_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "paused": Sending.is_paused(),
        "may_see_switch": user is not None and user.has_perm("alerts.view_sending"),
    }
