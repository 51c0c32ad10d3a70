"""The one error hierarchy every app raises from its services, selectors and access rules.

Each error carries what an answer needs: an HTTP status, a stable code for API clients
and a message a person can act on. The API maps them once (`guanxi.api.errors`), pages
once (`guanxi.core.outcomes`); nothing translates them by hand. An app's `errors.py`
subclasses these, named for what happened, with its own `code` and `default_message`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FieldErrors = dict[str, list[str]]


class DomainError(Exception):
    status = 400
    code = "bad_request"
    default_message = _("That is not possible.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
    ):
        self.message = str(message or self.default_message)
        if code:
            self.code = code
        self.fields: FieldErrors = {
            name: [str(text) for text in texts] for name, texts in (fields or {}).items()
        }
        super().__init__(self.message)


class NotFound(DomainError):
    """What the viewer may not know exists: a missing id, a private object, a member who
    blocked them. All answer alike, so none can be told from another."""

    status = 404
    code = "not_found"
    default_message = _("Not found.")


class NotAllowed(DomainError):
    """What the viewer may see but not do."""

    status = 403
    code = "forbidden"
    default_message = _("You may not do this.")


class Conflict(DomainError):
    """The current state forbids it: already done, closed, a limit of things held."""

    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current state.")


class Invalid(DomainError):
    """Input a rule rejects; `fields` names each bad field with its messages."""

    status = 422
    code = "invalid"
    default_message = _("Some fields are not valid.")

    @classmethod
    def from_validation_error(cls, error: ValidationError, *, field: str = "") -> Invalid:
        """A Django ValidationError (from a validator a service reuses) as an Invalid; a
        message without a field goes to `field`, or to the whole input when none is given."""
        if hasattr(error, "error_dict"):
            fields: FieldErrors = {name: list(texts) for name, texts in error.message_dict.items()}
        else:
            fields = {field or "__all__": list(error.messages)}
        message = " ".join(error.messages) if len(error.messages) == 1 else None
        return cls(message, fields=fields)


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = _("You have done this too often; please try again later.")

    def __init__(self, message: str | None = None, *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
