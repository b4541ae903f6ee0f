from django.db import migrations, models

import search.models


def add_trigram_extension(apps, schema_editor):
    """pg_trgm (trigram similarity), for "Did you mean ...?"; PostgreSQL only. A trusted
    extension: the site's database owner may add it."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        # Left in place when this is undone: something else may have come to use it.
        migrations.RunPython(add_trigram_extension, migrations.RunPython.noop, elidable=False),
        migrations.CreateModel(
            name="Word",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=60, unique=True)),
            ],
            options={
                "indexes": [
                    search.models.TrigramIndex(
                        fields=["word"], name="search_word_trigram", opclasses=["gist_trgm_ops"]
                    )
                ],
            },
        ),
    ]
