"""Press releases: each photo becomes an Image row with every value it had, and the
versions the history keeps are rewritten to match (images/moving.py says how)."""

from django.db import migrations

from images.moving import move_pictures


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0010_pressrelease_image_reference"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ]

    operations = [
        move_pictures(
            "news",
            "pressrelease",
            [
                "image_width",
                "image_height",
                "image_alt",
                "image_is_decorative",
                "image_caption",
                "image_credit",
                "image_shows_people",
                "image_consent_recorded",
                "image_renditions",
            ],
        )
    ]
