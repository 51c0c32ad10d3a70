from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "guanxi.network"
    label = "network"
    verbose_name = _("Network")

    def ready(self) -> None:
        from guanxi.accounts.selectors import member_cards
        from guanxi.accounts.visibility import MemberGraph, register_member_graph
        from guanxi.core.slots import register_slot
        from guanxi.network import notifications as notification_kinds
        from guanxi.network import selectors
        from guanxi.network.introductions.services import register_introduction_kinds
        from guanxi.network.suggestions import services as suggestions
        from guanxi.notifications.registry import register_actor_cards

        register_member_graph(
            MemberGraph(
                are_connected=selectors.are_connected,
                connected_to=selectors.connected_to,
                hidden_ids=selectors.blocked_either_way_ids,
            )
        )
        # accounts and notifications may not import each other: the network, above both,
        # hands notifications accounts' member card for actors (members blocked either
        # way are left out, so such an actor shows as null).
        register_actor_cards(lambda viewer, ids: member_cards(viewer=viewer, ids=ids))
        register_slot("profile.actions", "network/_profile_slot.html")
        register_slot("settings.nav", "network/_settings_nav_item.html")
        register_slot("profile.aside", "network/_profile_aside.html")
        register_slot("home.main", "network/_home_invitations.html")
        notification_kinds.register_all()
        register_introduction_kinds()
        suggestions.register_hooks()
