"""Easy Read points: the first of three steps that move its picture into an Image row
(images.Image). This adds the reference; the old picture field is renamed `image_file`
until the next step has copied it, and the step after removes the old columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("easyread", "0003_picture_shows_people_and_consent"),
        ("images", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="easyreadpoint", name="easy_read_picture_has_alt_text"),
        migrations.RenameField(model_name="easyreadpoint", old_name="image", new_name="image_file"),
        migrations.AddField(
            model_name="easyreadpoint",
            name="image",
            field=models.ForeignKey(
                blank=True,
                help_text="Optional: a JPEG, PNG or WebP that shows the idea. It is shown beside the words. Where and how it was taken is removed when it is saved.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="easy_read_points",
                to="images.image",
                verbose_name="picture",
            ),
        ),
    ]
