from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "guanxi.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from guanxi.core.scheduler import register_job
        from guanxi.core.slots import register_slot

        register_slot("settings.nav", "notifications/_settings_nav_item.html")
        register_job("notification_emails", _enqueue_emails, minute="*/15")


def _enqueue_emails() -> None:
    from guanxi.notifications.tasks import send_notification_emails

    send_notification_emails.enqueue()
