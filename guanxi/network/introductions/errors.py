"""Errors of introductions: subclasses of the core hierarchy with codes for API clients."""

from django.utils.translation import gettext_lazy

from guanxi.core.errors import Conflict, NotAllowed, NotFound, RateLimited


class IntroductionNotFound(NotFound):
    code = "not_found"
    default_message = gettext_lazy("This introduction does not exist.")


class NotYourConnections(NotAllowed):
    code = "not_connected"
    default_message = gettext_lazy("You can only introduce two of your own connections.")


class CannotIntroduce(Conflict):
    """Neutral on purpose: a block between the two must not be revealed to the introducer."""

    code = "cannot_introduce"
    default_message = gettext_lazy("You can't introduce these two.")


class AlreadyConnected(Conflict):
    code = "already_connected"
    default_message = gettext_lazy("These two are already connected.")


class AlreadyIntroduced(Conflict):
    code = "introduction_open"
    default_message = gettext_lazy(
        "These two already have an introduction waiting for their answers."
    )


class IntroductionClosed(Conflict):
    code = "introduction_closed"
    default_message = gettext_lazy("This introduction is closed; it can no longer be answered.")


class TooManyIntroductions(RateLimited):
    """The weekly limit of a member introduced, or the daily limit of an introducer."""


class NotIntroduced(NotAllowed):
    code = "not_introduced"
    default_message = gettext_lazy("Only the two people you introduced can answer.")
