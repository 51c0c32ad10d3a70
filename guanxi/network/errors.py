"""The network's errors: subclasses of the core hierarchy, named for what happened.

A member who is unknown, gone or behind a block is accounts' MemberNotFound.
"""

from django.utils.translation import gettext_lazy as _

from guanxi.core.errors import Conflict, NotAllowed, NotFound


class InvitationNotFound(NotFound):
    default_message = _("This invitation no longer exists.")


class NotInvitationRecipient(NotAllowed):
    code = "not_invitation_recipient"
    default_message = _("Only the member you invited can accept or ignore this invitation.")


class NotInvitationSender(NotAllowed):
    code = "not_invitation_sender"
    default_message = _("Only the member who sent this invitation can withdraw it.")


class RequestsNotAccepted(NotAllowed):
    code = "requests_closed"
    default_message = _("This member is not accepting connection requests from you.")


class ConnectionsPrivate(NotAllowed):
    code = "connections_private"
    default_message = _("This member's connections are private.")


class AlreadyDone(Conflict):
    default_message = _("That has already been done.")
