"""The editorial roles (strategy_site 0002) for this app's pages, which are live as
soon as they are saved: editors may look, publishers change them."""

from django.db import migrations

from publishing.roles import grant

ROLES = {
    "accessibility.sitesettings": ("view", "add change view"),
    "accessibility.accessibilitystatement": ("view", "add change view"),
    "accessibility.signpost": ("view", "add change delete view"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("accessibility", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [grant(ROLES)]
