"""API for profiles: the member's own and others' by handle."""

from ninja import Router

router = Router(tags=["profiles"])
