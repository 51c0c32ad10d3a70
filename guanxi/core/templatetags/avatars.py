"""{% avatar profile "small" %}: a member's photo, or their initials on a disc.

A tag rather than an included template: a page of cards shows a dozen or more, and an
{% include %} costs several times what the markup is worth."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def avatar(profile, size: str = "") -> SafeString:
    """`profile`: anything with `photo_url` and `initials` (a Profile, a member card, a
    profile view); `size`: "", "small" or "large". The newlines around it are the ones the
    former included template left, so inline layouts keep their spacing."""
    classes = f"avatar avatar-{size}" if size else "avatar"
    photo_url = getattr(profile, "photo_url", "")
    if photo_url:
        return format_html(
            '\n<img class="{}" src="{}" alt="" loading="lazy">\n', classes, photo_url
        )
    initials = getattr(profile, "initials", "")
    return format_html('\n<span class="{}" aria-hidden="true">{}</span>\n', classes, initials)
