"""The project as a whole: migrations match the models, checks pass, content loads once."""

from io import StringIO

import pytest
from django.core.management import call_command

from news.models import CabinetDecision, DecisionPoint, PressRelease, Quote
from priorities.models import Priority, Strategy

REAL_CONTENT_COUNTS = {
    Strategy: 1,
    Priority: 6,
    PressRelease: 1,
    Quote: 3,
    CabinetDecision: 1,
    DecisionPoint: 2,
}


def content_counts():
    return {model: model.objects.count() for model in REAL_CONTENT_COUNTS}


def test_no_model_change_is_missing_a_migration(db):
    output = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output)
    except SystemExit:
        pytest.fail(f"A model change has no migration:\n{output.getvalue()}")


def test_django_system_checks_are_clean():
    output = StringIO()

    call_command("check", stdout=output)

    assert output.getvalue().strip() == "System check identified no issues (0 silenced)."


def test_the_real_content_loads(real_content):
    assert content_counts() == REAL_CONTENT_COUNTS


def test_loading_the_content_again_duplicates_nothing(real_content):
    call_command("load_content", verbosity=0, stdout=StringIO())
    call_command("load_content", "--force", verbosity=0, stdout=StringIO())

    assert content_counts() == REAL_CONTENT_COUNTS


def test_loading_the_content_again_keeps_an_editors_changes(real_content):
    Priority.objects.filter(number=1).update(pledge="An editor's better wording.")
    output = StringIO()

    call_command("load_content", stdout=output)

    assert Priority.objects.get(number=1).pledge == "An editor's better wording."
    assert "leaving it as it is" in output.getvalue()


def test_forcing_a_reload_restores_the_original_content(real_content):
    Priority.objects.filter(number=1).update(pledge="An editor's better wording.")

    call_command("load_content", "--force", verbosity=0)

    assert Priority.objects.get(number=1).pledge.startswith(
        "Children and young people and their families will be at the centre of planning"
    )
    assert content_counts() == REAL_CONTENT_COUNTS
