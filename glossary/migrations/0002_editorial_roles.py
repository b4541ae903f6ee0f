"""The editorial roles (strategy_site 0002) for glossary terms, which are live as soon
as they are saved: editors and publishers both add and change terms; publishers also
delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDIT = [f"{action}_glossaryterm" for action in ("add", "change", "view")]
ROLES = {"Editor": EDIT, "Publisher": [*EDIT, "delete_glossaryterm"]}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("glossary")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codes in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="glossary", codename__in=codes)
        )


def revoke(apps, schema_editor):
    # Through the join table, not group.permissions.remove(): when several apps are
    # unapplied at once (priorities rolled back takes this with it), the historical
    # Group may relate to another rendering of Permission than apps.get_model()
    # returns, and remove() refuses the mix.
    Group = apps.get_model("auth", "Group")
    Group.permissions.through.objects.filter(
        group__name__in=ROLES, permission__content_type__app_label="glossary"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0001_initial"),
        ("strategy_site", "0002_editorial_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
