"""Turn environment variables into Django settings values.

Kept free of Django imports so settings.py can use it before apps load.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import secrets
import tempfile
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

TRUE_WORDS = {"1", "true", "yes", "on"}


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated addresses or CIDR networks, e.g. `10.0.0.5,192.168.0.0/24`."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{name}: {item!r} is not an IP address or network") from None
    return tuple(networks)


def secret_key_from_file(path: Path) -> str:
    """Read the local secret key, creating it (mode 600) on first run.

    Processes that start together (the web workers, the task worker) must agree on one
    key and never read a half-written file: the key is written to a private temporary
    file and linked into place, which fails if another process got there first, and
    then everyone reads the file that won."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mode 600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)
    return path.read_text().strip()


def email_settings(url: str | None) -> dict[str, object]:
    """Map EMAIL_URL to Django email settings.

    console:// (default), locmem://, dummy://, smtp://user:pass@host:587?tls=1,
    smtps://user:pass@host:465 (implicit TLS).
    """
    if not url or url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if url.startswith("locmem:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if url.startswith("dummy:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme not in {"smtp", "smtps"}:
        raise ValueError(f"EMAIL_URL scheme {parsed.scheme!r} is not supported")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    implicit_tls = parsed.scheme == "smtps" or query.get("ssl", "").lower() in TRUE_WORDS
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if implicit_tls else 25),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": implicit_tls,
        "EMAIL_USE_TLS": not implicit_tls and query.get("tls", "").lower() in TRUE_WORDS,
        "EMAIL_TIMEOUT": 10,
    }
