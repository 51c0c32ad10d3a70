"""`{{ when|ago }}`: how long ago something happened, in words a person would use.

Django's `timesince` says "0 minutes" for the first minute and `naturaltime` says "now" or
"12 seconds ago"; one filter keeps every page saying "just now" the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext

register = template.Library()

JUST_NOW = timedelta(minutes=1)


@register.filter
def ago(value: datetime | None) -> str:
    """'just now' below a minute (or a clock slightly ahead), else '3 hours ago'."""
    if not value:
        return ""
    now = timezone.now()
    if now - value < JUST_NOW:
        return gettext("just now")
    return gettext("%(time)s ago") % {"time": timesince(value, now, depth=1)}
