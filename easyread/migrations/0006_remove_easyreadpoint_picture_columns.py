"""Easy Read points: the third step; the picture lives in its Image row now, so the old
columns go. Unapplied, they come back empty, and the step before refills them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("easyread", "0005_easyreadpoint_pictures_to_images")]

    operations = [
        migrations.RemoveField(model_name="easyreadpoint", name="image_file"),
        migrations.RemoveField(model_name="easyreadpoint", name="image_width"),
        migrations.RemoveField(model_name="easyreadpoint", name="image_height"),
        migrations.RemoveField(model_name="easyreadpoint", name="image_alt"),
        migrations.RemoveField(model_name="easyreadpoint", name="image_shows_people"),
        migrations.RemoveField(model_name="easyreadpoint", name="image_consent_recorded"),
        migrations.RemoveField(model_name="easyreadpoint", name="image_renditions"),
    ]
