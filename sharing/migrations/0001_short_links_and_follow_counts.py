"""Short links and their weekly counts (sharing/models.py). Editors and Publishers see
them in the admin (the editorial roles, as strategy_site/roles.py lists them); links are
made by the site, so neither adds, changes or deletes one. Unapplied, it takes that back."""

import django.db.models.deletion
from django.db import migrations, models

from publishing.roles import grant

ROLES = {"sharing.shortlink": ("view", "view")}


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('strategy_site', '0002_editorial_roles'),
    ]

    operations = [
        migrations.CreateModel(
            name='ShortLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(editable=False, help_text="The short address is the site's address, then /s/ and this code. It is made once and never changes.", max_length=12, unique=True)),
                ('object_id', models.PositiveBigIntegerField(blank=True, editable=False, null=True)),
                ('page', models.CharField(blank=True, editable=False, help_text='For a page that is not one item (the home page, Get help): its name.', max_length=60)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('content_type', models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, to='contenttypes.contenttype')),
            ],
            options={
                'verbose_name': 'short link',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='FollowCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('week', models.DateField(help_text='The Monday the week starts, UK time.')),
                ('link_follows', models.PositiveIntegerField(default=0, help_text='Typed, clicked or tapped.', verbose_name='followed from the link')),
                ('qr_follows', models.PositiveIntegerField(default=0, help_text="Scanned with a phone's camera.", verbose_name='followed from the QR code')),
                ('link', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follow_counts', to='sharing.shortlink')),
            ],
            options={
                'verbose_name': 'weekly count',
                'ordering': ['-week'],
            },
        ),
        migrations.AddConstraint(
            model_name='shortlink',
            constraint=models.UniqueConstraint(condition=models.Q(('page', '')), fields=('content_type', 'object_id'), name='one_short_link_per_item'),
        ),
        migrations.AddConstraint(
            model_name='shortlink',
            constraint=models.UniqueConstraint(condition=models.Q(('page', ''), _negated=True), fields=('page',), name='one_short_link_per_page'),
        ),
        migrations.AddConstraint(
            model_name='followcount',
            constraint=models.UniqueConstraint(fields=('link', 'week'), name='one_count_per_link_per_week'),
        ),
        grant(ROLES),
    ]
