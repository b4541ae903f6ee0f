"""Production settings, checked the way a deployment runs them: in a fresh process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    production = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**production, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="a-long-random-production-secret-key-for-this-test-0123456789",
        DJANGO_ALLOWED_HOSTS="send-strategy.example.gov.uk",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_ALLOWED_HOSTS="send-strategy.example.gov.uk")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
