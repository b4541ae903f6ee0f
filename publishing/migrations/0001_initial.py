"""The publishing tables move here from the `strategy_site` app, keeping every row.

The tables are renamed, the change notes' index is made again under its new name, and
the three content types are relabelled so that the permissions the editorial roles
hold, and the revision history, follow their models. The models are made in the
migration state only: their tables already exist.
"""

import django.db.models.deletion
import django.utils.timezone
import publishing.models
from django.conf import settings
from django.db import migrations, models

MODELS = ("slugrecord", "previewlink", "changenote")
OLD_INDEX = "strategy_si_content_6aba15_idx"
NEW_INDEX = "publishing__content_d5d2b6_idx"


def rename_tables(old, new, old_index, new_index):
    return [f"ALTER TABLE {old}_{model} RENAME TO {new}_{model}" for model in MODELS] + [
        f"DROP INDEX {old_index}",
        f"CREATE INDEX {new_index} ON {new}_changenote (content_type_id, object_id)",
    ]


def relabel(old, new):
    def run(apps, schema_editor):
        ContentType = apps.get_model("contenttypes", "ContentType")
        db = schema_editor.connection.alias
        for model in MODELS:
            if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
                ContentType.objects.using(db).filter(app_label=old, model=model).update(
                    app_label=new
                )

    return run


class Migration(migrations.Migration):

    initial = True

    # After every migration that made or used these tables under their old app, so a
    # new database reaches the same state by the same road as an existing one.
    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('strategy_site', '0002_editorial_roles'),
        ('accessibility', '0002_editorial_roles'),
        ('easyread', '0003_picture_shows_people_and_consent'),
        ('feedback', '0002_editorial_roles'),
        ('glossary', '0002_editorial_roles'),
        ('news', '0008_search_heading_stored_inline'),
        ('priorities', '0003_stored_search_vectors'),
        ('progress', '0002_editorial_roles'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    rename_tables("strategy_site", "publishing", OLD_INDEX, NEW_INDEX),
                    rename_tables("publishing", "strategy_site", NEW_INDEX, OLD_INDEX),
                ),
                migrations.RunPython(
                    relabel("strategy_site", "publishing"), relabel("publishing", "strategy_site")
                ),
            ],
            state_operations=[
                migrations.CreateModel(
                    name='PreviewLink',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('token', models.CharField(default=publishing.models.new_preview_token, editable=False, max_length=64, unique=True)),
                        ('expires_at', models.DateTimeField(default=publishing.models.default_preview_expiry)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                        ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                    },
                ),
                migrations.CreateModel(
                    name='ChangeNote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('note', models.CharField(max_length=300)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                        ('created_by', models.ForeignKey(editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['content_type', 'object_id'], name='publishing__content_d5d2b6_idx')],
                    },
                ),
                migrations.CreateModel(
                    name='SlugRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('object_id', models.PositiveBigIntegerField()),
                        ('slug', models.SlugField(max_length=120)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to='contenttypes.contenttype')),
                    ],
                    options={
                        'verbose_name': 'published address',
                        'constraints': [models.UniqueConstraint(fields=('content_type', 'slug'), name='slug_record_unique')],
                    },
                ),
            ],
        ),
    ]
