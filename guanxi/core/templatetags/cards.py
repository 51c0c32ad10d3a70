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
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from guanxi.core.templatetags.avatars import avatar

register = template.Library()


def _shown(value) -> str:
    """A context value as {{ value }} shows it (None and a missing value as ""), still to
    be escaped."""
    return "" if value is None else str(value)


@register.simple_tag(takes_context=True)
def person_card(context: Context) -> SafeString:
    # format_html escapes every value that goes in; the pieces built here are SafeStrings.
    member = context["member"]
    extra = context.get("class")
    prefix = context.get("id_prefix")
    badge, badge_title = context.get("badge"), context.get("badge_title")
    after = context.get("after")

    handle_line = format_html("@{}", _shown(member.handle))
    if badge:
        title = format_html(' title="{}"', badge_title) if badge_title else ""
        handle_line += format_html(' <span class="degree-badge"{}>{}</span>', title, badge)
    if member.is_demo:
        handle_line += format_html(
            ' <span class="badge badge-demo" title="{}">{}</span>',
            gettext("Example member created by the demo data"),
            gettext("Demo"),
        )
    headline = (
        format_html('<p class="person-headline">{}</p>', member.headline) if member.headline else ""
    )
    meta = member.meta
    meta_line = format_html('<p class="person-meta">{}</p>', meta) if meta else ""
    skills = ""
    if member.skills:
        directory_url = context.get("directory_url") or reverse("directory")
        links = format_html_join(
            "",
            '<li><a class="tag" href="{}?skill={}">{}</a></li>',
            ((directory_url, quote(str(skill), safe="/"), skill) for skill in member.skills),
        )
        skills = format_html(
            '\n    <ul class="person-tags cluster" aria-label="{}">\n      {}\n    </ul>\n  ',
            gettext("Skills"),
            links,
        )
    tail = context.template.engine.get_template(after).render(context) if after else ""
    return format_html(
        '\n<{element} class="card card-compact person-card{extra}"{id_attr}>\n'
        '  <div class="person">\n'
        "    {avatar}\n"
        '    <div class="person-body">\n'
        '      <h{level} class="person-title"><a class="person-name" href="{url}">'
        "{name}</a></h{level}>\n"
        '      <p class="person-handle">{handle_line}</p>\n'
        "      {headline}\n"
        "      {meta_line}\n"
        "    </div>\n"
        "  </div>\n"
        "  {skills}\n"
        "  {tail}\n"
        "</{element}>\n",
        element=_shown(context.get("element")) or "article",
        extra=format_html(" {}", extra) if extra else "",
        id_attr=format_html(' id="{}{}"', prefix, member.id) if prefix else "",
        avatar=avatar(member),
        level=_shown(context.get("level")) or "3",
        url=_shown(member.url),
        name=_shown(member.display_name),
        handle_line=handle_line,
        headline=headline,
        meta_line=meta_line,
        skills=skills,
        tail=tail,  # a template's rendering: already safe
    )
