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

logger = logging.getLogger(__name__)


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Health check: the database is unavailable")
        return False


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
