"""The editorial roles (strategy_site 0002) may read and export page feedback.

View only: answers are what visitors said, so nobody edits them; deleting one (if
someone typed personal details into it) is left to administrators.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = ["Editor", "Publisher"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("feedback")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="feedback", codename="view_pagefeedback")
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(view)


def revoke(apps, schema_editor):
    # Through the join table, not group.permissions.remove(): when several apps are
    # unapplied at once, the historical Group may relate to another rendering of
    # Permission than apps.get_model() returns, and remove() refuses the mix.
    Group = apps.get_model("auth", "Group")
    Group.permissions.through.objects.filter(
        group__name__in=ROLES, permission__content_type__app_label="feedback"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
