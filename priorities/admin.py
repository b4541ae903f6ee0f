from django.contrib import admin

from contentchecks.admin import ContentChecksAdmin
from publishing.admin import ContentAdmin

from .models import Priority, Strategy


class PriorityInline(admin.TabularInline):
    """The strategy's priorities at a glance; each is edited on its own page."""

    model = Priority
    fields = ["number", "short_title", "slug"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Strategy)
class StrategyAdmin(ContentChecksAdmin, ContentAdmin):
    list_display = ["title", "short_name", "period", "status", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "short_name", "summary", "vision"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [PriorityInline]
    fieldsets = [
        (None, {"fields": ["title", "short_name", "slug", "status"]}),
        (
            "Period and approval",
            {"fields": [("start_year", "end_year"), "approved_on", "approved_by"]},
        ),
        ("About the strategy", {"fields": ["vision", "vision_source", "summary", "document_url"]}),
    ]

    @admin.display(description="Period")
    def period(self, obj):
        return obj.period


@admin.register(Priority)
class PriorityAdmin(ContentChecksAdmin, ContentAdmin):
    list_display = ["number", "short_title", "strategy", "updated_at"]
    list_display_links = ["number", "short_title"]
    choose_the_only_one = ["strategy"]
    list_filter = ["strategy"]
    search_fields = ["short_title", "pledge", "body"]
    prepopulated_fields = {"slug": ["short_title"]}
    list_select_related = ["strategy"]
    fields = ["strategy", "number", "short_title", "slug", "pledge", "body"]
