"""The editorial roles, as groups an administrator adds people to, and the one helper
that gives the groups the permissions a table of roles lists.

Editor: writes and changes drafts and submits them for review.
Publisher: also publishes, unpublishes and schedules, edits live pages and makes
preview links for sign-off.

A table of roles maps a model to what each group may do with it, one column per group
in `GROUPS`, the actions as Django's permission codenames begin ("add", "change",
"delete", "view", and "publish" for a `Publishable`):

    {"news.pressrelease": ("add change view", "add change delete view publish")}

The site's own table names every content type, so it lives in the project
(`strategy_site/roles.py`), above the apps it names; this app knows none of them.
Migrations apply a table with `grant()`: the one in the project applies the site's
table, and each app's first roles migration keeps the rows it granted then, so a new
database reaches today's groups by the road an existing one took.
"""

from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, migrations
from django.db.models import Q

GROUPS = ("Editor", "Publisher")


def permissions(table):
    """{group: {(app_label, model_name, codename)}} from a table of roles."""
    granted = {group: set() for group in GROUPS}
    for label, columns in table.items():
        app_label, model_name = label.split(".")
        if len(columns) != len(GROUPS):
            raise ValueError(f"{label}: one column of actions for each of {GROUPS}")
        for group, actions in zip(GROUPS, columns, strict=True):
            for action in actions.split():
                granted[group].add((app_label, model_name, f"{action}_{model_name}"))
    return granted


def apply_roles(table, apps, using=DEFAULT_DB_ALIAS, *, every_app=False):
    """Give each group exactly the permissions the table lists on the models it names.

    Permissions on models the table does not name are left as they are. `apps` is a
    migration's historical registry (or the real one); a model it does not have yet is
    left for the migration that comes after the one that makes it. A name in the table
    that matches no permission of a model it has is an error, not a silent gap.

    Permissions (and content types) are made first for the table's apps, or with
    `every_app` for every app `apps` has, as the first roles migrations did: a new
    database then numbers its content types as it always has.
    """
    models = present_models(table, apps)
    if every_app:
        make_permissions([config.label for config in apps.get_app_configs()], apps, using)
    else:
        make_permissions(sorted({app_label for app_label, _ in models}), apps, using)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission").objects.using(using)
    for group_name, wanted in permissions(table).items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        wanted_ids = set()
        for app_label, model_name, codename in wanted:
            if (app_label, model_name) in models:
                wanted_ids.add(
                    Permission.get(
                        content_type__app_label=app_label,
                        content_type__model=model_name,
                        codename=codename,
                    ).pk
                )
        # By id, not instance: a migration's historical Permission class may not be the
        # one its historical Group relates to, and the relation would refuse it.
        held = set(group.permissions.filter(on_models(models)).values_list("pk", flat=True))
        group.permissions.remove(*(held - wanted_ids))
        group.permissions.add(*(wanted_ids - held))


def revoke_roles(table, apps, using=DEFAULT_DB_ALIAS):
    """Take back what `apply_roles` gave; a group left with no permission goes too."""
    models = present_models(table, apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission").objects.using(using)
    groups = Group.objects.using(using).filter(name__in=GROUPS)
    for group_name, granted in permissions(table).items():
        ids = [
            pk
            for app_label, model_name, codename in granted
            if (app_label, model_name) in models
            for pk in Permission.filter(
                content_type__app_label=app_label,
                content_type__model=model_name,
                codename=codename,
            ).values_list("pk", flat=True)
        ]
        # Through the link table: when several apps are unapplied at once, the
        # historical Group may relate to another rendering of Permission.
        Group.permissions.through.objects.using(using).filter(
            group__name=group_name, permission_id__in=ids
        ).delete()
    groups.filter(permissions=None).delete()


def grant(table, *, undo=True, every_app=False):
    """A migration operation that applies `table` (see `apply_roles`). Unapplied, it
    takes back what it gave, or with `undo=False` (for a table the migrations before it
    granted already) leaves the groups as they are."""

    def forwards(apps, schema_editor):
        apply_roles(table, apps, schema_editor.connection.alias, every_app=every_app)

    def backwards(apps, schema_editor):
        revoke_roles(table, apps, schema_editor.connection.alias)

    return migrations.RunPython(forwards, backwards if undo else migrations.RunPython.noop)


def present_models(table, apps):
    """The (app_label, model_name) pairs of the table that `apps` has."""
    present = set()
    for label in table:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        present.add((model._meta.app_label, model._meta.model_name))
    return present


def on_models(models):
    query = Q(pk__in=[])
    for app_label, model_name in models:
        query |= Q(content_type__app_label=app_label, content_type__model=model_name)
    return query


def make_permissions(app_labels, apps, using):
    """Django makes permissions after all migrations have run; a migration that grants
    them makes them first, so the groups can hold them on a new database."""
    for app_label in app_labels:
        app_config = apps.get_app_config(app_label)
        # A migration's stand-in app configs have no models module, and
        # create_permissions() passes over an app without one.
        stand_in = getattr(app_config, "models_module", None) is None
        if stand_in:
            app_config.models_module = True
        try:
            create_permissions(app_config, verbosity=0, using=using, apps=apps)
        finally:
            if stand_in:
                app_config.models_module = None
