"""The profile page's simple tags write what the includes they replaced wrote."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.template import engines
from django.utils import translation

from guanxi.accounts.models import Visibility
from guanxi.accounts.selectors import SectionAudience

# The templates the tags replaced, as they were.
AUDIENCE_NOTE = (
    '{% load i18n %}{% if audience %}<span class="visibility-note audience-{{ audience.level }}">'
    "{% blocktranslate with who=audience.label %}Visible to: {{ who }}{% endblocktranslate %}"
    "</span>{% endif %}\n"
)
YEARS = (
    "{% load i18n %}{% if entry.start_year and entry.end_year %}"
    "{% if entry.start_year == entry.end_year %}{{ entry.start_year }}"
    "{% else %}{{ entry.start_year }} – {{ entry.end_year }}{% endif %}"
    '{% elif entry.start_year %}{{ entry.start_year }} – {% translate "present" %}'
    "{% elif entry.end_year %}{{ entry.end_year }}{% endif %}\n"
)


def render(text: str, **context) -> str:
    return engines["django"].from_string(text).render(context)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_same_bytes_as_the_includes(language):
    audiences = [
        None,
        SectionAudience(Visibility.CONNECTIONS, "connections <&> co"),
        SectionAudience(Visibility.PUBLIC, "everyone"),
    ]
    entries = [
        SimpleNamespace(start_year=start, end_year=end)
        for start, end in [(2019, None), (2019, 2021), (2020, 2020), (None, 2018), (None, None)]
    ]
    with translation.override(language):
        for audience in audiences:
            new = render("{% load profile_tags %}{% audience_note audience %}", audience=audience)
            assert new == render(AUDIENCE_NOTE, audience=audience)
        for entry in entries:
            new = render("{% load profile_tags %}{% years entry %}", entry=entry)
            assert new == render(YEARS, entry=entry)
