"""A bounded schemathesis run against the live test server: every operation, a fixed
seed, the stateful phase where links are found; 0 failures means no 500s, every answer
in its documented status and schema.

Bounded by --max-time (and a handful of examples per operation) so that it stays under
a minute on two cores; the seed makes a failure reproducible with the printed command.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from guanxi.accounts.models import AccessToken
from guanxi.accounts.services import access_token_create, experience_create
from guanxi.api import auth
from guanxi.network import services as network
from guanxi.network.introductions import services as introductions
from tests.factories import make_member

# Seed, time budget, examples per operation and check settings.
CONFIG = Path(__file__).with_name("schemathesis.toml")
MAX_TIME = 45


@pytest.fixture
def community(transactional_db):
    """A signed-in member with something of everything: connections, an invitation each
    way, an introduction, a profile entry, a token."""
    alice = make_member("alice", display_name="Alice Chen")
    bob, carol, dave, eve, frank = (
        make_member(name) for name in ("bob", "carol", "dave", "eve", "frank")
    )
    for a, b in ((alice, bob), (alice, dave), (bob, carol)):
        network.connect_members(a=a, b=b)
    network.connection_request_send(sender=eve, recipient_id=alice.pk, note="Hello")
    network.connection_request_send(sender=alice, recipient_id=frank.pk)
    introductions.introduction_create(
        introducer=bob, a_id=alice.pk, b_id=carol.pk, note="You should meet."
    )
    experience_create(
        profile=alice.profile, data={"company": "Acme", "title": "Engineer", "start_year": 2019}
    )
    token, raw = access_token_create(user=alice, name="fuzz")
    # DELETE /tokens/{id} is fuzzed too: give the run's own token an id it will not try
    # (small ids are the first it does), so the run does not sign itself out.
    AccessToken.objects.filter(pk=token.pk).update(id=7_654_321)
    return raw


def test_the_api_conforms_to_its_openapi_document(live_server, community, monkeypatch):
    # The run sends wrong tokens on purpose (each must be a 401); the lockout after 20 of
    # them from one address has tests of its own and would turn the rest into 429s.
    monkeypatch.setattr(auth, "FAILED_TOKEN_LIMIT", 10_000)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    command = [
        str(schemathesis),
        "--config-file",
        str(CONFIG),
        "run",
        f"{live_server.url}/api/v1/openapi.json",
        f"--header=Authorization: Bearer {community}",
        "--no-color",
        "--output-truncate=true",
    ]
    result = subprocess.run(  # noqa: S603 - our own tool, arguments built here
        command, capture_output=True, text=True, timeout=MAX_TIME + 60, check=False
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    # Every operation of the document was tried.
    selected = re.search(r"Selected: (\d+)/(\d+)", report)
    assert selected and selected[1] == selected[2], report
    assert f"Tested: {selected[1]}" in report, report
