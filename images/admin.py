from django.contrib import admin

from .models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """Every picture, for finding one and correcting its words or consent.

    Pictures are added from the form of the page that shows them. A file is never
    replaced here: a new file is a new picture, so a page's history keeps the old.
    """

    list_display = ["__str__", "caption", "shows_people", "consent_recorded", "created_at"]
    list_filter = ["shows_people", "consent_recorded", "is_decorative"]
    search_fields = ["alt", "caption", "credit"]
    fieldsets = [
        (None, {"fields": ["file", "alt", "is_decorative", "caption", "credit"]}),
        ("People in the picture", {"fields": ["shows_people", "consent_recorded"]}),
        ("Size", {"fields": ["width", "height", "created_at", "updated_at"]}),
    ]
    readonly_fields = ["width", "height", "created_at", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "file"] if obj is not None else fields
