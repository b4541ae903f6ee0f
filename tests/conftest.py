import pytest
from django.core.management import call_command


@pytest.fixture
def real_content(db):
    """The real strategy, priorities, decision and press release from fixtures/."""
    call_command("load_content", verbosity=0)


@pytest.fixture
def staff_client(client, django_user_model):
    """A signed-in comms officer who can edit everything in the admin."""
    user = django_user_model.objects.create_user(
        username="editor", password="a-long-test-password", is_staff=True, is_superuser=True
    )
    client.force_login(user)
    return client


def client_in_role(django_user_model, role):
    from django.contrib.auth.models import Group
    from django.test import Client

    user = django_user_model.objects.create_user(
        username=role.lower(), password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(db, django_user_model):
    """A comms officer in the Editor group: writes drafts, submits them for review."""
    return client_in_role(django_user_model, "Editor")


@pytest.fixture
def publisher_client(db, django_user_model):
    """A comms officer in the Publisher group: also publishes, schedules, makes preview links."""
    return client_in_role(django_user_model, "Publisher")


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless. Playwright never downloads a browser here."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the live server's
    # database calls happen in its own thread, so Django's async guard is moot here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def empty_process_cache():
    """Each test starts with this process's cache empty, as a freshly started site does.

    The cache outlives each test's database rollback, so without this a test would see
    what an earlier one cached: glossary terms, Easy Read pairings, a page's parts. Only
    caches in this process's memory are emptied: Django's RedisCache.clear() empties
    the whole Redis database, which may be shared (tests/test_page_cache.py's Redis
    variants use their own key prefix and clean up after themselves).
    """
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    for cache in caches.all(initialized_only=False):
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free port, with the site sending through it: its `inbox`
    holds every email that arrived, parsed (tests/smtp.py)."""
    from tests.smtp import SMTPServer

    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server.inbox


@pytest.fixture
def run_worker(django_capture_on_commit_callbacks):
    """Run every background task that is ready, as `manage.py db_worker` beside the site
    would. (A test runs in one transaction, so what a task queues on commit is queued as
    each task ends.)"""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )

    def run():
        # The worker's own loop closes stale connections between tasks, which would end
        # the test's transaction; so this is its loop without that: claim, then run.
        while (result := DBTaskResult.objects.ready().first()) is not None:
            result.claim(worker.worker_id)
            with django_capture_on_commit_callbacks(execute=True):
                worker.run_task(result)

    return run
