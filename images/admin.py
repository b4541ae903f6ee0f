from django.contrib import admin
from django.db import models

from .forms import WORDS
from .models import Image


def picture_value(name, label):
    """What a read-only page shows for the picture field `name` (see PictureAdmin)."""
    field = WORDS[name]

    def value(obj):
        return getattr(obj.image, field) if obj is not None and obj.image is not None else None

    value.short_description = label
    value.boolean = isinstance(Image._meta.get_field(field), models.BooleanField)
    return value


class PictureAdmin:
    """The admin (or inline) of a model shown with PictureForm.

    When the page is read-only (for someone who may only view it), Django
    shows each field by looking it up on the model or the admin; the picture's words
    live on its Image, so the admin answers for them, under the form's labels.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (label, _) in self.form.picture_labels.items():
            if name in WORDS:
                setattr(self, name, picture_value(name, label))


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
