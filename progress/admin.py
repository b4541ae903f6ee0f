from django.contrib import admin
from django.db import models

from contentchecks.admin import ContentChecksAdmin
from publishing.admin import PUBLISHING_FIELDSET, PublishableAdmin

from .models import Deliverable, EvidenceLink, Milestone, ProgressUpdate, StatusChange, YouSaidWeDid


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_on", "completed_on"]


class ProgressUpdateInline(admin.TabularInline):
    """The deliverable's updates, to see at a glance; they are written on their own form."""

    model = ProgressUpdate
    extra = 0
    fields = ["date", "title", "new_status", "status"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Deliverable)
class DeliverableAdmin(ContentChecksAdmin, PublishableAdmin):
    list_display = ["title", "priority", "target_date", "status_now", "current_state"]
    list_filter = ["status", "priority", "starting_status", "lead_organisation"]
    search_fields = ["title", "for_families", "lead_organisation"]
    list_select_related = ["priority"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [MilestoneInline, ProgressUpdateInline]
    fieldsets = [
        (None, {"fields": ["priority", "title", "slug", "for_families", "lead_organisation"]}),
        (
            "When and how it is going",
            {"fields": [("target_date", "target_precision"), "starting_status", "order"]},
        ),  # fmt: skip
        PUBLISHING_FIELDSET,
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_status()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.first_published_at:
            # From now on the status changes through progress updates, which keep the history.
            fields.append("starting_status")
        return fields

    @admin.display(description="Status on the site")
    def status_now(self, obj):
        return obj.current_status_label


class EvidenceLinkInline(admin.TabularInline):
    model = EvidenceLink
    extra = 0
    fields = ["title", "url"]
    # A web address typed without http(s):// means https, as in the other admin forms.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ContentChecksAdmin, PublishableAdmin):
    list_display = ["title", "deliverable", "date", "new_status", "current_state"]
    list_filter = ["status", "new_status", "deliverable__priority"]
    search_fields = ["title", "body", "deliverable__title"]
    list_select_related = ["deliverable"]
    autocomplete_fields = ["deliverable"]
    date_hierarchy = "date"
    inlines = [EvidenceLinkInline]
    offers_preview_links = False  # an update has no page of its own; preview its deliverable
    fieldsets = [
        (None, {"fields": ["deliverable", "date", "title", "body", "new_status"]}),
        PUBLISHING_FIELDSET,
    ]


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    """The status history, read-only: it is written by progress updates."""

    list_display = ["deliverable", "status", "changed_on", "update"]
    list_filter = ["status"]
    list_select_related = ["deliverable", "update"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(YouSaidWeDid)
class YouSaidWeDidAdmin(ContentChecksAdmin, PublishableAdmin):
    list_display = ["title", "heard_on", "heard_at", "current_state"]
    list_filter = ["status", "priorities"]
    search_fields = ["title", "you_said", "we_did", "heard_at"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["deliverables"]
    fieldsets = [
        (None, {"fields": ["title", "slug"]}),
        ("You said", {"fields": ["you_said", ("heard_at", "heard_on")]}),
        ("We did", {"fields": ["we_did"]}),
        ("Links", {"fields": ["priorities", "deliverables"]}),
        PUBLISHING_FIELDSET,
    ]
