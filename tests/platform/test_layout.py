"""The app template of CONTRIBUTING.md: a sub-feature gets a folder, never a file-name
prefix (`introductions_views.py`), and an app mounts one urlconf and one API router."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import guanxi

PACKAGE = Path(guanxi.__file__).parent
ROLES = (
    "access|admin|api|errors|forms|kinds|models|notifications|schemas|selectors|services"
    "|signals|tasks|urls|views"
)
PREFIXED = re.compile(rf"^[a-z0-9]+(_[a-z0-9]+)*_({ROLES})\.py$")


def test_no_feature_role_file_names():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "migrations" not in path.parts and PREFIXED.match(path.name)
    ]
    assert offenders == []


def test_the_pattern_catches_what_it_is_for():
    for name in ("introductions_views.py", "introduction_kinds.py", "account_api.py"):
        assert PREFIXED.match(name)
    for name in ("views.py", "context_processors.py", "network_tags.py", "shared_interests.py"):
        assert not PREFIXED.match(name)


def test_each_app_mounts_one_urlconf_and_one_router():
    site_urls = (PACKAGE / "urls.py").read_text()
    api_urls = (PACKAGE / "api" / "urls.py").read_text()
    for app in ("accounts", "network", "directory", "notifications"):
        assert len(re.findall(rf'include\("guanxi\.{app}\.', site_urls)) == 1, app
        assert len(re.findall(rf"from guanxi\.{app}\.api import", api_urls)) == 1, app


# --- selectors read ---------------------------------------------------------------------

# ORM calls that write whatever they are called on.
WRITE_CALLS = {
    "save", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create",
    "delete", "select_for_update",
}  # fmt: skip
# Raw SQL that writes.
WRITE_SQL = re.compile(r"\b(INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\S+\s+SET|MERGE\s+INTO)\b", re.I)


def _is_queryset(node: ast.expr) -> bool:
    """`X.objects`, or a call chained on something (`X.objects.filter(...)`): what a
    `.update()` writes through. A plain name (`found.update(...)`) is a dict or a set."""
    if isinstance(node, ast.Attribute) and node.attr == "objects":
        return True
    return isinstance(node, ast.Call)


def writes_in(source: str) -> list[str]:
    """Every write in a module's source: ORM write calls, queryset updates, writing SQL."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            name = node.func.attr
            if name in WRITE_CALLS or (name == "update" and _is_queryset(node.func.value)):
                found.append(f"line {node.lineno}: .{name}()")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            sql = WRITE_SQL.search(node.value)
            if sql:
                found.append(f"line {node.lineno}: SQL {sql.group(0)}")
    return found


def test_selectors_never_write():
    """CONTRIBUTING: services.py writes, selectors.py reads (sub-packages included)."""
    offenders = {
        str(path.relative_to(PACKAGE)): writes_in(path.read_text())
        for path in PACKAGE.rglob("selectors.py")
    }
    assert {path: found for path, found in offenders.items() if found} == {}
    assert (
        len(offenders) >= 7
    )  # accounts, directory, network (+2 sub-packages), notifications, places


def test_the_write_check_catches_what_it_is_for():
    for source in (
        "Token.objects.filter(pk=1).update(last_used_at=now)",
        "Token.objects.update(x=1)",
        "profile.save(update_fields=['city'])",
        "Dismissal.objects.get_or_create(user=user)",
        "Suggestion.objects.filter(user_id=1).delete()",
        "User.objects.select_for_update().get(pk=1)",
        "cursor.execute('UPDATE network_suggestion SET score = 0')",
        "cursor.execute(f'DELETE FROM {table} WHERE id = %s', [1])",
    ):
        assert writes_in(source), source
    for source in (
        "states.update(kind.states(notes))",
        "found.update(ids)",
        "cursor.execute('SELECT updated_at FROM t WHERE deleted = 0')",
        "Profile.objects.filter(place_id=1).values_list('user_id')",
    ):
        assert writes_in(source) == [], source
