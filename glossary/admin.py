from django import forms
from django.contrib import admin

from publishing.admin import ContentAdmin

from .models import GlossaryTerm


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(ContentAdmin):
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
