"""/healthz: the process answers. /readyz: the database and Redis answer too (503 and why if
not)."""

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from organizations.middleware import program_public


@program_public
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@program_public
@never_cache
def readyz(request):
    problems = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        problems["database"] = f"unreachable: {type(exc).__name__}"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        client.ping()
        client.close()
    except Exception as exc:
        problems["redis"] = f"unreachable: {type(exc).__name__}"
    if problems:
        return JsonResponse({"status": "unavailable", "problems": problems}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "redis": "ok"})
