"""Email alerts in the admin: numbers for the comms team, addresses for few.

Editors and Publishers see how many people get each list (the Subscription list is
that count, strategy_site/roles.py). The addresses themselves are personal data: only
someone an administrator gives the "View subscriber addresses" permission sees them,
and deleting one (for a data request) also needs the delete permission.
"""

from django.contrib import admin
from django.template.response import TemplateResponse

from .models import Frequency, Subscriber, Subscription, What

ADDRESSES = "alerts.view_subscriber_address"


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Its list page is a table of counts per list; no row, and so no address, is shown."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return self.changelist_view(request)

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            return super().changelist_view(request, extra_context)
        labels = {**dict(What.choices), **dict(Frequency.choices)}
        rows = [
            {
                "list": (
                    f"Priority {row['priority__number']}: {row['priority__short_title']}"
                    if row["what"] == What.PRIORITY
                    else labels[row["what"]]
                ),
                "how_often": labels[row["frequency"]],
                "subscribers": row["subscribers"],
            }
            for row in Subscription.objects.counts_per_list()
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Email alerts: people per list",
            "rows": rows,
            "can_see_addresses": request.user.has_perm(ADDRESSES),
        }
        return TemplateResponse(request, "alerts/admin/counts.html", context)


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["what", "priority", "frequency", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "created_at"]
    search_fields = ["email"]
    fields = ["email", "confirmed_at", "created_at"]
    readonly_fields = fields
    inlines = [SubscriptionInline]

    def has_module_permission(self, request):
        return request.user.has_perm(ADDRESSES)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(ADDRESSES)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(ADDRESSES) and super().has_delete_permission(request, obj)
