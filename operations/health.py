"""
/healthz, for a load balancer: can this instance reach its database and cache?

Without the database it cannot serve (503); without the cache it serves every page
from the database (operations/cache.py), so it stays in service and says so (200,
"degraded").

The answer says "ok" or "unavailable" per dependency and nothing more: no
error text, host names or versions, since anyone on the internet can call it.
It is never cached and never touches the session, so it sets no cookie.
"""

import logging
import secrets

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .logs import DATABASE

logger = logging.getLogger(__name__)


def database_ok():
    # Logged when an outage starts and when it ends (operations/logs.py), not on every
    # check: a load balancer asks every few seconds.
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            ok = cursor.fetchone() == (1,)
    except Exception as error:
        DATABASE.failed(error, noticed_by="the health check")
        return False
    if ok:
        DATABASE.answered()
    return ok


def cache_ok():
    key = f"healthz:{secrets.token_hex(8)}"
    try:
        cache.set(key, "ok", timeout=10)
        ok = cache.get(key) == "ok"
        cache.delete(key)
        return ok
    except Exception:
        logger.exception("Health check: the cache is unavailable")
        return False


@never_cache
@require_safe
def healthz(request):
    """200 when the database answers ("degraded" if the cache does not), else 503."""
    checks = {"database": database_ok(), "cache": cache_ok()}
    status = "unavailable" if not checks["database"] else "ok" if checks["cache"] else "degraded"
    body = {"status": status}
    body.update({name: "ok" if ok else "unavailable" for name, ok in checks.items()})
    return JsonResponse(body, status=503 if status == "unavailable" else 200)
