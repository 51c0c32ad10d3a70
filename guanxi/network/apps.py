from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "guanxi.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from guanxi.core.visibility import register_connection_checker
        from guanxi.network import notification_kinds, selectors, suggestions

        register_connection_checker(selectors.are_connected)
        notification_kinds.register_all()
        suggestions.register_hooks()
