"""{% person_card %}: the member card's markup, built in Python.

includes/person_card.html is the card for every list of people, and it renders it with
this tag: a home page shows nine cards and the directory 24, and as template nodes each
card cost about 40 variable lookups and conditions (a third of the home page's template
time). The markup is the one the template had, character for character; callers still
`{% include "includes/person_card.html" with member=card ... %}`, and the parameters
are read from the context the include sets up."""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from guanxi.core.templatetags.avatars import avatar

register = template.Library()


def _text(value) -> str:
    """A context value as {{ value }} shows it (None and a missing value as "")."""
    return "" if value is None else str(conditional_escape(value))


@register.simple_tag(takes_context=True)
def person_card(context: Context) -> SafeString:
    member = context["member"]
    element = _text(context.get("element")) or "article"
    level = _text(context.get("level")) or "3"
    extra = _text(context.get("class"))
    prefix = context.get("id_prefix")
    badge, badge_title = context.get("badge"), context.get("badge_title")
    after = context.get("after")

    classes = f"card card-compact person-card {extra}" if extra else "card card-compact person-card"
    id_attr = f' id="{_text(prefix)}{_text(member.id)}"' if prefix else ""
    handle_line = f"@{_text(member.handle)}"
    if badge:
        title = f' title="{_text(badge_title)}"' if badge_title else ""
        handle_line += f' <span class="degree-badge"{title}>{_text(badge)}</span>'
    if member.is_demo:
        demo_title = _text(gettext("Example member created by the demo data"))
        handle_line += (
            f' <span class="badge badge-demo" title="{demo_title}">{_text(gettext("Demo"))}</span>'
        )
    headline = f'<p class="person-headline">{_text(member.headline)}</p>' if member.headline else ""
    meta = member.meta
    meta_line = f'<p class="person-meta">{_text(meta)}</p>' if meta else ""
    skills = ""
    if member.skills:
        directory_url = context.get("directory_url") or reverse("directory")
        links = "".join(
            f'<li><a class="tag" href="{_text(directory_url)}?skill={_text(quote(str(skill), safe="/"))}">'
            f"{_text(skill)}</a></li>"
            for skill in member.skills
        )
        skills = (
            f'\n    <ul class="person-tags cluster" aria-label="{_text(gettext("Skills"))}">'
            f"\n      {links}\n    </ul>\n  "
        )
    tail = ""
    if after:
        tail = context.template.engine.get_template(after).render(context)
    return mark_safe(  # noqa: S308 - every value above is escaped as it goes in
        f'\n<{element} class="{classes}"{id_attr}>\n'
        f'  <div class="person">\n'
        f"    {avatar(member)}\n"
        f'    <div class="person-body">\n'
        f'      <h{level} class="person-title"><a class="person-name" href="{_text(member.url)}">'
        f"{_text(member.display_name)}</a></h{level}>\n"
        f'      <p class="person-handle">{handle_line}</p>\n'
        f"      {headline}\n"
        f"      {meta_line}\n"
        f"    </div>\n"
        f"  </div>\n"
        f"  {skills}\n"
        f"  {tail}\n"
        f"</{element}>\n"
    )
