"""The profile page's small repeated pieces, built in Python: as {% include %}s they
cost more than the text they write (nine on one's own profile). Each writes what its
template did, byte for byte (tests/accounts/test_profile_tags.py)."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def audience_note(audience) -> SafeString:
    """For the owner: who can see a section (`audience`, a SectionAudience, or None)."""
    if not audience:
        return mark_safe("\n")
    # As {% blocktranslate %} has it: the label escaped, the translation as written.
    said = gettext("Visible to: %(who)s") % {"who": conditional_escape(audience.label)}
    return format_html(
        '<span class="visibility-note audience-{}">{}</span>\n',
        audience.level,
        mark_safe(said),  # noqa: S308 - the catalogue's text, the label escaped
    )


@register.simple_tag
def years(entry) -> SafeString:
    """ "2019 – present" for an entry with start_year / end_year."""
    start, end = entry.start_year, entry.end_year
    if start and end:
        text = str(start) if start == end else f"{start} – {end}"
    elif start:
        text = "{} – {}".format(start, gettext("present"))  # makemessages misses f-strings
    else:
        text = str(end) if end else ""
    return format_html("{}\n", text)
