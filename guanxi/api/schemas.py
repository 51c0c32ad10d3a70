"""Schemas several routers share."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import model_validator

# A pattern for text fields that must say something: at least one non-space character.
NOT_BLANK = r"\S"


class Payload(Schema):
    """The base of every JSON request body: an object, not a list or a bare value.

    ninja's Schema reads fields off any value (for ORM objects), so without this a body
    such as `[null]` would pass as an object with every optional field left out.
    """

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        # ninja has wrapped the input in its DjangoGetter by now: judge what it holds. Only
        # JSON's other types are refused: a schema shared with answers (LinkSchema) is
        # also filled from objects.
        held = getattr(data, "_obj", data)
        if held is None or isinstance(held, list | str | int | float):
            raise ValueError("Expected a JSON object.")
        return data


class MemberCard(Schema):
    """The summary of a member that lists show: never more than a card on the site does."""

    id: int
    handle: str
    display_name: str
    headline: str
    photo_url: str | None

    @staticmethod
    def of(user) -> MemberCard:
        profile = user.profile
        return MemberCard(
            id=user.pk,
            handle=user.username,
            display_name=profile.display_name,
            headline=profile.headline,
            photo_url=profile.photo.url if profile.photo else None,
        )


class Page(Schema):
    page: int
    pages: int
    total: int
    has_next: bool


def page_meta(page) -> Page:
    return Page(
        page=page.number,
        pages=page.paginator.num_pages,
        total=page.paginator.count,
        has_next=page.has_next(),
    )
