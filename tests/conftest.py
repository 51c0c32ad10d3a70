"""Shared fixtures: the cast (alice, bob, carol, dave, eve), clients, cache hygiene."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from tests.caching import clear_cache
from tests.factories import PASSWORD, make_member


@pytest.fixture(autouse=True)
def _default_language():
    """A request in Chinese leaves its language active on the thread (as Django does
    between requests); later tests start in the default language again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _clean_cache():
    """Rate-limit counters and cached pages must not leak between tests."""
    clear_cache()
    yield


@pytest.fixture(autouse=True)
def _media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


@pytest.fixture(autouse=True)
def gazetteer(request, django_db_blocker):
    """The GeoNames places that a migration loads. Tests that run outside a transaction
    (live_server, transaction=True) end by emptying every table, places included, so
    put them back when they are missing, before every test: a shared city is a shared
    place, so any test on the same xdist worker may need them. Autouse fixtures run
    before `db`; loaded inside a test's transaction, they would be rolled back with it."""
    if not request.node.get_closest_marker("django_db") and not (
        DB_FIXTURES & set(request.fixturenames)
    ):
        return  # a test without the database (it may run a server of its own)
    request.getfixturevalue("django_db_setup")
    from guanxi.places import gazetteer as loader
    from guanxi.places.models import Place, PlaceName

    with django_db_blocker.unblock():
        if not Place.objects.exists():
            loader.load(Place, PlaceName)


@pytest.fixture
def password() -> str:
    return PASSWORD


@pytest.fixture
def alice(db):
    return make_member(
        "alice",
        display_name="Alice Chen",
        headline="Community builder",
        city="Shanghai",
        city_key="shanghai",
        company="Fudan Ventures",
        company_key="fudan ventures",
    )


@pytest.fixture
def bob(db):
    return make_member("bob", display_name="Bob Li", headline="Data engineer")


@pytest.fixture
def carol(db):
    return make_member("carol", display_name="Carol Wang", headline="Product designer")


@pytest.fixture
def dave(db):
    return make_member("dave", display_name="Dave Zhang", headline="Sales lead")


@pytest.fixture
def eve(db):
    return make_member("eve", display_name="Eve Zhou", headline="Event organiser")


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice) -> Client:
    return _client_for(alice)


@pytest.fixture
def bob_client(bob) -> Client:
    return _client_for(bob)


@pytest.fixture
def login():
    """login(user) -> a Django test client logged in as that user."""
    return _client_for
