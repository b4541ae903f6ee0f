"""The admin's names for email alerts' pages, and the editorial roles (strategy_site
0002) for what alerts send: Editors and Publishers see each alert and summary with how
many emails went, and whether sending is paused; Publishers may pause it. Unapplied, it
takes the roles back."""

from django.db import migrations

from publishing.roles import grant

ROLES = {
    "alerts.change": ("view", "view"),
    "alerts.digest": ("view", "view"),
    "alerts.sending": ("view", "change view"),
}


class Migration(migrations.Migration):

    dependencies = [
        ('alerts', '0004_email_counts_move_to_ratelimits'),
    ]

    operations = [
        grant(ROLES),
        migrations.AlterModelOptions(
            name='change',
            options={'ordering': ['-due_at', '-pk'], 'verbose_name': 'email alert', 'verbose_name_plural': 'email alerts sent'},
        ),
        migrations.AlterModelOptions(
            name='delivery',
            options={'verbose_name': 'email to one subscriber', 'verbose_name_plural': 'emails to one subscriber'},
        ),
        migrations.AlterModelOptions(
            name='digest',
            options={'ordering': ['-period_start'], 'verbose_name': 'daily or weekly summary', 'verbose_name_plural': 'daily and weekly summaries sent'},
        ),
        migrations.AlterModelOptions(
            name='subscriber',
            options={'ordering': ['-created_at', '-pk'], 'permissions': [('view_subscriber_address', 'View subscriber addresses')], 'verbose_name': 'email alert subscriber', 'verbose_name_plural': 'subscriber addresses'},
        ),
        migrations.AlterModelOptions(
            name='subscription',
            options={'ordering': ['what', 'priority__number'], 'verbose_name': 'email alert subscription', 'verbose_name_plural': 'people per list'},
        ),
    ]
