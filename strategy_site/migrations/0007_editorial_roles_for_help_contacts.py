"""The site's table of roles (strategy_site/roles.py) again, now that it names help
contacts (editors look; publishers add, change and delete them) in place of the
accessibility app's signposts, which are gone."""

from django.db import migrations

from publishing.roles import grant
from strategy_site.roles import EDITORIAL_ROLES


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_site", "0006_editorial_roles_reviewed_text"),
        ("helpcontacts", "0003_editorial_roles"),
        ("accessibility", "0003_signposts_moved_to_helpcontacts"),
    ]

    operations = [grant(EDITORIAL_ROLES, undo=False)]
