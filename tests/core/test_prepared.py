"""PreparedQuery: a queryset compiled once gives what iterating the queryset gives."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanxi.accounts.models import Experience, User
from guanxi.core.prepared import PreparedQuery

pytestmark = pytest.mark.django_db(transaction=True)

MARK = -(2**62) + 11

by_handle = PreparedQuery(
    lambda handle: User.objects.select_related("profile", "profile__place").filter(
        username=handle, is_active=True
    ),
    "\x00handle",
)


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_same_instances_and_related_objects_as_the_queryset(alice):
    [got] = by_handle("alice")
    want = User.objects.select_related("profile", "profile__place").get(username="alice")
    assert _fields(got) == _fields(want)
    assert _fields(got.profile) == _fields(want.profile)
    with CaptureQueriesContext(connection) as queries:
        assert got.profile.place == want.profile.place  # loaded with the member
        assert got.profile.user is got
    assert len(queries) == 0
    assert not got._state.adding and got._state.db == "default"


def test_no_row_and_other_values(alice, bob):
    assert by_handle("nobody") == []
    assert [u.username for u in by_handle("bob")] == ["bob"]


def test_the_database_values_are_converted(alice):
    [got] = by_handle("alice")
    assert got.is_active is True  # SQLite gives 1
    assert got.date_joined.tzinfo is not None  # SQLite gives text
    entries = PreparedQuery(lambda pk: Experience.objects.filter(profile_id=pk), MARK)
    Experience.objects.create(profile=alice.profile, company="Acme", title="CTO", start_year=2020)
    assert [(e.company, e.start_year) for e in entries(alice.pk)] == [("Acme", 2020)]


def test_each_thread_compiles_for_its_own_connection(alice):
    found: list = []

    def read():
        try:
            found.extend(by_handle("alice"))
        finally:
            connection.close()

    worker = threading.Thread(target=read)
    worker.start()
    worker.join()
    assert [u.pk for u in found] == [alice.pk]
    assert by_handle("alice")[0].pk == alice.pk


def test_a_marker_must_occur_once():
    twice = PreparedQuery(
        lambda v: User.objects.filter(username=v) | User.objects.filter(email=v), "x\x00"
    )
    with pytest.raises(ValueError, match="once"):
        twice("alice")
