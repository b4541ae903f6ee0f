"""The editorial roles (strategy_site 0002) for email alerts: Editors and Publishers see
how many people get each list; neither group sees an address (that permission is one an
administrator gives to a person). Unapplied, it takes them back."""

from django.db import migrations

from publishing.roles import grant

ROLES = {
    "alerts.subscription": ("view", "view"),
    "alerts.subscriber": ("", ""),
}


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [grant(ROLES)]
