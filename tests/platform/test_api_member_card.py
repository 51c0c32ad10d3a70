"""The API's member card built directly (MemberCard.dumped, for long lists) is
the card ninja's validation builds, field for field."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from guanxi.accounts.models import OpenTo
from guanxi.accounts.selectors import MemberCard as Card
from guanxi.api.schemas import MemberCard


@pytest.mark.parametrize(
    "card",
    [
        Card(id=1, handle="amy", url="/m/amy/", display_name="Amy", headline="",
             initials="A", photo_url=None, is_demo=False),
        Card(id=2, handle="bo", url="/m/bo/", display_name="Bo Li", headline="Founder",
             initials="BL", photo_url="/media/p/bo.jpg", is_demo=True, city="Shanghai",
             country="CN", company="Acme", position="CEO", skills=["Go", "SQL"],
             open_to=[OpenTo.MENTORING, OpenTo.HIRING]),
    ],
)  # fmt: skip
@pytest.mark.parametrize("with_request", [True, False])
def test_built_directly_equals_validated(card, with_request):
    request = RequestFactory().get("/api/v1/") if with_request else None
    validated = MemberCard.model_validate(card, context={"request": request})
    dumped = MemberCard.dumped(card, request)
    assert list(dumped.items()) == list(validated.model_dump().items())
    assert MemberCard.model_construct(**dumped).model_dump_json() == validated.model_dump_json()
