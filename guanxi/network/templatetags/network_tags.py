"""The relationship panel shown on profiles: degree, mutual connections and the right buttons."""

from __future__ import annotations

from types import SimpleNamespace

from django import template
from django.db.models import Count, Window

from guanxi.network import selectors

register = template.Library()


def relationship_context(context, member) -> dict:
    request = context.get("request")
    viewer = context.get("user") or getattr(request, "user", None)
    data = {"member": member, "viewer": viewer, "request": request, "rel": None}
    if viewer is not None and viewer.is_authenticated and viewer.pk != member.pk:
        data["rel"] = selectors.relationship(viewer.pk, member.pk)
    data["may_see_connections"] = (
        selectors.may_see_connections(viewer, member.pk) if viewer else False
    )
    return data


@register.inclusion_tag("network/_relationship.html", takes_context=True)
def relationship_panel_for(context, member_id: int, handle: str, name: str):
    """The panel for a member a page already knows by id, handle and name (no extra query)."""
    member = SimpleNamespace(
        pk=member_id, username=handle, profile=SimpleNamespace(display_name=name)
    )
    return relationship_context(context, member)


@register.filter
def degree_label(degree: int | None) -> str:
    from django.utils.translation import gettext as _

    return {1: _("1st"), 2: _("2nd"), 3: _("3rd")}.get(degree, "")


@register.simple_tag
def pending_invitations(user, limit: int = 3) -> dict:
    """The newest invitations waiting for `user` as list items, and how many there are
    (one query for the rows and the count, then the senders' cards)."""
    rows = list(selectors.invitations_received(user.pk).annotate(total=Window(Count("pk")))[:limit])
    return {
        "items": selectors.invitation_items(user, rows, received=True),
        "count": rows[0].total if rows else 0,
    }
