"""The one NinjaAPI object; each app contributes a router."""

from ninja import NinjaAPI

from guanxi.accounts.api import app_router as accounts_router
from guanxi.api.errors import install_error_handlers
from guanxi.directory.api import router as directory_router
from guanxi.network.api import app_router as network_router
from guanxi.notifications.api import router as notifications_router

api = NinjaAPI(
    title="Guanxi API",
    version="1",
    description="REST API of a Guanxi community. Authenticate with a personal access token "
    "(Authorization: Bearer gx_...) created on your settings page.",
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/", accounts_router)
api.add_router("/members", directory_router)
api.add_router("/", network_router)
api.add_router("/notifications", notifications_router)
