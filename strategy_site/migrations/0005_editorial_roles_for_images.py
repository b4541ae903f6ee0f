"""The site's table of roles (strategy_site/roles.py) again, now that it names the
Images list's pictures: editors look, publishers also correct and delete.

Unapplied, it takes back the Images rows, which no earlier migration granted; the rest
of the table stays as the migrations before it left it."""

from django.db import migrations

from publishing.roles import grant
from strategy_site.roles import EDITORIAL_ROLES


class Migration(migrations.Migration):
    dependencies = [
        ("strategy_site", "0004_editorial_roles"),
        ("images", "0001_initial"),
    ]

    operations = [
        grant(EDITORIAL_ROLES, undo=False),
        grant({"images.image": EDITORIAL_ROLES["images.image"]}),
    ]
