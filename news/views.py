from django.views.generic import DetailView, ListView

from strategy_site.views import PublishedDetailMixin

from .models import CabinetDecision, PressRelease

PAGE_SIZE = 10


class PressReleaseListView(ListView):
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return PressRelease.objects.published()


class PressReleaseDetailView(PublishedDetailMixin, DetailView):
    model = PressRelease

    def get_queryset(self):
        return super().get_queryset().prefetch_related("quotes", "priorities")


class DecisionListView(ListView):
    paginate_by = PAGE_SIZE
    template_name = "news/decision_list.html"

    def get_queryset(self):
        return CabinetDecision.objects.published()


class DecisionDetailView(PublishedDetailMixin, DetailView):
    model = CabinetDecision
    template_name = "news/decision_detail.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("points", "priorities")
