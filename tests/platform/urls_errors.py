"""Test-only URLconf: the real site plus views that fail on purpose.

Django reads handler400..500 from ROOT_URLCONF, so they are re-exported here.
"""

from django.core.exceptions import PermissionDenied
from django.urls import path

from guanxi import urls as site_urls
from guanxi.urls import handler400, handler403, handler404, handler500  # noqa: F401


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("api/v1/test-errors/boom/", boom),
    *site_urls.urlpatterns,
]
