"""Schemas every router shares: the member card and the list envelope.

Every list of people in the API is a list of `MemberCard`, built from
`accounts.selectors.member_cards` (section visibility and blocks applied there). Every
list endpoint answers a `ListPage` subclass: `items`, then `next` (pass it back as
`cursor` for the following page; null on the last), `count` and `count_is` where the
total is known. URLs in the API are absolute.
"""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema
from ninja.renderers import JSONRenderer
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


def absolute_url(request: HttpRequest | None, path: str | None) -> str | None:
    """`path` as an absolute URL for the request being answered (absolute URLs, such as
    a storage's, are kept as they are)."""
    if not path:
        return None
    return request.build_absolute_uri(path) if request is not None else path


def _request(context: dict[str, Any] | None) -> HttpRequest | None:
    return (context or {}).get("request")


class MemberCard(Schema):
    """A member in a list: never more than a card on the site shows. Sections the caller
    may not see (or the member left empty) are null or empty."""

    id: int
    handle: str
    url: str = Field(description="The member's profile page (absolute URL).")
    display_name: str
    headline: str
    initials: str = Field(description="What to show in place of a photo when photo_url is null.")
    photo_url: str | None = Field(
        description="Absolute URL of the member's photo (a 512×512 JPEG), or null."
    )
    is_demo: bool
    city: str | None
    country: str | None
    company: str | None
    position: str | None
    skills: list[str] = Field(description="Up to four of the member's skills.")
    open_to: list[str]

    # Built from accounts.selectors.MemberCard: empty hidden sections become null.
    @staticmethod
    def resolve_url(obj, context) -> str | None:
        return absolute_url(_request(context), obj.url)

    @staticmethod
    def resolve_photo_url(obj, context) -> str | None:
        return absolute_url(_request(context), obj.photo_url)

    @staticmethod
    def resolve_city(obj) -> str | None:
        return obj.city or None

    @staticmethod
    def resolve_country(obj) -> str | None:
        return obj.country or None

    @staticmethod
    def resolve_company(obj) -> str | None:
        return obj.company or None

    @staticmethod
    def resolve_position(obj) -> str | None:
        return obj.position or None

    @staticmethod
    def resolve_open_to(obj) -> list[str]:
        return [item.slug for item in obj.open_to]

    @classmethod
    def dumped(cls, card, request: HttpRequest | None) -> dict[str, Any]:
        """What ninja's dump of the validated card is (the same keys in the same order),
        by the resolvers above, for answers built as their schema's dump already (see
        `json_answer`): validating through ninja's getter costs about 25 µs a card, more
        than its queries in a long list."""
        context = {"request": request}
        return {
            "id": card.id,
            "handle": card.handle,
            "url": cls.resolve_url(card, context),
            "display_name": card.display_name,
            "headline": card.headline,
            "initials": card.initials,
            "photo_url": cls.resolve_photo_url(card, context),
            "is_demo": card.is_demo,
            "city": cls.resolve_city(card),
            "country": cls.resolve_country(card),
            "company": cls.resolve_company(card),
            "position": cls.resolve_position(card),
            "skills": card.skills,
            "open_to": cls.resolve_open_to(card),
        }


_renderer = JSONRenderer()


def json_answer(request: HttpRequest, data: Any) -> HttpResponse:
    """`data`, already its response schema's dump, answered as ninja answers a validated
    result (its renderer, its content type): ninja passes a response through as it is, so
    neither builds schema instances nor dumps them again (for the long lists of cards)."""
    return HttpResponse(
        _renderer.render(request, data, response_status=200),
        content_type=f"{_renderer.media_type}; charset={_renderer.charset}",
    )


CountIs = Literal["exact", "at_least", "about"]


class ListPage(Schema):
    """The envelope of every list. Subclasses name the item type: `items: list[X]`."""

    items: list
    next: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )
    count: int | None = Field(
        None, description="How many items the whole list holds, when known (see count_is)."
    )
    count_is: CountIs | None = Field(
        None,
        description="exact; at_least: counting stopped at a cap; about: estimated; "
        "null when count is not given.",
    )


class MemberPage(ListPage):
    items: list[MemberCard]
