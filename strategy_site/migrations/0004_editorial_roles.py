"""The editorial roles as the site declares them (strategy_site/roles.py), for every
app at once.

The roles migrations before this one granted the same rows, each for its own app, so
on an existing database this changes nothing unless an administrator changed the
groups by hand; on the models the table names, the groups then hold what it says.
Unapplied, it leaves the groups as they are: the migrations before it gave them that.
"""

from django.db import migrations

from publishing.roles import grant
from strategy_site.roles import EDITORIAL_ROLES


class Migration(migrations.Migration):
    # After the latest migration of every app whose models the table names.
    dependencies = [
        ("strategy_site", "0003_publishing_models_moved"),
        ("publishing", "0001_initial"),
        ("accessibility", "0002_editorial_roles"),
        ("easyread", "0003_picture_shows_people_and_consent"),
        ("feedback", "0002_editorial_roles"),
        ("glossary", "0002_editorial_roles"),
        ("news", "0008_search_heading_stored_inline"),
        ("priorities", "0003_stored_search_vectors"),
        ("progress", "0002_editorial_roles"),
    ]

    operations = [grant(EDITORIAL_ROLES, undo=False)]
