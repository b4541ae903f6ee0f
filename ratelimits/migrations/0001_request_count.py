"""One table of rate-limit counts for every form (feedback's answers, alerts' requests),
replacing feedback.AnswerCount and alerts.EmailCount, which their apps' next migrations
drop. Counts are short-lived (an hour at most), so none is carried over."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='RequestCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(help_text="What is counted: the form's purpose and a keyed hash of an address (an email address or a visitor's internet address), never the address itself.", max_length=100, unique=True)),
                ('window_ends_at', models.DateTimeField(db_index=True, help_text='When this count ends. After that the next request starts again.')),
                ('count', models.PositiveIntegerField(default=1, help_text='Requests counted so far (those over the limit are not).', verbose_name='requests')),
            ],
            options={
                'verbose_name': 'rate-limit count',
            },
        ),
    ]
