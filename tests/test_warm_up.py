"""gunicorn's master renders a page of every kind before it starts the workers
(strategy_site.wsgi.warm_up, called from deploy/gunicorn.conf.py), so a worker's first
visitors, after every recycle too, do not wait for templates to compile."""

from pathlib import Path

from django.core.management import call_command
from django.db import connections

from publishing import content
from strategy_site import wsgi
from strategy_site.wsgi import warm_up


def test_warm_up_renders_a_page_of_every_kind_and_leaves_no_connection_open(transactional_db):
    call_command("load_content", verbosity=0)
    every_kind = [
        kind.address(item) for kind in content.kinds() if (item := kind.published().first())
    ]

    rendered = warm_up()

    assert "/" in rendered and "/sitemap.xml" in rendered
    assert len(every_kind) >= 5 and set(every_kind) <= set(rendered)
    assert {path: status for path, status in rendered.items() if status != 200} == {}
    # The workers gunicorn forks next must each open their own database connection
    # (Django never closes SQLite's in-memory test database: PostgreSQL shows it).
    kept_open = [c for c in connections.all() if c.connection is not None]
    assert all(c.vendor == "sqlite" and c.is_in_memory_db() for c in kept_open)


class Server:
    """What gunicorn gives its hooks: its log."""

    def __init__(self):
        self.warnings = []
        self.log = self

    def warning(self, message, *args):
        self.warnings.append(message % args)


def test_gunicorn_warms_up_the_master_and_logs_the_pages_that_failed(monkeypatch):
    hooks = {}
    exec(Path("deploy/gunicorn.conf.py").read_text(), hooks)
    monkeypatch.setattr(wsgi, "warm_up", lambda: {"/": 200, "/news/": 500})
    server = Server()

    hooks["when_ready"](server)

    assert hooks["preload_app"] is True  # the master holds the application workers run
    assert len(server.warnings) == 1 and "/news/" in server.warnings[0]
