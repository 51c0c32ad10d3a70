"""The one NinjaAPI object; each app contributes a router."""

from ninja import NinjaAPI

from guanxi.accounts.account_api import router as account_router
from guanxi.accounts.profile_api import router as profile_router
from guanxi.api.errors import install_error_handlers
from guanxi.directory.api import router as directory_router
from guanxi.network.api import router as network_router
from guanxi.network.introductions_api import router as introductions_router
from guanxi.network.suggestions_api import router as suggestions_router
from guanxi.notifications.api import router as notifications_router

api = NinjaAPI(
    title="Guanxi API",
    version="1",
    description="REST API of a Guanxi community. Authenticate with a personal access token "
    "(Authorization: Bearer gx_...) created on your settings page.",
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", account_router)
api.add_router("/", profile_router)
api.add_router("/members", directory_router)
api.add_router("/network", network_router)
api.add_router("/", introductions_router)
api.add_router("/", suggestions_router)
api.add_router("/notifications", notifications_router)
