from django.contrib import admin

from contentchecks.admin import ContentChecksAdmin
from images.admin import PictureAdmin
from images.forms import PictureForm
from publishing.admin import PUBLISHING_FIELDSET, PublishableAdmin, PublishableForm
from sharing.admin import SHARE_PREVIEW_FIELDSET, SharePreviewAdmin

from .models import CabinetDecision, DecisionPoint, PressRelease, Quote


class QuoteInline(admin.StackedInline):
    model = Quote
    extra = 0
    fields = [("speaker", "role"), "text", "order"]


class PressReleaseForm(PictureForm, PublishableForm):
    picture_labels = {
        "image": (
            "Photo",
            "Optional: a JPEG, PNG or WebP. Where and how it was taken "
            "(location, camera details) is removed when it is saved.",
        ),
        "image_alt": (
            "Image description (alt text)",
            "Describe the photo for people who cannot see it. "
            "Required unless you tick “decorative”.",
        ),
        "image_is_decorative": (
            "The photo is decorative",
            "Tick only if the photo adds nothing a reader would miss; screen readers will skip it.",
        ),
        "image_caption": ("Image caption", "Shown under the photo, e.g. who is in it."),
        "image_credit": ("Photo credit", "Who took the photo, if known."),
        "image_shows_people": (
            "The photo shows people",
            "Untick only if nobody can be recognised in the photo.",
        ),
        "image_consent_recorded": (
            "Consent recorded for everyone pictured",
            "Required before a photo of people can be published. These may be photos of children.",
        ),
    }


@admin.register(PressRelease)
class PressReleaseAdmin(ContentChecksAdmin, PictureAdmin, SharePreviewAdmin, PublishableAdmin):
    form = PressReleaseForm
    list_display = ["title", "current_state", "published_at", "updated_at"]
    choose_the_only_one = ["strategy"]
    list_filter = ["status", "published_at", "priorities"]
    search_fields = ["title", "standfirst", "body"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuoteInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "standfirst", "body"]}),
        (
            "Photo",
            {
                "fields": [
                    "image",
                    "image_alt",
                    "image_is_decorative",
                    "image_caption",
                    "image_credit",
                    "image_shows_people",
                    "image_consent_recorded",
                ],
                "classes": ["collapse"],
            },
        ),
        ("Links", {"fields": ["strategy", "priorities"]}),
        SHARE_PREVIEW_FIELDSET,
        PUBLISHING_FIELDSET,
    ]


class DecisionPointInline(admin.TabularInline):
    model = DecisionPoint
    extra = 0
    fields = ["number", "kind", "text"]


@admin.register(CabinetDecision)
class CabinetDecisionAdmin(ContentChecksAdmin, SharePreviewAdmin, PublishableAdmin):
    list_display = ["title", "meeting_date", "decision_status", "current_state", "published_at"]
    choose_the_only_one = ["strategy"]
    list_filter = ["status", "decision_status", "decision_type", "meeting_body", "priorities"]
    search_fields = [
        "title",
        "summary_for_families",
        "discussion",
        "reasons",
        "presented_by",
        "lead_member",
    ]
    date_hierarchy = "meeting_date"
    prepopulated_fields = {"slug": ["title"]}
    inlines = [DecisionPointInline]
    fieldsets = [
        (None, {"fields": ["title", "slug"]}),
        ("Meeting", {"fields": ["meeting_body", "meeting_date", "item_number", "purpose"]}),
        ("For families", {"fields": ["summary_for_families"]}),
        (
            "The record",
            {
                "fields": [
                    "reasons",
                    "discussion",
                    ("decision_type", "decision_status"),
                    "presented_by",
                    "lead_member",
                    "official_record_url",
                ]
            },
        ),
        ("Links", {"fields": ["strategy", "priorities"]}),
        SHARE_PREVIEW_FIELDSET,
        PUBLISHING_FIELDSET,
    ]
