"""The site's table of roles (strategy_site/roles.py) again, now that it names email
alerts: Editors and Publishers see how many people get each list, and neither group
sees an address."""

from django.db import migrations

from publishing.roles import grant
from strategy_site.roles import EDITORIAL_ROLES


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_site", "0007_editorial_roles_for_help_contacts"),
        ("alerts", "0002_editorial_roles"),
    ]

    operations = [grant(EDITORIAL_ROLES, undo=False)]
