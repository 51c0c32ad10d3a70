"""What a directory search asks for, normalised."""

from __future__ import annotations

from dataclasses import dataclass

from guanxi.accounts.models import OpenTo

SORT_NAME = "name"
SORT_NEWEST = "newest"
SORTS = (SORT_NAME, SORT_NEWEST)


@dataclass(frozen=True)
class DirectoryFilters:
    """Normalised filter values ("" = not filtering on it)."""

    skill: str = ""
    interest: str = ""
    city: str = ""
    company: str = ""
    school: str = ""
    open_to: OpenTo | None = None
    q: str = ""
    sort: str = SORT_NAME

    @property
    def is_filtering(self) -> bool:
        return any(
            (self.skill, self.interest, self.city, self.company, self.school, self.open_to, self.q)
        )
