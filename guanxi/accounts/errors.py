"""The accounts app's errors: subclasses of the core hierarchy, named for what happened."""

from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import Conflict, Invalid, NotFound, RateLimited


class MemberNotFound(NotFound):
    """An unknown handle, an account that is gone, or a member a block hides: one answer."""

    default_message = _("Member not found.")


class EntryNotFound(NotFound):
    default_message = _("No such entry.")


class TokenNotFound(NotFound):
    default_message = _("No such token.")


class TooManyEntries(Conflict):
    code = "entry_limit"


class TokenLimitReached(Conflict):
    """The member already holds MAX_TOKENS_PER_USER tokens."""

    code = "token_limit"


class TokensTooFast(RateLimited):
    default_message = _("You are creating tokens too fast. Try again in an hour.")


class PhotoTooLarge(Invalid):
    """A photo above the size limit: the request was understood, but it is too large."""

    status = 413
    code = "payload_too_large"
