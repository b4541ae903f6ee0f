from django.views.generic import ListView

from .models import HelpContact


class GetHelpView(ListView):
    """Every contact families can reach: the council's own first, then help on any
    subject, then help with one part of the strategy. With none to reach yet, the
    shown contacts' names, so the page still says who to ask."""

    template_name = "helpcontacts/index.html"
    context_object_name = "contacts"

    def get_queryset(self):
        return HelpContact.objects.reachable().prefetch_related("priorities")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        contacts = context["contacts"]
        return {
            **context,
            "council": next((c for c in contacts if c.is_council), None),
            "everyone": [c for c in contacts if not c.is_council and not c.priorities.all()],
            "some_priorities": [c for c in contacts if not c.is_council and c.priorities.all()],
            "to_ask": [] if contacts else list(HelpContact.objects.unreachable()),
        }
