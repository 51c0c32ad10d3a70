"""Template slots: a page names a place, other apps register templates to render there.

Lets a lower app's page (a profile) show what a higher app adds (the relationship
panel from the network) without importing it.
"""

from __future__ import annotations

from collections import defaultdict

_slots: dict[str, list[str]] = defaultdict(list)


def register_slot(name: str, template_name: str) -> None:
    if template_name not in _slots[name]:
        _slots[name].append(template_name)


def slot_templates(name: str) -> list[str]:
    return list(_slots.get(name, ()))
