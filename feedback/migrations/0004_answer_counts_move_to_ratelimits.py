"""The feedback form's rate-limit counts move to ratelimits.RequestCount, the one counter
every form shares; this drops the old table. Counts live for 10 minutes at most, so none
is copied: after migrating, every visitor simply starts a fresh window. Unapplied, the
empty table comes back."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_answer_count"),
        ("ratelimits", "0001_request_count"),
    ]

    operations = [
        migrations.DeleteModel(name="AnswerCount"),
    ]
