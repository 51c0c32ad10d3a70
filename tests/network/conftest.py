import pytest

from guanxi.network import services


@pytest.fixture
def connect():
    """connect(a, b): a invites b and b accepts."""

    def make(a, b):
        outcome = services.connection_request_send(sender=a, recipient_id=b.pk)
        return services.connection_request_accept(user=b, request_id=outcome.request.pk)

    return make
