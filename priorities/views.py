from django.views.generic import DetailView, ListView

from .models import Priority, Strategy

# A priority page lists the newest few; "See all" opens the list filtered to the
# priority. One more is fetched to know whether there are others, without a count.
PRIORITY_PAGE_COUNT = 10


class PriorityListView(ListView):
    template_name = "priorities/priority_list.html"

    def get_queryset(self):
        self.strategy = Strategy.objects.current()
        return Priority.objects.filter(strategy=self.strategy)

    def get_context_data(self, **kwargs):
        return super().get_context_data(strategy=self.strategy, **kwargs)


class PriorityDetailView(DetailView):
    def get_queryset(self):
        return Priority.objects.with_approval().select_related("strategy")

    def get_context_data(self, **kwargs):
        priority = self.object
        siblings = list(priority.strategy.priorities.all())
        position = next(i for i, p in enumerate(siblings) if p.pk == priority.pk)
        press_releases = list(priority.press_releases.published()[: PRIORITY_PAGE_COUNT + 1])
        # The decision that approved the whole strategy has its own sentence on every
        # priority page, so it is not listed again among this priority's own.
        decisions = priority.decisions.published()
        if priority.approval_slug:
            decisions = decisions.exclude(slug=priority.approval_slug)
        decisions = list(decisions[: PRIORITY_PAGE_COUNT + 1])
        return super().get_context_data(
            priority_count=len(siblings),
            press_releases=press_releases[:PRIORITY_PAGE_COUNT],
            more_press_releases=len(press_releases) > PRIORITY_PAGE_COUNT,
            decisions=decisions[:PRIORITY_PAGE_COUNT],
            more_decisions=len(decisions) > PRIORITY_PAGE_COUNT,
            previous_priority=siblings[position - 1] if position > 0 else None,
            next_priority=siblings[position + 1] if position + 1 < len(siblings) else None,
            **kwargs,
        )
