import re
from heapq import merge

from django.views.generic import DetailView, ListView

from priorities.models import Priority
from publishing.queries import own_query
from publishing.views import PublishedDetailMixin

from .models import CabinetDecision, PressRelease

PAGE_SIZE = 10
RELATED_COUNT = 3
YEAR = re.compile(r"[12][0-9]{3}")  # ASCII digits only: int() would also take "٢٠٢٤"


class FilteredListView(ListView):
    """A list that can be narrowed to one priority and one year: ?priority=<slug>&year=2024.

    Each filtered view has its own address to share, and pagination keeps the
    filters. A filter value that matches nothing we have (an unknown priority, a
    year that is not a year) gets the list page with a plain message and no results,
    never an error; an impossible page number is "Page not found", as on every list.
    A list left empty, or asked for in words its links never use, is not cached.
    """

    paginate_by = PAGE_SIZE
    model = None
    year_lookup = None  # e.g. "published_at__year"

    def get_queryset(self):
        self.priorities = list(Priority.objects.all())
        self.filter_problems = []
        self.selected_priority = self.selected_year = None

        slug = self.request.GET.get("priority", "").strip()
        if slug:
            self.selected_priority = next((p for p in self.priorities if p.slug == slug), None)
            if self.selected_priority is None:
                self.filter_problems.append(
                    f"There is no priority ‘{slug[:100]}’. Choose one from the list."
                )
        year = self.request.GET.get("year", "").strip()
        if year:
            if YEAR.fullmatch(year):
                self.selected_year = int(year)
            else:
                self.filter_problems.append(
                    f"‘{year[:100]}’ is not a year. Choose a year from the list, such as 2024."
                )

        queryset = self.model.objects.published()
        if self.filter_problems:
            return queryset.none()
        if self.selected_priority:
            queryset = queryset.filter(priorities=self.selected_priority)
        if self.selected_year:
            queryset = queryset.filter(**{self.year_lookup: self.selected_year})
        return queryset

    def years(self):
        """Years with something published, newest first, for the year filter."""
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        about = []
        if self.selected_priority:
            about.append(f"about {self.selected_priority.short_title}")
        if self.selected_year:
            about.append(f"in {self.selected_year}")
        context = super().get_context_data(
            priorities=self.priorities,
            years=self.years(),
            selected_priority=self.selected_priority,
            selected_year=self.selected_year,
            filter_problems=self.filter_problems,
            filtered=bool(self.selected_priority or self.selected_year or self.filter_problems),
            filter_summary=" ".join(about),
            **kwargs,
        )
        own_query(
            self.request,
            found=bool(context["object_list"]),
            priority=self.selected_priority.slug if self.selected_priority else "",
            year=str(self.selected_year or ""),
            page=str(context["page_obj"].number),
        )
        return context


class PressReleaseListView(FilteredListView):
    model = PressRelease
    year_lookup = "published_at__year"

    def years(self):
        dates = PressRelease.objects.published().datetimes("published_at", "year", order="DESC")
        return [date.year for date in dates]


class DecisionListView(FilteredListView):
    model = CabinetDecision
    year_lookup = "meeting_date__year"
    template_name = "news/decision_list.html"

    def years(self):
        dates = CabinetDecision.objects.published().dates("meeting_date", "year", order="DESC")
        return [date.year for date in dates]


# What includes/related_items.html shows of a related item.
RELATED_FIELDS = {
    PressRelease: ("title", "slug", "published_at"),
    CabinetDecision: ("title", "slug", "published_at", "meeting_body", "meeting_date"),
}


def related_items(item):
    """Up to RELATED_COUNT published press releases and decisions that share a priority
    with `item`, newest first, not `item` itself. Two queries, whatever the numbers.

    "Shares a priority" is a semi-join (`pk IN (...)`), not a join with DISTINCT: with
    DISTINCT, PostgreSQL sorts every matching row, bodies and all, to drop duplicates,
    a cost that grows with the news; this reads the newest rows by date and stops."""
    priority_ids = [priority.pk for priority in item.priorities.all()]
    if not priority_ids:
        return []
    newest = []
    for model in (PressRelease, CabinetDecision):
        links = model.priorities.through.objects.filter(priority_id__in=priority_ids)
        linked = links.values(f"{model._meta.model_name}_id")
        queryset = model.objects.published().filter(pk__in=linked).only(*RELATED_FIELDS[model])
        if isinstance(item, model):
            queryset = queryset.exclude(pk=item.pk)
        newest.append(queryset.order_by("-published_at", "-pk")[:RELATED_COUNT])
    merged = merge(*newest, key=lambda related: related.published_at, reverse=True)
    return list(merged)[:RELATED_COUNT]


class RelatedItemsMixin:
    def get_context_data(self, **kwargs):
        return super().get_context_data(related_items=related_items(self.object), **kwargs)


class PressReleaseDetailView(RelatedItemsMixin, PublishedDetailMixin, DetailView):
    model = PressRelease

    def get_queryset(self):
        return (
            super().get_queryset().select_related("image").prefetch_related("quotes", "priorities")
        )


class DecisionDetailView(RelatedItemsMixin, PublishedDetailMixin, DetailView):
    model = CabinetDecision
    template_name = "news/decision_detail.html"

    def get_queryset(self):
        return super().get_queryset().prefetch_related("points", "priorities")
