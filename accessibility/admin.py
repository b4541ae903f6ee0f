from django.contrib import admin

from contentchecks.admin import ContentChecksAdmin
from publishing.admin import ContentAdmin

from .models import AccessibilityStatement, SiteSettings


class SingletonAdmin(ContentChecksAdmin, ContentAdmin):
    """One row: it can be added once and never deleted."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not self.model.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SiteSettings)
class SiteSettingsAdmin(SingletonAdmin):
    fieldsets = [
        (
            "How to ask for another format",
            {
                "fields": [
                    "formats_email",
                    "formats_phone",
                    "formats_postal_address",
                    "relay_note",
                    "response_time",
                ],
                "description": "Shown on the “Ask for another format” page and in the "
                "accessibility statement. Leave a field empty rather than guess: when no "
                "email, phone or address is set, those pages give the council's own main "
                "help contact (Help contacts) instead, or say that the details have not "
                "been published yet.",
            },
        ),
    ]


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(SingletonAdmin):
    list_display = ["__str__", "compliance_status", "last_reviewed_on", "updated_at"]
    fieldsets = [
        ("Compliance status", {"fields": ["compliance_status", "compliance_text"]}),
        ("Known issues", {"fields": ["non_accessible_content"]}),
        ("Reporting problems", {"fields": ["reporting_problems"]}),
        ("Enforcement procedure", {"fields": ["enforcement_procedure"]}),
        ("Preparation and review", {"fields": ["preparation", "last_reviewed_on"]}),
    ]
