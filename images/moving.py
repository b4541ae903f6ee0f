"""
Moving a page model's picture columns into `Image` rows: the one data migration step
each app that had pictures (press releases, Easy Read points) runs, and its undoing.

Each picture becomes an Image row with every value it had (file, size, words, people
and consent, renditions), and back again when unapplied. The versions the history keeps
(django-reversion) are rewritten the same way, so an old version still reads and
restores, with the picture and the words it had then.

It is a migration step of its own: on PostgreSQL, a table whose rows were just given a
foreign key cannot be altered in the same transaction, and the next step alters it.
Unapplying leaves the Image rows in place (they may be shown elsewhere by then);
applying again reuses a row that holds exactly the same values rather than making a
copy.

Migrations import this, so what it does must not change: a new move is a new function.
"""

import json

from django.db import migrations

# The old picture columns a page model had (besides the file, `image`, renamed
# `image_file` in the step before each move), and the Image field each moves to. A model
# had some of them: `move_pictures` is told which.
COLUMNS = {
    "image_width": "width",
    "image_height": "height",
    "image_alt": "alt",
    "image_is_decorative": "is_decorative",
    "image_caption": "caption",
    "image_credit": "credit",
    "image_shows_people": "shows_people",
    "image_consent_recorded": "consent_recorded",
    "image_renditions": "renditions",
}
# What an old version that predates a column, or a model without it, holds for it.
DEFAULTS = {
    "width": None,
    "height": None,
    "alt": "",
    "is_decorative": False,
    "caption": "",
    "credit": "",
    "shows_people": True,
    "consent_recorded": False,
    "renditions": {},
}


class Pictures:
    """Finds or makes the Image row holding exactly some picture values."""

    def __init__(self, apps, db):
        self.Image = apps.get_model("images", "Image")
        self.db = db

    def get(self, file, values):
        values = {**DEFAULTS, **values, "file": file}
        renditions = values.pop("renditions")
        for image in self.Image.objects.using(self.db).filter(**values):
            if image.renditions == renditions:
                return image
        image = self.Image(**values, renditions=renditions)
        image.save(using=self.db)
        return image

    def columns(self, pk, fields):
        """The old `fields` columns' values for the Image `pk` (None: no picture)."""
        image = self.Image.objects.using(self.db).filter(pk=pk).first() if pk else None
        if image is None:
            return {"image": "", **{column: DEFAULTS[field] for column, field in fields.items()}}
        return {
            "image": image.file.name,
            **{column: getattr(image, field) for column, field in fields.items()},
        }


def versions(apps, db, app_label, model_name):
    """The stored versions of a model's rows, in django-reversion's JSON."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = (
        ContentType.objects.using(db).filter(app_label=app_label, model=model_name).first()
    )
    if content_type is None:
        return []
    Version = apps.get_model("reversion", "Version")
    return Version.objects.using(db).filter(content_type=content_type, format="json")


def rewrite(version, change):
    data = json.loads(version.serialized_data)
    for entry in data:
        change(entry["fields"])
    version.serialized_data = json.dumps(data)
    version.save(update_fields=["serialized_data"])


def move_pictures(app_label, model_name, columns):
    """A migration operation moving `app_label.model_name`'s picture `columns` (names
    from COLUMNS) into the Image rows its `image` foreign key refers to."""
    moved = {column: COLUMNS[column] for column in columns}

    def to_images(apps, schema_editor):
        db = schema_editor.connection.alias
        pictures = Pictures(apps, db)
        Item = apps.get_model(app_label, model_name)
        for item in Item.objects.using(db).exclude(image_file="").filter(image=None).iterator():
            values = {field: getattr(item, column) for column, field in moved.items()}
            item.image = pictures.get(item.image_file.name, values)
            item.save(using=db, update_fields=["image"])

        def to_reference(fields):
            if not any(column in fields for column in moved):
                return  # already a reference
            file = fields.pop("image", "") or ""
            values = {
                field: fields.pop(column) for column, field in moved.items() if column in fields
            }
            fields["image"] = pictures.get(file, values).pk if file else None

        for version in versions(apps, db, app_label, model_name):
            rewrite(version, to_reference)

    def from_images(apps, schema_editor):
        db = schema_editor.connection.alias
        pictures = Pictures(apps, db)
        Item = apps.get_model(app_label, model_name)
        for item in Item.objects.using(db).exclude(image=None).iterator():
            values = pictures.columns(item.image_id, moved)
            values["image_file"] = values.pop("image")
            # update(), not save(): setting a stored picture's file would read it from storage.
            Item.objects.using(db).filter(pk=item.pk).update(**values)

        def to_columns(fields):
            if any(column in fields for column in moved):
                return  # already columns
            fields.update(pictures.columns(fields.get("image"), moved))

        for version in versions(apps, db, app_label, model_name):
            rewrite(version, to_columns)

    return migrations.RunPython(to_images, from_images)
