"""Email alerts in the admin: numbers for the comms team, addresses for few.

Editors and Publishers (strategy_site/roles.py) see how many people get each list, each
alert and summary with how many of its emails wait, went and failed, and whether
sending is paused; Publishers may pause it. None of these pages shows an address.

The addresses themselves are personal data: only someone an administrator gives the
"View subscriber addresses" permission finds them, sees what one gets and was sent,
and downloads it for a data request; deleting one (which stops every email to it) also
needs the delete permission. The admin's log names a subscriber by number, never by
address, so a deleted address is gone from there too.

Publishers also get "Email me a preview of the alert" on the change form of every kind
of content that sends alerts (publishing.admin.add_object_tool, alerts/preview.py).
"""

import json
import smtplib

from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, DELETION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats, timezone
from django.utils.html import format_html

from publishing.admin import add_object_tool

from .changes import alert_kind, catch_up
from .models import (
    Change,
    Delivery,
    Digest,
    Frequency,
    Sending,
    Subscriber,
    Subscription,
    What,
)
from .preview import may_preview, preview_email

ADDRESSES = "alerts.view_subscriber_address"
WAITING = "Waiting for its moment"
PREVIEW = "Email me a preview of the alert"


class AlertsAdmin(admin.ModelAdmin):
    """Its pages say so when sending is paused (templates/alerts/admin/)."""

    change_list_template = "alerts/admin/change_list.html"
    change_form_template = "alerts/admin/change_form.html"


class RecordAdmin(AlertsAdmin):
    """A record of what was sent: read, never written, here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Waiting", ordering="emails_queued")
    def waiting(self, obj):
        return obj.emails_queued

    @admin.display(description="Sent", ordering="emails_sent")
    def sent(self, obj):
        return obj.emails_sent

    @admin.display(description="Failed", ordering="emails_failed")
    def failed(self, obj):
        return obj.emails_failed


@admin.register(Change)
class ChangeAdmin(RecordAdmin):
    """Each alert, newest first, with how many of its emails wait, went and failed."""

    list_display = ["alert", "what", "due_at", "announced", "waiting", "sent", "failed"]
    list_filter = ["reason"]
    search_fields = ["title"]
    fields = [
        "alert",
        "what",
        "due_at",
        "announced",
        "note",
        "summary",
        "web_address",
        "waiting",
        "sent",
        "failed",
    ]
    readonly_fields = fields

    def changelist_view(self, request, extra_context=None):
        context = {"title": "Email alerts sent, newest first", **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_queryset(self, request):
        # The item, for the title of a change still waiting (its words are kept only
        # when it is announced): one query per kind of content on the page.
        return (
            super()
            .get_queryset(request)
            .with_counts()
            .select_related("content_type")
            .prefetch_related("item")
        )

    @admin.display(description="Alert", ordering="title")
    def alert(self, obj):
        if obj.title:
            return obj.title
        kind = alert_kind(obj.content_type.model_class())
        if obj.item is None or kind is None:
            return "(an item since deleted)"
        return kind.title(obj.item)

    @admin.display(description="What", ordering="reason")
    def what(self, obj):
        kind = alert_kind(obj.content_type.model_class())
        label = obj.kind_label or (kind.label if kind else obj.content_type.name)
        return f"{label}: {obj.get_reason_display().lower()}"

    @admin.display(description="Announced", ordering="announced_at")
    def announced(self, obj):
        if obj.announced_at is None:
            return WAITING
        return formats.localize(timezone.localtime(obj.announced_at))

    @admin.display(description="Web address")
    def web_address(self, obj):
        if not obj.address:
            return "Kept when it is announced."
        return format_html('<a href="{}">{}</a>', obj.address, obj.address)

    def get_urls(self):
        return [
            path(
                "preview/<int:content_type_id>/<int:object_id>/",
                self.admin_site.admin_view(self.preview_view),
                name="alerts_change_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, content_type_id, object_id):
        """A publisher emails themselves the alert about an item, as it is saved now."""
        content_type = ContentType.objects.filter(pk=content_type_id).first()
        model = content_type.model_class() if content_type else None
        kind = alert_kind(model) if model else None
        item = model._default_manager.filter(pk=object_id).first() if kind else None
        if item is None:
            raise Http404("No such item, or it sends no alerts")
        if not may_preview(request.user, item):
            raise PermissionDenied
        to = request.user.email
        message = preview_email(item, to or "you@example.org")
        if request.method == "POST" and to:
            try:
                message.send()
            except (smtplib.SMTPException, OSError):
                messages.error(
                    request,
                    "The preview could not be sent: the mail server did not take it. "
                    "Nothing else was sent. Try again in a few minutes.",
                )
                return redirect(request.path)
            messages.success(request, f"A preview of the alert has been sent to {to}.")
            return redirect(item_change_url(item))
        meta = model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": meta,
            "title": PREVIEW,
            "item": item,
            "to": to,
            "list_name": What(kind.alert_list).label,
            "subject": message.subject,
            "text": message.body,
            "change_url": item_change_url(item),
            "changelist_url": reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        }
        return TemplateResponse(request, "alerts/admin/preview.html", context)


def item_change_url(item):
    meta = item._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[item.pk])


@add_object_tool
def preview_link(request, item):
    """The preview's link on the change form of an item whose kind sends alerts."""
    if alert_kind(type(item)) is None or not may_preview(request.user, item):
        return None
    content_type = ContentType.objects.get_for_model(item)
    return PREVIEW, reverse("admin:alerts_change_preview", args=[content_type.pk, item.pk])


@admin.register(Digest)
class DigestAdmin(RecordAdmin):
    """Each daily and weekly summary, newest first, with how many emails it made."""

    list_display = ["how_often", "period_start", "period_end", "waiting", "sent", "failed"]
    list_filter = ["frequency"]
    fields = ["how_often", "period_start", "period_end", "waiting", "sent", "failed"]
    readonly_fields = fields

    def changelist_view(self, request, extra_context=None):
        context = {"title": "Daily and weekly summaries sent", **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description="Summary", ordering="frequency")
    def how_often(self, obj):
        return "Daily" if obj.frequency == Frequency.DAILY else "Weekly"


PAUSE_HELP = (
    "One switch for everyone's alerts. Use it if something is wrong, for example an "
    "alert that should not have gone: nothing more is sent until you switch it back "
    "on, and nothing is lost. A few emails already handed to the mail server when you "
    "pause may still arrive. Only publishers can change it; it records who did, and when."
)


@admin.register(Sending)
class SendingAdmin(AlertsAdmin):
    """One switch (the row pk=1), on one page: its list goes straight to it."""

    fieldsets = [
        (None, {"fields": ["paused"], "description": PAUSE_HELP}),
        ("Last changed", {"fields": ["changed_at", "changed_by"]}),
    ]
    readonly_fields = ["changed_at", "changed_by"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        if str(object_id) != "1":
            return None
        return Sending.objects.get_or_create(pk=1)[0]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        return redirect("admin:alerts_sending_change", 1)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"title": "Pause alert emails", "show_save_and_continue": False}
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def save_model(self, request, obj, form, change):
        obj.changed_by = request.user
        super().save_model(request, obj, form, change)
        if "paused" in form.changed_data and not obj.paused:
            catch_up()  # what waits is queued now, not at the next cron run

    def response_change(self, request, obj):
        if obj.paused:
            messages.warning(
                request, "Alert emails are paused. Nothing is sent until you untick the box."
            )
        else:
            messages.success(
                request, "Alert emails are being sent. Any that waited are on their way."
            )
        return redirect(request.path)


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
    verbose_name_plural = "Lists"
    fields = ["what", "priority", "frequency", "confirmed_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(ADDRESSES)  # shown with the address it belongs to

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "confirmed_at", "created_at", "emails_sent"]
    search_fields = ["email"]
    fields = ["email", "confirmed_at", "created_at", "emails_sent"]
    readonly_fields = fields
    inlines = [SubscriptionInline]
    change_form_template = "alerts/admin/subscriber_change_form.html"
    change_list_template = "alerts/admin/change_list.html"

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

    def get_queryset(self, request):
        sent = Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT))
        return super().get_queryset(request).annotate(sent_count=sent)

    @admin.display(description="Emails sent to it", ordering="sent_count")
    def emails_sent(self, obj):
        return obj.sent_count

    def get_deleted_objects(self, objs, request):
        """Its subscriptions go with it: deleting an address needs no permission on them
        (which nobody holds, as the counts page allows no change)."""
        deleted, model_count, _, protected = super().get_deleted_objects(objs, request)
        lists = model_count.pop(Subscription._meta.verbose_name_plural, 0)
        if lists:
            model_count["lists"] = lists  # not "people per list", its name elsewhere
        return deleted, model_count, set(), protected

    def log_deletions(self, request, queryset):
        for obj in queryset:
            log(request, obj, DELETION, "Deleted for a data request: the address and its lists.")

    def get_urls(self):
        return [
            path(
                "<path:object_id>/data/",
                self.admin_site.admin_view(self.data_view),
                name="alerts_subscriber_data",
            ),
            *super().get_urls(),
        ]

    def data_view(self, request, object_id):
        """Everything kept about one address, as a JSON download, for a data request."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        subscriber = self.get_object(request, object_id)
        if subscriber is None:
            raise Http404("No such address")
        log(request, subscriber, CHANGE, "Downloaded its data for a data request.")
        response = HttpResponse(
            json.dumps(everything_about(subscriber), indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
        name = f"email-alerts-subscriber-{subscriber.pk}.json"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


def log(request, subscriber, action, message):
    """The admin's log, naming the subscriber by number, never by address."""
    LogEntry.objects.create(
        user_id=request.user.pk,
        content_type=ContentType.objects.get_for_model(Subscriber),
        object_id=str(subscriber.pk),
        object_repr=f"Subscriber {subscriber.pk}",
        action_flag=action,
        change_message=message,
    )


def when(moment):
    return timezone.localtime(moment).isoformat() if moment else None


def everything_about(subscriber):
    """What the site keeps about an address: its lists, and every alert email to it."""
    subscriptions = subscriber.subscriptions.select_related("priority")
    deliveries = subscriber.deliveries.select_related("change", "digest").order_by("sent_at", "pk")
    return {
        "email_address": subscriber.email,
        "signed_up_at": when(subscriber.created_at),
        "confirmed_at": when(subscriber.confirmed_at),
        "lists": [
            {
                "about": subscription.describe(),
                "how_often": subscription.get_frequency_display(),
                "asked_for_at": when(subscription.created_at),
                "confirmed_at": when(subscription.confirmed_at),
            }
            for subscription in subscriptions
        ],
        "emails": [
            {
                "about": delivery.change.subject if delivery.change else str(delivery.digest),
                "state": delivery.get_status_display(),
                "sent_at": when(delivery.sent_at),
            }
            for delivery in deliveries
        ],
    }
