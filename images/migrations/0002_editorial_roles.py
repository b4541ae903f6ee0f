"""The editorial roles (strategy_site 0002) for pictures in the Images list.

Both roles add and change pictures from the page that shows them, whatever they
may do here. In the list itself, editors look; publishers also correct a
picture's words or consent, which changes every page it is on, live ones
included, and delete a picture no page uses.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Editor": ["view_image"],
    "Publisher": ["add_image", "change_image", "delete_image", "view_image"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("images")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="images", codename__in=codes)
        )


def revoke(apps, schema_editor):
    # By id: when unapplying, the historical Permission model can be another class
    # than the one the Group's relation expects, and instances would be refused.
    Permission = apps.get_model("auth", "Permission")
    ids = Permission.objects.filter(content_type__app_label="images").values_list("pk", flat=True)
    for group in apps.get_model("auth", "Group").objects.filter(name__in=ROLES):
        group.permissions.remove(*ids)


class Migration(migrations.Migration):
    dependencies = [
        ("images", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
