"""The review queue on the admin home: “Waiting for review” for people who may publish,
“Sent back to me” for the editors whose items a publisher sent back."""

from django import template

from publishing import reviews

register = template.Library()


@register.inclusion_tag("publishing/admin/_review_queue.html", takes_context=True)
def review_queue(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"waiting": reviews.waiting_for(user), "sent_back": reviews.sent_back_to(user)}
