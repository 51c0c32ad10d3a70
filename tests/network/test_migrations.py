"""0005 adds the faces to stored suggestions: rows stored before it keep their count and
show no face until the next refresh stores some."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from guanxi.network.models import Suggestion, SuggestionState
from guanxi.network.suggestions import selectors as served
from guanxi.network.suggestions import services as suggestions
from tests.network.suggestion_helpers import link, members

BEFORE = [("network", "0004_recompute_scoring")]
AFTER = [("network", "0005_suggestion_faces")]


def _migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_rows_stored_before_the_faces_are_served_without_faces(alice):
    friends = members("friend", 2)
    candidate = members("cand", 1)[0]
    for friend in friends:
        link(alice, friend)
        link(candidate, friend)
    _migrate(BEFORE)
    try:
        columns = [c.name for c in connection.introspection.get_table_description(
            connection.cursor(), Suggestion._meta.db_table)]  # fmt: skip
        assert "face_1_id" not in columns
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {Suggestion._meta.db_table} (user_id, candidate_id, score, "  # noqa: S608
                "mutual_count, computed_at) VALUES (%s, %s, %s, %s, %s)",
                [alice.pk, candidate.pk, 1.0, 2, timezone.now()],
            )
    finally:
        _migrate(AFTER)
    row = Suggestion.objects.get(user=alice, candidate=candidate)
    assert (row.mutual_count, row.face_1_id, row.face_2_id) == (2, None, None)
    SuggestionState.objects.create(user=alice, computed_at=timezone.now())
    (card,) = served.suggestions_for(alice)
    assert card.mutual_count == 2 and card.mutuals == []
    suggestions.refresh_member(alice.pk)
    (card,) = served.suggestions_for(alice)
    assert [face.id for face in card.mutuals] == [f.pk for f in friends]
