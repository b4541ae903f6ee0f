"""The editorial roles are declared once (strategy_site/roles.py) and the groups hold
exactly that after migrating; only publishers may publish any kind of content."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission

from publishing.models import Publishable
from publishing.roles import GROUPS, apply_roles, permissions
from strategy_site.roles import EDITORIAL_ROLES

# The site's own kinds (the test settings also install an example kind, tests.noticeboard,
# which the site's table of roles rightly does not name).
PUBLISHABLE_MODELS = [
    model
    for model in apps.get_models()
    if issubclass(model, Publishable) and not model.__module__.startswith("tests.")
]


def held(group_name):
    return set(
        Group.objects.get(name=group_name).permissions.values_list(
            "content_type__app_label", "content_type__model", "codename"
        )
    )


@pytest.mark.parametrize("group", GROUPS)
def test_after_migrating_each_group_holds_exactly_what_the_table_says(db, group):
    assert held(group) == permissions(EDITORIAL_ROLES)[group]


@pytest.mark.parametrize("model", PUBLISHABLE_MODELS, ids=lambda model: model._meta.label)
def test_only_a_publisher_may_publish_each_kind_of_content(db, django_user_model, model):
    editor, publisher = (
        django_user_model.objects.create_user(username=name, is_staff=True) for name in GROUPS
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    publisher.groups.add(Group.objects.get(name="Publisher"))

    assert publisher.has_perm(model.publish_permission())
    assert not editor.has_perm(model.publish_permission())
    assert editor.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")


def test_applying_the_table_again_takes_back_a_stray_grant_on_a_model_it_names(db):
    editor = Group.objects.get(name="Editor")
    stray = Permission.objects.get(codename="publish_pressrelease")
    elsewhere = Permission.objects.get(codename="view_user")
    editor.permissions.add(stray, elsewhere)

    apply_roles(EDITORIAL_ROLES, apps)

    assert held("Editor") == permissions(EDITORIAL_ROLES)["Editor"] | {
        ("auth", "user", "view_user")
    }
    assert held("Publisher") == permissions(EDITORIAL_ROLES)["Publisher"]


def test_a_table_naming_a_permission_that_does_not_exist_is_refused(db):
    with pytest.raises(Permission.DoesNotExist):
        apply_roles({"news.pressrelease": ("add fly", "add")}, apps)


def test_a_table_needs_a_column_for_each_group():
    with pytest.raises(ValueError, match="one column of actions"):
        permissions({"news.pressrelease": ("add",)})
