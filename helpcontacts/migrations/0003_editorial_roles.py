"""The editorial roles (strategy_site 0002) for help contacts, which are live as soon
as they are saved: editors may look, publishers add, change and delete them."""

from django.db import migrations

from publishing.roles import grant

ROLES = {"helpcontacts.helpcontact": ("view", "add change delete view")}


class Migration(migrations.Migration):
    dependencies = [
        ("helpcontacts", "0002_signposts_become_help_contacts"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [grant(ROLES)]
