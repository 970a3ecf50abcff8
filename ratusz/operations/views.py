"""`/health/` for monitoring.

Anonymous callers get the verdict only (`{"status": "ok"}` or 503
`{"status": "fail"}`): nothing about the set-up leaks. The checks in detail
go to a caller with `Authorization: Bearer <HEALTH_TOKEN>` and to a
superuser's session."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import health


def _may_see_details(request) -> bool:
    token = settings.HEALTH_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        given = header.removeprefix("Bearer ").strip()
        if hmac.compare_digest(given.encode(), token.encode()):
            return True
    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and user.is_superuser)


@never_cache
@require_safe
def health_view(request):
    checks = health.run_all()
    ok = health.healthy(checks)
    body = {"status": "ok" if ok else "fail"}
    if _may_see_details(request):
        body["checks"] = {check.name: check.as_dict() for check in checks}
    return JsonResponse(body, status=200 if ok else 503)
