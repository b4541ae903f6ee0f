"""Migrations apply forwards and backwards cleanly, so a bad release can be rolled back.

They run on whichever database the suite runs on (DATABASE_URL), in transactional tests
because SQLite and PostgreSQL both change their schema outside the test's transaction.
"""

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from easyread.models import EasyReadVersion
from feedback.models import PageFeedback
from glossary.models import GlossaryTerm
from news.models import CabinetDecision, PressRelease
from priorities.models import Priority, Strategy
from progress.models import Deliverable

OUR_APPS = [
    "priorities",
    "news",
    "strategy_site",
    "accessibility",
    "helpcontacts",
    "glossary",
    "easyread",
    "feedback",
    "alerts",
    "progress",
    "ratelimits",
    "sharing",
    "publishing",
    "contentchecks",
    "images",
]


def leaf(app):
    """The app's latest migration, as (app, name)."""
    [node] = MigrationLoader(connection).graph.leaf_nodes(app)
    return node


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))


def table_names():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.fixture
def back_to_latest():
    """Whatever a test does to the schema, the next test finds it fully migrated."""
    yield
    call_command("migrate", verbosity=0)
    ContentType.objects.clear_cache()  # content types may have been made afresh


def test_every_data_migration_can_be_reversed():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    irreversible = [
        f"{app}.{name}: {operation.describe()}"
        for (app, name), migration in loader.disk_migrations.items()
        if app in OUR_APPS
        for operation in migration.operations
        if not operation.reversible
    ]

    assert irreversible == []


@pytest.mark.django_db(transaction=True)
def test_all_our_migrations_unapply_to_nothing_and_apply_again(back_to_latest):
    tables_before = table_names()
    our_tables = {
        model._meta.db_table
        for model in (
            Strategy,
            Priority,
            PressRelease,
            CabinetDecision,
            GlossaryTerm,
            EasyReadVersion,
            PageFeedback,
            Deliverable,
        )
    }
    assert our_tables <= tables_before

    # Unapplying the first migration of `priorities` takes every migration that depends
    # on it with it: all of news and strategy_site too.
    migrate(*((app, None) for app in OUR_APPS))

    assert not our_tables & table_names()
    assert not Group.objects.filter(name__in=["Editor", "Publisher"]).exists()

    migrate(*(leaf(app) for app in OUR_APPS))

    assert table_names() == tables_before
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editor", "Publisher"}
    # The roles get back what each new app's roles migration gives them.
    editor = Group.objects.get(name="Editor")
    assert {"glossary", "easyread", "feedback"} <= set(
        editor.permissions.values_list("content_type__app_label", flat=True)
    )
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


# Apps with more than their first migration (stepping back past the first one of an app
# is what the test above does).
APPS_WITH_HISTORY = [
    app
    for app in OUR_APPS
    if sum(key[0] == app for key in MigrationLoader(None).disk_migrations) > 1
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("app", APPS_WITH_HISTORY)
def test_stepping_back_one_migration_and_forward_keeps_the_content(
    real_content, back_to_latest, app
):
    latest = leaf(app)
    node = MigrationLoader(connection).graph.node_map[latest]
    [previous] = [parent.key for parent in node.parents if parent.key[0] == app]
    titles = {
        model: sorted(model.objects.values_list("title", flat=True))
        for model in (Strategy, PressRelease, CabinetDecision)
    }
    priorities = sorted(Priority.objects.values_list("short_title", flat=True))

    migrate(previous)
    migrate(latest)

    assert {model: sorted(model.objects.values_list("title", flat=True)) for model in titles} == (
        titles
    )
    assert sorted(Priority.objects.values_list("short_title", flat=True)) == priorities


@pytest.mark.django_db(transaction=True)
def test_the_publishing_tables_move_out_of_strategy_site_with_every_row_and_permission(
    back_to_latest,
):
    """Address history, preview links and change notes lived in `strategy_site` until the
    shared apps were split out; a database at that schema keeps every row and grant."""
    before_move = [("publishing", None)]  # takes strategy_site 0003 back with it
    migrate(*before_move)
    old = (
        MigrationExecutor(connection)
        .loader.project_state(("strategy_site", "0002_editorial_roles"))
        .apps
    )
    press_release = ContentType.objects.get_by_natural_key("news", "pressrelease")
    old_slug_record = old.get_model("strategy_site", "SlugRecord")
    old_change_note = old.get_model("strategy_site", "ChangeNote")
    old_slug_record.objects.create(content_type_id=press_release.pk, object_id=7, slug="old-name")
    old_change_note.objects.create(
        content_type_id=press_release.pk, object_id=7, note="Updated the list of partners"
    )
    # A role granted the right to make preview links under the old app keeps it.
    ContentType.objects.clear_cache()
    old_permission = old.get_model("auth", "Permission").objects.get(
        content_type__app_label="strategy_site", codename="add_previewlink"
    )
    old.get_model("auth", "Group").objects.create(name="Sign-off").permissions.add(old_permission)
    assert {"strategy_site_slugrecord", "strategy_site_changenote"} <= table_names()

    migrate(leaf("publishing"), leaf("strategy_site"))
    ContentType.objects.clear_cache()

    from publishing.models import ChangeNote, SlugRecord

    assert not {"strategy_site_slugrecord", "strategy_site_changenote"} & table_names()
    [record] = SlugRecord.objects.filter(object_id=7)
    assert (record.content_type_id, record.slug) == (press_release.pk, "old-name")
    assert ChangeNote.objects.get(object_id=7).note == "Updated the list of partners"
    sign_off = Group.objects.get(name="Sign-off")
    assert list(sign_off.permissions.values_list("content_type__app_label", "codename")) == [
        ("publishing", "add_previewlink")
    ]
    assert not ContentType.objects.filter(app_label="strategy_site").exists()

    # And back: the rows return to the old tables.
    migrate(*before_move)
    assert {"strategy_site_slugrecord", "strategy_site_changenote"} <= table_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT slug FROM strategy_site_slugrecord WHERE object_id = 7")
        assert cursor.fetchall() == [("old-name",)]
