"""Errors the network services raise; views and the API map them to pages and statuses."""

from django.utils.translation import gettext_lazy as _


class NetworkError(Exception):
    status = 400
    code = "bad_request"
    default_message = _("That is not possible.")

    def __init__(self, message: str | None = None):
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class NotFound(NetworkError):
    """Also used when a block is in the way: the blocked side must not learn of it."""

    status = 404
    code = "not_found"
    default_message = _("Member not found.")


class NotAllowed(NetworkError):
    status = 403
    code = "forbidden"
    default_message = _("This member is not accepting connection requests from you.")


class Conflict(NetworkError):
    status = 409
    code = "conflict"
    default_message = _("That has already been done.")


class RateLimited(NetworkError):
    status = 429
    code = "rate_limited"
    default_message = _("You have done this too often; please try again later.")


class Invalid(NetworkError):
    status = 422
    code = "invalid"
    default_message = _("Some fields are not valid.")
