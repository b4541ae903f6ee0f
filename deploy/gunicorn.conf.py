"""gunicorn settings for strategy_site: `gunicorn -c deploy/gunicorn.conf.py strategy_site.wsgi`.

Every value can be overridden from the environment (GUNICORN_BIND, GUNICORN_WORKERS,
...) so one file serves production, the benchmark and a second app server on the
same machine.
"""

import gc
import multiprocessing
import os
import sys

# nginx (deploy/nginx.conf) talks to this address; keep it off the public network.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: pages are rendered on the CPU and the database is close by, so one
# request per process is simplest and fastest; a cached page never reaches Django.
# Two per core is the usual start. Several workers (or servers) need the shared cache
# (REDIS_URL): each process's own memory would not hear of another's change.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2))
worker_class = "sync"

# Import Django once, before forking, so every worker starts warm. Django opens no
# database or cache connection at import, so nothing is shared between workers.
preload_app = True

# A slow client is nginx's problem (it buffers); a worker stuck longer than this is
# restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# nginx keeps connections to us open (keepalive in the upstream block).
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Recycle workers now and then so a slow leak cannot grow for ever; jitter keeps
# them from all restarting at once.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 1000


def when_ready(server):
    """Before the first worker starts: render a page of every kind once in the master
    (strategy_site.wsgi.warm_up), so each worker, recycled ones too, is born with the
    templates compiled and the modules imported, and its first visitors do not wait for
    that. With preload_app the master holds the very application the workers run."""
    site = sys.modules.get("strategy_site.wsgi")
    if site is None:  # serving another application (the benchmark's references)
        return
    failed = {path: status for path, status in site.warm_up().items() if status >= 500}
    if failed:
        server.log.warning("Warm-up: these pages failed, and will be rendered later: %s", failed)


def pre_fork(server, worker):
    """Freeze the loaded app's objects out of the garbage collector's sight before
    each fork. A new worker shares the master's memory copy-on-write; its first full
    collection would otherwise walk (and so write to, and copy) every object Django
    loaded, and each worker recycled by max_requests would pause its first requests,
    cached pages included, while it did (docs/notes/perf.md).
    """
    gc.freeze()


# Behind nginx on this machine: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs to stdout/stderr for the service manager. The access log costs time on every
# request; GUNICORN_ACCESS_LOG=- turns it on (nginx keeps one anyway).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
