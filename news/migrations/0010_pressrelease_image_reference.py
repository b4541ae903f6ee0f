"""Press releases: the first of three steps that move its picture into an Image row
(images.Image). This adds the reference; the old picture field is renamed `image_file`
until the next step has copied it, and the step after removes the old columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0009_search_vectors_declared"),
        ("images", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="pressrelease", name="press_release_image_has_alt_text"),
        migrations.RenameField(model_name="pressrelease", old_name="image", new_name="image_file"),
        migrations.AddField(
            model_name="pressrelease",
            name="image",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional: a JPEG, PNG or WebP. Where and how it was taken (location, camera details) is removed when it is saved.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="press_releases",
                to="images.image",
                verbose_name="photo",
            ),
        ),
    ]
