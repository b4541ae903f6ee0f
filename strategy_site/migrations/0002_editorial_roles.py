"""The two editorial roles, as groups an administrator adds people to.

Editor: writes and changes drafts and submits them for review.
Publisher: also publishes, unpublishes and schedules, edits live pages and
creates preview links for sign-off.

The rows are those of the day (the site's table is strategy_site/roles.py, applied
by 0004); publishing.roles.grant applies them.
"""

from django.db import migrations

from publishing.roles import grant

ROLES = {
    "news.pressrelease": ("add change view", "add change delete view publish"),
    "news.cabinetdecision": ("add change view", "add change delete view publish"),
    "news.quote": ("add change delete view", "add change delete view"),
    "news.decisionpoint": ("add change delete view", "add change delete view"),
    "priorities.strategy": ("view", "add change view"),
    "priorities.priority": ("view", "add change view"),
    "strategy_site.previewlink": ("", "add change view"),
    "strategy_site.changenote": ("", "add change view"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy_site", "0001_initial"),
        ("news", "0002_editorial_workflow"),
        ("priorities", "0001_initial"),
    ]

    operations = [grant(ROLES, every_app=True)]
