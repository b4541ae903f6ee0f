"""The editorial roles (strategy_site 0002) for glossary terms, which are live as soon
as they are saved: editors and publishers both add and change terms; publishers also
delete them."""

from django.db import migrations

from publishing.roles import grant

ROLES = {"glossary.glossaryterm": ("add change view", "add change delete view")}


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [grant(ROLES)]
