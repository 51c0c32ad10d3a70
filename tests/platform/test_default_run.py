"""The default run is what a community serves: debug off, the site's own error pages,
static files served, and a terminal that says where the site is once it answers."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time

from guanxi.startup import answers, site_url
from tests.platform.conftest import REPO, child_env, run_python
from tests.serving import free_port, http_get

START_TIMEOUT = 120
SETTINGS_PROBE = """
import json, django
django.setup()
from django.conf import settings
print(json.dumps({"DEBUG": settings.DEBUG, "TESTING": settings.TESTING}))
"""


def _guanxi(*args: str, env: dict[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "guanxi.cli", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_is_off_unless_asked_for(tmp_path):
    default = run_python(SETTINGS_PROBE, child_env(tmp_path))
    assert default.returncode == 0, default.stderr
    assert json.loads(default.stdout.splitlines()[-1]) == {"DEBUG": False, "TESTING": False}

    asked = run_python(SETTINGS_PROBE, child_env(tmp_path, DEBUG="1"))
    assert json.loads(asked.stdout.splitlines()[-1])["DEBUG"] is True


def test_site_url_reaches_a_wildcard_bind_through_loopback():
    assert site_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"  # noqa: S104
    assert site_url("::", 8000) == "http://127.0.0.1:8000/"
    assert site_url("::1", 8001) == "http://[::1]:8001/"
    assert site_url("guanxi.lan", 80) == "http://guanxi.lan:80/"
    assert not answers(f"http://127.0.0.1:{free_port()}/")  # nothing listens there


def test_default_run_serves_our_pages_and_says_where_once_it_answers(tmp_path):
    env = child_env(tmp_path)  # no DEBUG, no LOG_LEVEL: what `python3 run.py` gets
    env.pop("LOG_LEVEL", None)
    _guanxi("migrate", "--noinput", "-v", "0", env=env)
    _guanxi("demo", "--members", "3", env=env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "guanxi.cli", "serve", "--port", str(port)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "Guanxi is running" not in log_path.read_text():
            assert server.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        # Said only once the site answers.
        assert http_get(f"{base}/healthz")[0] == 200

        status, html = http_get(f"{base}/no-such-page/")
        assert status == 404
        page = html.decode()
        assert '<header class="site-header">' in page and "Page not found" in page
        assert "URLconf" not in page and "api/v1/" not in page  # no list of URL patterns

        status, home = http_get(f"{base}/")
        stylesheet = re.search(rb'href="(/static/guanxi/site\.[0-9a-f]{12}\.css)"', home)
        assert status == 200 and stylesheet, home[:500]
        assert http_get(base + stylesheet.group(1).decode())[0] == 200  # WhiteNoise, debug off
        time.sleep(1.5)  # the worker's and scheduler's start-up would have spoken by now
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        finally:
            if server.poll() is None:
                server.kill()
    output = log_path.read_text()
    assert output.count("Guanxi is running") == 1, output
    assert f"Guanxi is running at http://127.0.0.1:{port}/" in output
    assert "Log in as:  jasonthompson0@demo.guanxi.local  (demo member @jasonthompson0)" in output
    assert "Password:   guanxi-demo-2026" in output
    assert "Debug mode is on" not in output
    steps = ["database: applying migrations", "static files: collecting", "starting the web"]
    positions = [output.index(step) for step in steps]
    assert positions == sorted(positions) and positions[-1] < output.index("Guanxi is running")
    # Routine chatter stays out of the default run; warnings (a 404) still show.
    for chatter in ("Scheduler started", "Starting worker", "Uvicorn running", "GET / HTTP"):
        assert chatter not in output, output
    assert "Not Found: /no-such-page/" in output
