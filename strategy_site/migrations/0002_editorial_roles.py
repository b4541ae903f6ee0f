"""The two editorial roles, as groups an administrator adds people to.

Editor: writes and changes drafts and submits them for review.
Publisher: also publishes, unpublishes and schedules, edits live pages and
creates preview links for sign-off.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = [("news", "pressrelease"), ("news", "cabinetdecision")]
CONTENT_PARTS = [("news", "quote"), ("news", "decisionpoint")]
LIVE_PAGES = [("priorities", "strategy"), ("priorities", "priority")]

EDITOR = (
    [(app, f"{action}_{model}") for app, model in CONTENT + CONTENT_PARTS
     for action in ("add", "change", "view")]
    + [(app, f"delete_{model}") for app, model in CONTENT_PARTS]
    + [(app, f"view_{model}") for app, model in LIVE_PAGES]
)  # fmt: skip
PUBLISHER = (
    EDITOR
    + [(app, f"delete_{model}") for app, model in CONTENT]
    + [(app, f"publish_{model}") for app, model in CONTENT]
    + [(app, f"{action}_{model}") for app, model in LIVE_PAGES for action in ("add", "change")]
    + [("strategy_site", f"{action}_previewlink") for action in ("add", "change", "view")]
    + [("strategy_site", f"{action}_changenote") for action in ("add", "change", "view")]
)
ROLES = {"Editor": EDITOR, "Publisher": PUBLISHER}


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrations; make them now so the
    # groups can hold them on a fresh database.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in codes:
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("strategy_site", "0001_initial"),
        ("news", "0002_editorial_workflow"),
        ("priorities", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
