"""The zh_Hans catalogue is complete, covers every string in the code, and its .mo is current."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import translation

PACKAGE = Path(__file__).resolve().parent.parent / "guanxi"
PO = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(po_path: Path) -> list[dict[str, str | bool]]:
    """A small .po reader: msgid/msgid_plural/msgstr*/fuzzy per entry (no gettext needed)."""
    entries: list[dict] = []
    current: dict = {}
    field = None

    def flush():
        if current.get("msgid") is not None:
            entries.append(dict(current))

    for raw in po_path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            flush()
            current, field = {}, None
        elif line.startswith("#,") and "fuzzy" in line:
            current["fuzzy"] = True
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[field] = current.get(field, "") + _unquote(line)
        else:
            field, _, rest = line.partition(" ")
            current[field] = _unquote(rest)
    flush()
    return [entry for entry in entries if entry.get("msgid") != ""]  # skip the header


def _unquote(text: str) -> str:
    return text[1:-1].encode("utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def test_every_entry_is_translated():
    missing = []
    for entry in _entries(PO):
        translations = [value for key, value in entry.items() if key.startswith("msgstr")]
        if entry.get("fuzzy") or not translations or not all(translations):
            missing.append(entry["msgid"])
    assert missing == [], f"{len(missing)} zh_Hans entries untranslated or fuzzy: {missing[:20]}"


def _need_gettext() -> None:
    assert shutil.which("xgettext") and shutil.which("msgfmt"), (
        "GNU gettext is needed (python3 run.py test installs it; or apt-get install gettext)"
    )


def test_catalogue_covers_every_string_in_the_code(tmp_path):
    _need_gettext()
    # Extract from a copy of the package so the committed catalogue stays untouched.
    copy = tmp_path / "guanxi"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        from django.conf import settings

        old_paths = settings.LOCALE_PATHS
        settings.LOCALE_PATHS = [copy / "locale"]
        try:
            call_command("makemessages", locale=["zh_Hans"], verbosity=0, no_obsolete=True)
        finally:
            settings.LOCALE_PATHS = old_paths
    finally:
        os.chdir(cwd)
    extracted = {
        entry["msgid"] for entry in _entries(copy / "locale/zh_Hans/LC_MESSAGES/django.po")
    }
    committed = {entry["msgid"] for entry in _entries(PO)}
    missing = sorted(extracted - committed)
    assert missing == [], (
        f"{len(missing)} strings are not in the zh_Hans catalogue "
        f"(run scripts/update_translations.sh): {missing[:20]}"
    )


def test_compiled_catalogue_is_current(tmp_path):
    _need_gettext()
    fresh = tmp_path / "django.mo"
    subprocess.run([shutil.which("msgfmt"), "-o", str(fresh), str(PO)], check=True)
    assert MO.read_bytes() == fresh.read_bytes(), (
        "django.mo is stale: run scripts/update_translations.sh"
    )


@pytest.mark.django_db
def test_pages_render_in_chinese():
    client = Client(headers={"accept-language": "zh-Hans"})
    body = client.get("/members/").content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("Members") != "Members"
        assert translation.gettext("Members") in body
    assert 'lang="zh-Hans"' in body
