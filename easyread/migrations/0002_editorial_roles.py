"""The editorial roles (strategy_site 0002) for Easy Read versions, which follow the
same workflow as press releases: editors write drafts and submit them for review,
publishers also publish, unpublish and delete."""

from django.db import migrations

from publishing.roles import grant

ROLES = {
    "easyread.easyreadversion": ("add change view", "add change delete view publish"),
    "easyread.easyreadpoint": ("add change delete view", "add change delete view"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("easyread", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [grant(ROLES)]
