from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "guanxi.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from guanxi.core.slots import register_slot
        from guanxi.core.visibility import (
            register_connection_checker,
            register_connections_provider,
            register_hidden_members_provider,
        )
        from guanxi.network import notification_kinds, selectors, suggestions
        from guanxi.network.introduction_asks import register_ask_kind
        from guanxi.network.introductions import register_introduction_kinds

        register_connection_checker(selectors.are_connected)
        register_connections_provider(selectors.connection_ids)
        register_hidden_members_provider(selectors.blocked_either_way_ids)
        register_slot("profile.actions", "network/_profile_slot.html")
        register_slot("settings.nav", "network/_settings_nav_item.html")
        register_slot("profile.aside", "network/_profile_aside.html")
        register_slot("home.main", "network/_home_invitations.html")
        notification_kinds.register_all()
        register_introduction_kinds()
        register_ask_kind()
        suggestions.register_hooks()
