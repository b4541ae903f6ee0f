from django import forms
from django.contrib import admin

from contentchecks.admin import ContentChecksAdmin
from publishing.admin import ContentAdmin

from .models import GlossaryTerm

PUBLISHERS_ONLY = (
    "Only publishers add, change and remove glossary terms. A term has no draft: it is "
    "on the site as soon as it is saved, and the first time any page uses it, it links "
    "to it. To suggest a new term or a better definition, send your wording to a "
    "publisher."
)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ContentChecksAdmin, ContentAdmin):
    # Django would look for this template itself, but django-reversion names its own.
    change_list_template = "admin/glossary/glossaryterm/change_list.html"
    list_display = ["term", "abbreviation", "short_definition", "is_shown", "updated_at"]
    list_filter = ["is_shown"]
    search_fields = ["term", "abbreviation", "other_forms", "short_definition"]
    prepopulated_fields = {"slug": ["term"]}
    fieldsets = [
        (None, {"fields": ["term", "abbreviation", "slug"]}),
        ("What it means", {"fields": ["short_definition", "explanation"]}),
        (
            "On the site",
            {
                "fields": ["other_forms", "is_shown"],
                "description": "The first time a page uses the term, its abbreviation or "
                "one of these forms, it links to the term's entry in the glossary.",
            },
        ),
    ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "short_definition":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def changelist_view(self, request, extra_context=None):
        if not self.has_add_permission(request):
            extra_context = {"publishers_only": PUBLISHERS_ONLY, **(extra_context or {})}
        return super().changelist_view(request, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if not self.has_change_permission(request, obj):
            context["publishers_only"] = PUBLISHERS_ONLY
        return super().render_change_form(request, context, add, change, form_url, obj)
