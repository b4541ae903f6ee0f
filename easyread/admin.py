from django import forms
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.dateformat import format as date_format

from contentchecks.admin import ContentChecksAdmin
from images.admin import PictureAdmin
from images.forms import PictureForm
from publishing.admin import (
    CHANGE_NOTE_FIELDSET,
    PUBLISHING_FIELDSET,
    PublishableAdmin,
    PublishableForm,
)

from .models import EasyReadPoint, EasyReadVersion, page_types

NEEDS_REVIEW = "Needs review"
UP_TO_DATE = "Up to date"


def when(moment):
    return date_format(timezone.localtime(moment), r"j M Y \a\t H:i")


def page_choices():
    """Every page that can have an Easy Read version, grouped by type, for a select box."""
    groups = []
    for page_type in page_types():
        content_type = ContentType.objects.get_for_model(page_type.model)
        pages = page_type.model._default_manager.all()
        options = [(f"{content_type.pk}:{page.pk}", str(page)) for page in pages]
        if options:
            groups.append((page_type.label, options))
    return groups


class EasyReadVersionForm(PublishableForm):
    standard_page = forms.ChoiceField(
        label="Standard page",
        help_text="The page this is the Easy Read version of. Each page has at most one. "
        "The two pages link to each other.",
    )
    mark_checked = forms.BooleanField(
        label="I have checked this against the standard page",
        required=False,
        help_text="Tick when you have read the standard page as it is now and this Easy Read "
        "version says the same thing. This clears the “Needs review” flag.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard_page"].choices = [("", "Choose a page"), *page_choices()]
        if self.instance.pk:
            self.initial["standard_page"] = (
                f"{self.instance.content_type_id}:{self.instance.object_id}"
            )

    def clean_standard_page(self):
        content_type_id, _, object_id = self.cleaned_data["standard_page"].partition(":")
        return int(content_type_id), int(object_id)

    def clean(self):
        cleaned_data = super().clean()
        if "standard_page" in cleaned_data:
            content_type_id, object_id = cleaned_data["standard_page"]
            # Not a model field, so the model form cannot check the one-per-page rule itself.
            taken = EasyReadVersion.objects.filter(
                content_type_id=content_type_id, object_id=object_id
            ).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "standard_page",
                    "This page already has an Easy Read version. Edit that one instead.",
                )
            self.instance.content_type_id = content_type_id
            self.instance.object_id = object_id
        if cleaned_data.get("mark_checked"):
            self.instance.mark_checked()
        return cleaned_data


class EasyReadPointForm(PictureForm):
    picture_labels = {
        "image": (
            "Picture",
            "Optional: a JPEG, PNG or WebP that shows the idea. It is shown beside "
            "the words. Where and how it was taken is removed when it is saved.",
        ),
        "image_alt": (
            "Picture description (alt text)",
            "Required with a picture: say what it shows, for people who cannot see it.",
        ),
        "image_shows_people": (
            "The picture shows people",
            "Untick only if nobody can be recognised in the picture.",
        ),
        "image_consent_recorded": (
            "Consent recorded for everyone in the picture",
            "Needed before a picture of people can be published. "
            "These may be pictures of children: for a child, a parent or carer gives consent.",
        ),
    }


class EasyReadPointInline(PictureAdmin, admin.StackedInline):
    model = EasyReadPoint
    form = EasyReadPointForm
    extra = 0
    min_num = 1
    fields = [
        "text",
        ("image", "image_alt"),
        ("image_shows_people", "image_consent_recorded"),
        "order",
    ]


class PageTypeFilter(admin.SimpleListFilter):
    title = "type of page"
    parameter_name = "type"

    def lookups(self, request, model_admin):
        return [("-".join(page_type.key), page_type.label) for page_type in page_types()]

    def queryset(self, request, queryset):
        for page_type in page_types():
            if self.value() == "-".join(page_type.key):
                app_label, model_name = page_type.key
                return queryset.filter(
                    content_type__app_label=app_label, content_type__model=model_name
                )
        return queryset


class NeedsReviewFilter(admin.SimpleListFilter):
    title = "checked against the standard page"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [("needed", NEEDS_REVIEW), ("done", UP_TO_DATE)]

    def queryset(self, request, queryset):
        if self.value() == "needed":
            return queryset.needs_review()
        if self.value() == "done":
            return queryset.up_to_date()
        return queryset


@admin.register(EasyReadVersion)
class EasyReadVersionAdmin(ContentChecksAdmin, PublishableAdmin):
    form = EasyReadVersionForm
    list_display = ["title", "paired_page", "review_flag", "current_state", "updated_at"]
    list_filter = [NeedsReviewFilter, "status", PageTypeFilter]
    search_fields = ["title", "intro", "points__text"]
    inlines = [EasyReadPointInline]
    readonly_fields = ["review_state"]
    fieldsets = [
        (None, {"fields": ["standard_page", "title", "intro"]}),
        (
            "Checked against the standard page",
            {
                "fields": ["review_state", "mark_checked"],
                "description": "An Easy Read version must say the same as its standard page. "
                "When the standard page is changed, this version needs review.",
            },
        ),
        PUBLISHING_FIELDSET,
    ]

    def get_fieldsets(self, request, obj=None):
        # Easy Read pages show no "last updated" notes (one thing at a time), so the
        # public change note would be shown nowhere.
        fieldsets = super().get_fieldsets(request, obj)
        return [fieldset for fieldset in fieldsets if fieldset != CHANGE_NOTE_FIELDSET]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("content_type").prefetch_related("page")

    @admin.display(description="Standard page")
    def paired_page(self, obj):
        return str(obj.page) if obj.page is not None else "(the page was deleted)"

    @admin.display(description="Checked against the standard page")
    def review_flag(self, obj):
        return f"⚠ {NEEDS_REVIEW}" if obj.needs_review else f"✓ {UP_TO_DATE}"

    @admin.display(description="Review")
    def review_state(self, obj):
        if obj is None or obj.pk is None:
            return "Not saved yet."
        if obj.checked_at is None:
            return f"{NEEDS_REVIEW}: nobody has checked it against the standard page yet."
        page = obj.page
        if page is None:
            return "The standard page was deleted."
        if obj.needs_review:
            return (
                f"{NEEDS_REVIEW}: the standard page was changed on {when(page.updated_at)}, "
                f"after this was last checked on {when(obj.checked_at)}."
            )
        return f"{UP_TO_DATE}: last checked on {when(obj.checked_at)}."
