"""The layer contract (pyproject.toml, docs/notes/layers.md) is kept, and the tool that
checks it catches an upward import wherever it is written, inside a function too."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def root_packages():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return config["tool"]["importlinter"]["root_packages"]


def lint_imports(tree):
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(tree / "pyproject.toml"), "--no-cache"],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
    )


@pytest.fixture
def copy_of_the_code(tmp_path):
    """The Python packages and the contract, copied, so a test may plant an import."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    for package in root_packages():
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "templates", "static", "*.png"),
        )
    return tmp_path


def test_every_app_with_python_code_is_under_the_contract():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(root_packages())


def test_the_code_keeps_the_contract(copy_of_the_code):
    result = lint_imports(copy_of_the_code)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_an_upward_import_inside_a_function_breaks_the_contract(copy_of_the_code):
    planted = copy_of_the_code / "publishing" / "planted.py"
    planted.write_text("def latest_news():\n    from news.models import PressRelease\n")

    result = lint_imports(copy_of_the_code)

    assert result.returncode != 0
    assert "publishing.planted -> news.models" in result.stdout
