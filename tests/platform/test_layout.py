"""The app template of CONTRIBUTING.md: a sub-feature gets a folder, never a file-name
prefix (`introductions_views.py`), and an app mounts one urlconf and one API router."""

from __future__ import annotations

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
