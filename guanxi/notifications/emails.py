"""Notification emails, written in the recipient's language: one for a single
notification, one for a day's digest. Each carries a signed one-click unsubscribe link
(RFC 8058 List-Unsubscribe and List-Unsubscribe-Post headers)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from guanxi.notifications import registry
from guanxi.notifications.unsubscribe import ALL, make_token

DIGEST_ITEMS_PER_KIND = 10


def absolute(path: str) -> str:
    return f"{settings.GUANXI_SITE_URL}{path}"


def _message(user, *, subject: str, template: str, context: dict, html: str = "", scope: str):
    unsubscribe_url = absolute(
        reverse("notifications_unsubscribe", args=[make_token(user.pk, scope)])
    )
    context = {
        **context,
        "community": settings.GUANXI_COMMUNITY_NAME,
        "settings_url": absolute(reverse("notification_settings")),
        "unsubscribe_url": unsubscribe_url,
    }
    message = EmailMultiAlternatives(
        subject=f"[{settings.GUANXI_COMMUNITY_NAME}] {subject}",
        body=render_to_string(template, context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def notification_email(note, *, language: str) -> EmailMultiAlternatives:
    kind = registry.get(note.kind)
    assert kind is not None, note.kind
    with translation.override(language):
        text = kind.text(note)
        subject = kind.email_subject(note) if kind.email_subject else text
        body = kind.email_body(note) if kind.email_body else text
        return _message(
            note.recipient,
            subject=subject,
            template="notifications/email/notification.txt",
            context={"body": body, "url": absolute(kind.url(note)), "kind_label": kind.label},
            html=kind.email_html(note) if kind.email_html else "",
            scope=note.kind,
        )


@dataclass
class DigestGroup:
    label: str
    items: list[dict[str, str]] = field(default_factory=list)
    more: int = 0


def digest_groups(notes) -> list[DigestGroup]:
    """The day's notifications by kind, in the registry's order, oldest first within a
    kind; at most DIGEST_ITEMS_PER_KIND lines a kind, the rest counted."""
    by_kind: dict[str, list] = defaultdict(list)
    for note in sorted(notes, key=lambda n: (n.created_at, n.pk)):
        by_kind[note.kind].append(note)
    groups = []
    for kind in registry.all_kinds():
        notes_of_kind = by_kind.get(kind.key)
        if not notes_of_kind:
            continue
        shown = notes_of_kind[:DIGEST_ITEMS_PER_KIND]
        groups.append(
            DigestGroup(
                label=str(kind.label),
                items=[{"text": kind.text(n), "url": absolute(kind.url(n))} for n in shown],
                more=len(notes_of_kind) - len(shown),
            )
        )
    return groups


def digest_email(user, notes, *, language: str) -> EmailMultiAlternatives:
    with translation.override(language):
        groups = digest_groups(notes)
        total = sum(len(g.items) + g.more for g in groups)
        subject = translation.ngettext(
            "Your daily summary: %(count)d new notification",
            "Your daily summary: %(count)d new notifications",
            total,
        ) % {"count": total}
        return _message(
            user,
            subject=subject,
            template="notifications/email/digest.txt",
            context={
                "groups": groups,
                "total": total,
                "notifications_url": absolute(reverse("notifications")),
            },
            scope=ALL,
        )
