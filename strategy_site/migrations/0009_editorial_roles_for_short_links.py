"""The site's table of roles (strategy_site/roles.py) again, now that it names short
links: Editors and Publishers see every short link and how often it was followed.
Links are made by the site, so neither group adds, changes or deletes one."""

from django.db import migrations

from publishing.roles import grant
from strategy_site.roles import EDITORIAL_ROLES


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_site", "0008_editorial_roles_for_alerts"),
        ("sharing", "0001_short_links_and_follow_counts"),
    ]

    operations = [grant(EDITORIAL_ROLES, undo=False)]
