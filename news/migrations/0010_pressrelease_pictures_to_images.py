"""Press releases: each picture becomes an Image row with every value it had (file, size,
words, people and consent, renditions), and back again when unapplied.

A step of its own: on PostgreSQL, a table whose rows were just given a foreign key
cannot be altered in the same transaction, and the next step alters it.

Unapplying leaves the Image rows in place (they may be shown elsewhere by then);
applying again reuses a row that holds exactly the same values rather than making
a copy.
"""

from django.db import migrations

# The old column: the Image field it moves to.
FIELDS = {
    "image_file": "file",
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


def to_images(apps, schema_editor):
    Item = apps.get_model("news", "pressrelease")
    Image = apps.get_model("images", "Image")
    db = schema_editor.connection.alias
    for item in Item.objects.using(db).exclude(image_file="").filter(image=None).iterator():
        values = {field: getattr(item, column) for column, field in FIELDS.items()}
        values["file"] = item.image_file.name
        renditions = values.pop("renditions")
        same = [
            image
            for image in Image.objects.using(db).filter(**values)
            if image.renditions == renditions
        ]
        image = same[0] if same else Image(**values, renditions=renditions)
        if not same:
            image.save(using=db)
        item.image = image
        item.save(using=db, update_fields=["image"])


def from_images(apps, schema_editor):
    Item = apps.get_model("news", "pressrelease")
    db = schema_editor.connection.alias
    for item in Item.objects.using(db).exclude(image=None).select_related("image").iterator():
        values = {column: getattr(item.image, field) for column, field in FIELDS.items()}
        values["image_file"] = item.image.file.name
        # update(), not save(): setting a stored picture's file would read it from storage.
        Item.objects.using(db).filter(pk=item.pk).update(**values)


class Migration(migrations.Migration):
    dependencies = [("news", "0009_pressrelease_image_reference")]

    operations = [migrations.RunPython(to_images, from_images)]
