from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from markets.health import health_report


@never_cache
@require_safe
def healthz(request):
    """200 when the database and broker answer and prices are fresh, else 503."""
    report = health_report()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
