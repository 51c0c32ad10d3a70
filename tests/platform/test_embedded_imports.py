"""The embedded run (no REDIS_URL) installs no Redis client: nothing on its path may
import one (a fresh `python3 run.py` once failed its system checks on exactly that)."""

import os
import subprocess
import sys

PROBE = """
import sys
import django
django.setup()
from django.core.cache import cache
from django.core.management import call_command
cache.get("probe")
call_command("check", verbosity=0)
print(sorted(name for name in sys.modules if name == "redis" or name.startswith("redis.")))
"""


def test_the_embedded_run_never_imports_redis(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="guanxi.settings", GUANXI_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
