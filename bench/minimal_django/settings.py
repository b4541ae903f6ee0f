"""A minimal Django project, as `django-admin startproject` makes it, minus the database.

The reference for "what a plain Django page costs": all of startproject's default
middleware, the default template engine, and one view rendering, for each measured
page, a near-literal template of that page's bytes at `/ref/<page key>` (bench/run.py
writes the templates and pages.json into BENCH_REFERENCE_DIR). No database, no cache:
nothing the view does needs them.
"""

import os
from pathlib import Path

REFERENCE_DIR = Path(os.environ.get("BENCH_REFERENCE_DIR", "."))

SECRET_KEY = "bench-minimal-django-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bench.minimal_django.urls"
WSGI_APPLICATION = "bench.minimal_django.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [REFERENCE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# startproject's defaults would add SQLite here; the page touches no database.
DATABASES = {}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
