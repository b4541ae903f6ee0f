"""The picture's fields inside the form of the model that shows it.

An editor adding a press release uploads its photo and types its alt text on
the press release's own form, as before there was an Image model: the form
carries the Image's fields under the names `image`, `image_alt`,
`image_is_decorative`, ... and creates or updates the Image when it is saved.
This works the same in an inline (an Easy Read point), where Django's "+"
popup for a related object would not.
"""

import reversion
from django import forms
from django.contrib.admin import widgets
from django.db import models

from .models import Image

# Form field name: Image field name.
PICTURE_FIELDS = {
    "image": "file",
    "image_alt": "alt",
    "image_is_decorative": "is_decorative",
    "image_caption": "caption",
    "image_credit": "credit",
    "image_shows_people": "shows_people",
    "image_consent_recorded": "consent_recorded",
}
WORDS = {name: field for name, field in PICTURE_FIELDS.items() if name != "image"}


def image_form_field(name, **kwargs):
    """The Image field's form field, with the widget the admin gives such a field."""
    field = Image._meta.get_field(name)
    if isinstance(field, models.FileField):
        kwargs.setdefault("widget", widgets.AdminFileWidget)
    elif isinstance(field, models.CharField):
        kwargs.setdefault("widget", widgets.AdminTextInputWidget)
    return field.formfield(**kwargs)


class PictureForm(forms.ModelForm):
    """A model form for a HasPicture model. `picture_labels` names the fields of
    PICTURE_FIELDS the model uses, each with its words for editors, as (label, help
    text); the others are left out, so they leave the Image as it is."""

    image = image_form_field("file", required=False)
    image_alt = image_form_field("alt")
    image_is_decorative = image_form_field("is_decorative")
    image_caption = image_form_field("caption")
    image_credit = image_form_field("credit")
    image_shows_people = image_form_field("shows_people")
    image_consent_recorded = image_form_field("consent_recorded")

    picture_labels = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in PICTURE_FIELDS:
            if name not in self.picture_labels:
                del self.fields[name]
        for name, (label, help_text) in self.picture_labels.items():
            self.fields[name].label = label
            self.fields[name].help_text = help_text
        current = self.instance.image if self.instance.image_id else None
        if current is not None:
            self.initial["image"] = current.file
            for name, field in WORDS.items():
                self.initial[name] = getattr(current, field)

    def clean(self):
        cleaned_data = super().clean()
        if "image" in self.errors:
            return cleaned_data
        # What the model will hold: the Image, unsaved when it is new or its words
        # changed, so that the model's clean() judges it as the editor left it.
        cleaned_data["image"] = self.chosen_picture(cleaned_data)
        return cleaned_data

    def chosen_picture(self, cleaned_data):
        upload = cleaned_data.get("image")
        current = self.instance.image if self.instance.image_id else None
        if upload is False or (upload is None and current is None):
            return None  # removed, or never chosen: any words typed go with it
        if upload is not None and current is not None and upload == current.file:
            upload = None  # the stored file, sent back unchanged
        if upload is not None:
            # A new file is a new Image: the old one stays for the history to restore.
            picture = Image(file=upload)
            picture.upload_folder = self.instance.picture_folder
        else:
            picture = current
        for name, field in WORDS.items():
            if name in self.fields:
                # A field with an error keeps its value: the form is refused anyway.
                setattr(picture, field, cleaned_data.get(name, getattr(picture, field)))
        return picture

    def picture_changed(self):
        return bool({"image", *WORDS} & set(self.changed_data))

    def save(self, commit=True):
        picture = self.instance.image
        if picture is not None and (picture.pk is None or self.picture_changed()):
            picture.save()
            self.instance.image = picture
        if picture is not None and reversion.is_active():
            # In every version of the page, changed or not, so the history compares the
            # picture's words version to version, and restoring one restores them.
            reversion.add_to_revision(picture)
        return super().save(commit)
