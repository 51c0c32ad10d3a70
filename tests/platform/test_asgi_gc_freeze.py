"""The served application freezes what start-up loaded (guanxi/asgi.py): the garbage
collector's full collections then skip the ~100,000 objects that live as long as the
process, and the URLconf's view modules are among them."""

from __future__ import annotations

import json

from tests.platform.conftest import child_env, run_python

CODE = """
import gc, json, sys
before = gc.get_freeze_count()
import guanxi.asgi
print(json.dumps({
    "before": before,
    "frozen": gc.get_freeze_count(),
    "views_loaded": "guanxi.network.views" in sys.modules,
}))
"""


def test_serving_module_freezes_start_up_objects_with_the_views_loaded(tmp_path):
    done = run_python(CODE, child_env(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["before"] == 0
    assert found["frozen"] > 10_000
    assert found["views_loaded"]
