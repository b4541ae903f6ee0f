"""Staff read what visitors said, and export it: never edit it.

Editors and Publishers have the view permission (migration 0002), which is enough to
read, summarise and export; deleting an answer (one with personal details typed in
it, say) needs the delete permission, which administrators have.
"""

import csv

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Q
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator

from .models import PageFeedback

EXPORT_COLUMNS = ["Sent at", "Page", "Page title", "Useful", "Comment"]
# A cell starting with one of these is read as a formula by Excel, LibreOffice and
# Google Sheets (=HYPERLINK(...), say), so such cells are prefixed with '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text):
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class _Echo:
    """csv.writer writes to this and gets the line back, to stream it."""

    def write(self, line):
        return line


def feedback_csv(queryset, filename):
    """The answers as CSV, UTF-8 with a byte order mark so Excel reads the accents."""
    writer = csv.writer(_Echo())

    def rows():
        yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
        for answer in queryset.order_by("created_at", "pk").iterator(chunk_size=1000):
            yield writer.writerow(
                [
                    timezone.localtime(answer.created_at).isoformat(timespec="seconds"),
                    spreadsheet_safe(answer.page_path),
                    spreadsheet_safe(answer.page_title),
                    "Yes" if answer.useful else "No",
                    spreadsheet_safe(answer.comment),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def export_filename():
    return f"page-feedback-{timezone.localdate().isoformat()}.csv"


@admin.register(PageFeedback)
class PageFeedbackAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_link", "useful", "comment_excerpt"]
    list_filter = ["useful", "created_at"]
    search_fields = ["page_path", "page_title", "comment"]
    date_hierarchy = "created_at"
    fields = ["created_at", "page_path", "page_title", "useful", "comment"]
    readonly_fields = fields
    actions = ["export_selected"]
    change_list_template = "feedback/admin/change_list.html"

    @admin.display(description="page", ordering="page_path")
    def page_link(self, answer):
        if answer.page_title:
            return f"{answer.page_title} ({answer.page_path})"
        return answer.page_path

    @admin.display(description="comment")
    def comment_excerpt(self, answer):
        # Plain text: the admin escapes it, as it does every value shown here.
        return Truncator(answer.comment).chars(80) if answer.comment else "-"

    # Answers are what visitors said: nobody adds or changes them here.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="Export selected answers as CSV", permissions=["view"])
    def export_selected(self, request, queryset):
        return feedback_csv(queryset, export_filename())

    def get_urls(self):
        own = [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="feedback_pagefeedback_export",
            ),
            path(
                "summary/",
                self.admin_site.admin_view(self.summary_view),
                name="feedback_pagefeedback_summary",
            ),
        ]
        return own + super().get_urls()

    def filtered_answers(self, request):
        """The answers the list shows for the same filters and search."""
        return self.get_changelist_instance(request).get_queryset(request)

    def export_view(self, request):
        """Every answer in the current filtered list (not just this page of it)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            answers = self.filtered_answers(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:feedback_pagefeedback_changelist"))
        return feedback_csv(answers, export_filename())

    def summary_view(self, request):
        """How many said Yes and No about each page, for the current filters."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            answers = self.filtered_answers(request)
        except IncorrectLookupParameters:
            return HttpResponseRedirect(reverse("admin:feedback_pagefeedback_changelist"))
        pages = (
            answers.order_by()
            .values("page_path")
            .annotate(
                yes=Count("pk", filter=Q(useful=True)),
                no=Count("pk", filter=Q(useful=False)),
                comments=Count("pk", filter=~Q(comment="")),
                total=Count("pk"),
                title=Max("page_title"),
                latest=Max("created_at"),
            )
            .order_by("-total", "page_path")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Page feedback: answers per page",
            "pages": pages,
            "query_string": request.GET.urlencode(),
        }
        return TemplateResponse(request, "feedback/admin/summary.html", context)
