"""The site's table of roles (strategy_site/roles.py) again, now that glossary terms are
publishers' only: a term is live as soon as it is saved and linked from every page, so
an editor looks and asks a publisher. Unapplied, it leaves the groups as they are."""

from django.db import migrations

from publishing.roles import grant
from strategy_site.roles import EDITORIAL_ROLES


class Migration(migrations.Migration):
    # After the latest migration of every app whose models the table names.
    dependencies = [
        ("strategy_site", "0005_editorial_roles_for_images"),
        ("publishing", "0001_initial"),
        ("accessibility", "0002_editorial_roles"),
        ("easyread", "0006_remove_easyreadpoint_picture_columns"),
        ("feedback", "0002_editorial_roles"),
        ("glossary", "0002_editorial_roles"),
        ("images", "0001_initial"),
        ("news", "0012_remove_pressrelease_picture_columns"),
        ("priorities", "0004_search_vectors_declared"),
        ("progress", "0002_editorial_roles"),
    ]

    operations = [grant(EDITORIAL_ROLES, undo=False)]
