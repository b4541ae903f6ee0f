from django.contrib import admin, messages

from publishing.admin import ContentAdmin

from .models import HelpContact


@admin.register(HelpContact)
class HelpContactAdmin(ContentAdmin):
    list_display = ["organisation", "ways_to_reach", "is_council", "order", "active", "updated_at"]
    list_filter = ["active", "is_council", "priorities"]
    search_fields = ["organisation", "helps_with"]
    fieldsets = [
        ("Who they are", {"fields": ["organisation", "helps_with"]}),
        (
            "How to reach them",
            {
                "fields": ["phone", "opening_hours", "email", "website"],
                "description": "At least one of a phone number, an email address or a web "
                "address: until it has one, the contact is not shown on the site (the admin "
                "home lists it). Leave a field empty rather than guess.",
            },
        ),
        ("Where it is shown", {"fields": ["priorities", "order", "active", "is_council"]}),
    ]

    @admin.display(description="ways to reach them")
    def ways_to_reach(self, contact):
        ways = [
            name
            for name, value in [
                ("phone", contact.phone),
                ("email", contact.email),
                ("website", contact.website),
            ]
            if value
        ]
        return ", ".join(ways) if ways else "none yet: not shown"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.active and not obj.is_reachable:
            self.message_user(
                request,
                f"“{obj}” is not shown on the site until it has a phone number, an email "
                "address or a web address.",
                messages.WARNING,
            )
