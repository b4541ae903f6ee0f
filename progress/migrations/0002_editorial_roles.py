"""Editors and publishers work on the implementation plan as on news and decisions.

Editor: writes drafts of deliverables, progress updates and “You said, we did”
entries (with their milestones and evidence links) and submits them for review.
Publisher: also publishes, unpublishes, schedules and deletes them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT = [
    ("progress", "deliverable"),
    ("progress", "progressupdate"),
    ("progress", "yousaidwedid"),
]
CONTENT_PARTS = [("progress", "milestone"), ("progress", "evidencelink")]

EDITOR = (
    [(app, f"{action}_{model}") for app, model in CONTENT + CONTENT_PARTS
     for action in ("add", "change", "view")]
    + [(app, f"delete_{model}") for app, model in CONTENT_PARTS]
    + [("progress", "view_statuschange")]
)  # fmt: skip
PUBLISHER = (
    EDITOR
    + [(app, f"delete_{model}") for app, model in CONTENT]
    + [(app, f"publish_{model}") for app, model in CONTENT]
)
ROLES = {"Editor": EDITOR, "Publisher": PUBLISHER}


def grant(apps, schema_editor):
    # Permissions are normally made after migrations; make them now.
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


def revoke(apps, schema_editor):
    # Through the link table, by ids: when several apps are unapplied at once the
    # historical Group and Permission classes may come from different states.
    links = apps.get_model("auth", "Group").permissions.through.objects
    links.filter(group__name__in=ROLES, permission__content_type__app_label="progress").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
