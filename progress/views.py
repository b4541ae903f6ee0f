from django.db.models import Prefetch
from django.http import Http404
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView, TemplateView

from priorities.models import Priority, Strategy
from publishing.queries import own_query
from publishing.views import PublishedDetailMixin

from . import open_data
from .chart import stacked_bars
from .models import Deliverable, DeliveryStatus, ProgressUpdate, YouSaidWeDid, due_next

RECENT_COUNT = 5
DUE_NEXT_COUNT = 5
PAGE_SIZE = 10


class ProgressView(TemplateView):
    """The whole strategy's progress: a roll-up per priority, recent changes, what is due."""

    template_name = "progress/progress.html"

    def get_context_data(self, **kwargs):
        priorities = list(Priority.objects.filter(strategy__status=Strategy.Status.CURRENT))
        progress = Deliverable.objects.published().progress_by_priority(priorities)
        deliverables = [deliverable for row in progress for deliverable in row.deliverables]
        recent = ProgressUpdate.objects.public().select_related(
            "deliverable__priority", "status_change"
        )[:RECENT_COUNT]
        return super().get_context_data(
            progress=progress,
            deliverable_count=len(deliverables),
            chart=stacked_bars(progress) if deliverables else None,
            statuses=DeliveryStatus.choices,
            recent_updates=recent if deliverables else [],
            due_next=due_next(deliverables, DUE_NEXT_COUNT),
            datasets=open_data.DATASETS,
            **kwargs,
        )


class DeliverableDetailView(PublishedDetailMixin, DetailView):
    model = Deliverable
    template_name = "progress/deliverable_detail.html"

    def get_queryset(self):
        # The page shows no change notes (its updates are its history), so it does not
        # fetch them (PublishedDetailMixin would).
        return with_timeline(super().get_queryset().prefetch_related(None))

    def get_context_data(self, **kwargs):
        deliverable = self.object
        if not hasattr(deliverable, "public_updates"):  # a preview link hands over the bare item
            deliverable = self.object = with_timeline(Deliverable.objects.all()).get(
                pk=deliverable.pk
            )
        updates = deliverable.public_updates
        changes = [update.status_change for update in updates if hasattr(update, "status_change")]
        kwargs["object"] = deliverable
        return super().get_context_data(
            timeline=deliverable.timeline(updates, changes, deliverable.milestones.all()),
            **kwargs,
        )


def with_timeline(deliverables):
    """Deliverables with what their page shows: status, priority, milestones, published
    updates (with their status change and evidence) and "You said, we did" entries."""
    updates = (
        ProgressUpdate.objects.published()
        .select_related("status_change")
        .prefetch_related("evidence_links")
    )
    return (
        deliverables.with_current_status()
        .select_related("priority")
        .prefetch_related(
            "milestones",
            Prefetch("updates", queryset=updates, to_attr="public_updates"),
            Prefetch(
                "you_said_we_did",
                queryset=YouSaidWeDid.objects.published(),
                to_attr="public_you_said_we_did",
            ),
        )
    )


class YouSaidWeDidListView(ListView):
    """Entries, newest first, optionally for one priority: ?priority=<slug>."""

    template_name = "progress/yousaidwedid_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        self.priorities = list(Priority.objects.filter(strategy__status=Strategy.Status.CURRENT))
        slug = self.request.GET.get("priority", "").strip()
        self.selected_priority = next((p for p in self.priorities if p.slug == slug), None)
        self.unknown_priority = slug[:100] if slug and self.selected_priority is None else ""
        queryset = YouSaidWeDid.objects.published().prefetch_related(
            "priorities", Prefetch("deliverables", queryset=Deliverable.objects.published())
        )
        if self.unknown_priority:
            return queryset.none()
        if self.selected_priority:
            queryset = queryset.filter(priorities=self.selected_priority)
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(
            priorities=self.priorities,
            selected_priority=self.selected_priority,
            unknown_priority=self.unknown_priority,
            **kwargs,
        )
        own_query(  # an empty list, or one asked for in other words, is not cached
            self.request,
            found=bool(context["object_list"]),
            priority=self.selected_priority.slug if self.selected_priority else "",
            page=str(context["page_obj"].number),
        )
        return context


class YouSaidWeDidDetailView(PublishedDetailMixin, DetailView):
    model = YouSaidWeDid
    template_name = "progress/yousaidwedid_detail.html"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .prefetch_related(
                "priorities", Prefetch("deliverables", queryset=Deliverable.objects.published())
            )
        )


class OpenDataView(TemplateView):
    template_name = "progress/open_data.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            datasets=open_data.DATASETS,
            licence_name=open_data.LICENCE_NAME,
            licence_url=open_data.LICENCE_URL,
            **kwargs,
        )


@require_safe
def download(request, dataset, fmt):
    if dataset not in open_data.DATASETS or fmt not in open_data.WRITERS:
        raise Http404("No such download")
    return open_data.download(open_data.DATASETS[dataset], fmt, request)
