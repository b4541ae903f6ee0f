"""The alert forms' rate-limit counts move to ratelimits.RequestCount, the one counter
every form shares; this drops the old table. Counts live for an hour at most, so none is
copied: after migrating, every address and visitor simply starts a fresh window.
Unapplied, the empty table comes back."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0003_sending"),
        ("ratelimits", "0001_request_count"),
    ]

    operations = [
        migrations.DeleteModel(name="EmailCount"),
    ]
