"""The site's URLconf, plus the suggestion pages and API where the site does not mount
them (yet): tests exercise the same views and router either way."""

from django.urls import NoReverseMatch, include, path, reverse
from ninja import NinjaAPI

from guanxi import urls as site
from guanxi.api.errors import install_error_handlers
from guanxi.network.suggestions_api import router


def _mounted(name: str) -> bool:
    try:
        reverse(name, urlconf="guanxi.urls")
    except NoReverseMatch:
        return False
    return True


for _name in ("handler400", "handler403", "handler404", "handler429", "handler500"):
    if hasattr(site, _name):
        globals()[_name] = getattr(site, _name)

urlpatterns = list(site.urlpatterns)
if not _mounted("network_suggestions"):
    urlpatterns.insert(0, path("network/", include("guanxi.network.suggestions_urls")))
if not _mounted("network_introduce"):
    urlpatterns.insert(0, path("network/", include("guanxi.network.introductions_urls")))
if not _mounted("api:network_suggestions_list"):
    _api = NinjaAPI(urls_namespace="suggestions_test_api", docs_url=None)
    install_error_handlers(_api)
    _api.add_router("/", router)
    urlpatterns.insert(0, path("api/v1/", _api.urls))
