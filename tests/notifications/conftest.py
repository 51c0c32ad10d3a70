import pytest
from django.core import mail

from guanxi.network import services as network
from guanxi.notifications import services
from guanxi.notifications.models import Notification


@pytest.fixture
def prefer():
    """prefer(user, kind, delivery): save one choice through the settings service."""

    def set_choice(user, kind: str, delivery: str, *, paused: bool = False, language: str = ""):
        services.email_preferences_update(
            user=user, deliveries={kind: delivery}, paused=paused, language=language
        )

    return set_choice


@pytest.fixture
def outbox():
    mail.outbox.clear()
    return mail.outbox


def pending(user, email: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, email=email, emailed_at__isnull=True))


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on: a mail server that is down."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def connect():
    """connect(a, b): a invites b and b accepts."""

    def make(a, b):
        outcome = network.connection_request_send(sender=a, recipient_id=b.pk)
        return network.connection_request_accept(user=b, request_id=outcome.request.pk)

    return make
