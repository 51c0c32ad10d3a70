"""API for the member's own account and personal access tokens."""

from ninja import Router

router = Router(tags=["account"])
