"""The editorial roles (strategy_site 0002) for Easy Read versions, which follow the
same workflow as press releases: editors write drafts and submit them for review,
publishers also publish, unpublish and delete."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

VERSION = "easyreadversion"
PARTS = "easyreadpoint"
EDITOR = [f"{action}_{VERSION}" for action in ("add", "change", "view")] + [
    f"{action}_{PARTS}" for action in ("add", "change", "delete", "view")
]
ROLES = {
    "Editor": EDITOR,
    "Publisher": [*EDITOR, f"delete_{VERSION}", f"publish_{VERSION}"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("easyread")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="easyread", codename__in=codes)
        )


def revoke(apps, schema_editor):
    # By id: when unapplying, the historical Permission model can be another class
    # than the one the Group's relation expects, and instances would be refused.
    Permission = apps.get_model("auth", "Permission")
    ids = Permission.objects.filter(content_type__app_label="easyread").values_list("pk", flat=True)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*ids)


class Migration(migrations.Migration):
    dependencies = [
        ("easyread", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
