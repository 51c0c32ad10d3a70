"""Paging for every list the API returns, in one envelope (`schemas.ListPage`).

Lists ordered by time (invitations, notifications, blocks) page with a keyset cursor:
the last item's time and id, so items arriving meanwhile never shift or repeat a page.
Lists the site pages by number (the directory, connections, followers, shared
interests) use the page number as the cursor. Clients pass `next` back as `cursor`
either way and never build one.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime

from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from guanxi.core.errors import Invalid

CURSOR_MAX = 100


class CursorQuery(Schema):
    cursor: str | None = Field(
        None, max_length=CURSOR_MAX, description="The `next` of the previous page."
    )


class PageQuery(CursorQuery):
    """For lists paged by number: the cursor, or a page to jump to."""

    page: int | None = Field(None, ge=1, le=10**9, description="Jump to this page number.")

    def number(self) -> int:
        return self.page if self.page is not None else page_number(self.cursor)


def _bad_cursor() -> Invalid:
    return Invalid(fields={"cursor": [_("This cursor is not valid.")]})


def page_number(cursor: str | None) -> int:
    """The page a numbered list's cursor names (1 without one)."""
    if cursor is None:
        return 1
    if not cursor.isascii() or not cursor.isdigit() or len(cursor) > 9 or int(cursor) < 1:
        raise _bad_cursor()
    return int(cursor)


def page_past_end(last: int) -> Invalid:
    return Invalid(fields={"cursor": [_("The last page is %(last)d.") % {"last": last}]})


def numbered_page(items: QuerySet | Sequence, *, page: int, per_page: int):
    """(the page's items, next cursor, exact count) of a list paged by number. A page past
    the end is an error (422), except the first page of an empty list."""
    paginator = Paginator(items, per_page)
    if page > paginator.num_pages and page != 1:
        raise page_past_end(paginator.num_pages)
    found = paginator.page(min(page, paginator.num_pages))
    following = str(found.number + 1) if found.has_next() else None
    return list(found.object_list), following, paginator.count


def _encode(moment: datetime, pk: int) -> str:
    raw = f"{moment.isoformat()}|{pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, _sep, pk = raw.partition("|")
        found = datetime.fromisoformat(moment), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad_cursor() from None
    if found[0].tzinfo is None:
        raise _bad_cursor()
    return found


def keyset_page(queryset: QuerySet, *, cursor: str | None, per_page: int, field: str):
    """(rows, next cursor) of `queryset` newest first by `field`, then id."""
    ordered = queryset.order_by(f"-{field}", "-pk")
    if cursor is not None:
        moment, pk = _decode(cursor)
        ordered = ordered.filter(Q(**{f"{field}__lt": moment}) | Q(**{field: moment, "pk__lt": pk}))
    rows = list(ordered[: per_page + 1])
    if len(rows) <= per_page:
        return rows, None
    last = rows[per_page - 1]
    return rows[:per_page], _encode(getattr(last, field), last.pk)
