"""The publishing models now live in the `publishing` app (its migration 0001 moved
their tables); here they leave this app's migration state only."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('strategy_site', '0002_editorial_roles'),
        ('publishing', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='previewlink',
                    name='content_type',
                ),
                migrations.RemoveField(
                    model_name='previewlink',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='slugrecord',
                    name='content_type',
                ),
                migrations.DeleteModel(
                    name='ChangeNote',
                ),
                migrations.DeleteModel(
                    name='PreviewLink',
                ),
                migrations.DeleteModel(
                    name='SlugRecord',
                ),
            ],
        ),
    ]
