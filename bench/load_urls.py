"""The product's URLs plus `/bench/constant`, for bench/load.py only (see load_settings)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from releasegate.urls import urlpatterns as product_urls


@csrf_exempt
def constant(request: HttpRequest) -> JsonResponse:
    """The framework's ceiling: a constant JSON answer, nothing read, nothing checked."""
    return JsonResponse({"ok": True})


urlpatterns = [path("bench/constant", constant), *product_urls]
