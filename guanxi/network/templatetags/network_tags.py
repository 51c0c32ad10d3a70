"""The relationship panel shown on profiles (degree, mutual connections and the right
buttons), the invitations waiting on the home page and a suggestion's buttons."""

from __future__ import annotations

from types import SimpleNamespace

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from guanxi.core.templatetags.avatars import avatar
from guanxi.network import selectors

register = template.Library()


def relationship_context(context, member) -> dict:
    request = context.get("request")
    viewer = context.get("user") or getattr(request, "user", None)
    data = {"member": member, "viewer": viewer, "request": request, "rel": None}
    if viewer is not None and viewer.is_authenticated and viewer.pk != member.pk:
        data["rel"] = selectors.relationship(viewer.pk, member.pk)
    # The panel has just read whether the two are connected: not asked a second time.
    connected = data["rel"].connected if data["rel"] else None
    data["may_see_connections"] = (
        selectors.may_see_connections(viewer, member.pk, connected=connected) if viewer else False
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
    """The newest invitations waiting for `user` as list items, and how many there are."""
    items, count = selectors.invitations_waiting(user, limit=int(limit))
    return {"items": items, "count": count}


_CSRF_INPUT = CsrfTokenNode()


@register.simple_tag(takes_context=True)
def suggestion_actions(context) -> SafeString:
    """The end of a suggestion's card: its reasons with the faces of mutual connections,
    Connect, Get introduced and Dismiss (network/_suggestion_actions.html). Built in
    Python like the card itself: as template nodes, two forms with their CSRF tokens cost
    a suggestion twice what its card did. Reads `card`, `member`, `request`, `csrf_token`
    and, if a list set it, `connect_url`."""
    card, member = context["card"], context["member"]
    reasons = ""
    if card.reasons:
        faces = ""
        if card.mutuals:
            faces = format_html(
                '<span class="face-stack" aria-hidden="true">{}</span> ',
                format_html_join("", "{}", ((avatar(face, "small"),) for face in card.mutuals)),
            )
        said = format_html_join(" · ", "{}", ((reason,) for reason in card.reasons))
        reasons = format_html('<p class="suggestion-reasons">{}{}</p>', faces, said)
    csrf = _CSRF_INPUT.render(context)  # Django's own {% csrf_token %} (the page's token)
    introduce = ""
    if card.mutual_count:
        introduce = format_html(
            '<a class="btn btn-small" href="{}" title="{}">{}</a>',
            card.introduce_url,
            gettext("Ask a connection you share to introduce you"),
            gettext("Get introduced"),
        )
    # As {% blocktranslate %} has it: the name escaped, the translation as written.
    dismiss_label = mark_safe(  # noqa: S308 - the catalogue's text, the name escaped
        gettext("Dismiss %(name)s") % {"name": conditional_escape(member.display_name)}
    )
    return format_html(
        "{reasons}\n"
        '<div class="cluster suggestion-actions">\n'
        '  <form method="post" action="{connect_url}" class="inline-form">{csrf}\n'
        '    <input type="hidden" name="user_id" value="{id}">\n'
        '    <input type="hidden" name="next" value="{next}">\n'
        '    <button type="submit" class="btn btn-primary btn-small">{connect}</button>\n'
        "  </form>\n"
        "  {introduce}\n"
        '  <form method="post" action="{dismiss_url}" class="inline-form suggestion-dismiss"\n'
        '        hx-post="{dismiss_url}" hx-target="#suggestion-{id}" '
        'hx-swap="outerHTML swap:200ms">{csrf}\n'
        '    <input type="hidden" name="next" value="{next}">\n'
        '    <button type="submit" class="link-button" aria-label="{dismiss_label}">'
        "{dismiss}</button>\n"
        "  </form>\n"
        "</div>",
        reasons=reasons,
        connect_url=context.get("connect_url") or reverse("network_connect"),
        csrf=csrf,
        id=member.id,
        next=context["request"].get_full_path(),
        connect=gettext("Connect"),
        introduce=introduce,
        dismiss_url=card.dismiss_url,
        dismiss_label=dismiss_label,
        dismiss=gettext("Dismiss"),
    )
