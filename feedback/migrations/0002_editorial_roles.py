"""The editorial roles (strategy_site 0002) may read and export page feedback.

View only: answers are what visitors said, so nobody edits them; deleting one (if
someone typed personal details into it) is left to administrators.
"""

from django.db import migrations

from publishing.roles import grant

ROLES = {"feedback.pagefeedback": ("view", "view")}


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [grant(ROLES)]
