"""People you may know on small hand-built graphs where the right answer is known."""

from __future__ import annotations

import pytest
from django.utils import timezone

from guanxi.accounts.models import OpenTo, ProfileTag
from guanxi.accounts.visibility import Visibility
from guanxi.core.errors import Invalid, NotFound
from guanxi.network import services
from guanxi.network.models import (
    ConnectionRequest,
    Dismissal,
    Suggestion,
    SuggestionRecompute,
    SuggestionState,
)
from guanxi.network.suggestions import selectors as served
from guanxi.network.suggestions import services as suggestions
from guanxi.network.suggestions.rank import Params, rank
from guanxi.network.suggestions.recompute import recompute_all
from guanxi.network.suggestions.sources import SqlGraph
from tests.concurrency import run_together
from tests.factories import make_member
from tests.network.suggestion_helpers import link, members, school, tag

pytestmark = pytest.mark.django_db


def ranked_ids(user) -> list[int]:
    return [r.user_id for r in served.live_suggestions(user.pk)]


def served_ids(user) -> list[int]:
    return [card.member.id for card in served.suggestions_for(user)]


@pytest.fixture
def graph(alice):
    """alice knows f1, f2, f3 and the hub; the hub knows 30 more people.

    - two: knows f1 and f2 (two mutual connections, both with few connections)
    - quiet: knows f3 (one mutual connection with only two connections)
    - via_hub: knows the hub (one mutual connection with 32 connections)
    """
    f1, f2, f3, hub = (make_member(h) for h in ("fone", "ftwo", "fthree", "hubby"))
    two, quiet, via_hub = (make_member(h) for h in ("two", "quiet", "viahub"))
    crowd = members("crowd", 30)
    for friend in (f1, f2, f3, hub):
        link(alice, friend)
    link(two, f1)
    link(two, f2)
    link(quiet, f3)
    link(via_hub, hub)
    for person in crowd:
        link(hub, person)
    return {"f1": f1, "f2": f2, "f3": f3, "hub": hub, "two": two, "quiet": quiet,
            "via_hub": via_hub, "crowd": crowd}  # fmt: skip


def test_ranking_order_and_hubs_count_less(alice, graph):
    ids = ranked_ids(alice)
    # Two mutual connections first; one through a quiet member next; the hub's
    # friends (one mutual each, but the hub knows 32 people) after them.
    assert ids[:2] == [graph["two"].pk, graph["quiet"].pk]
    hub_friends = {graph["via_hub"].pk, *(p.pk for p in graph["crowd"])}
    assert set(ids[2:]) <= hub_friends and len(ids) == 2 + min(len(hub_friends), 28)
    # Never self, never a connection.
    assert alice.pk not in ids
    assert not {graph[k].pk for k in ("f1", "f2", "f3", "hub")} & set(ids)


def test_reasons_are_written_out(alice, graph):
    tag(alice, "EdTech")
    tag(graph["two"], "edtech")
    school(alice, "Fudan University")
    school(graph["two"], "Fudan University")
    suggestions.refresh_member(alice.pk)
    card = served.suggestions_for(alice)[0]
    assert card.member.id == graph["two"].pk
    assert card.mutual_count == 2
    assert card.reasons == [
        "2 mutual connections",
        "both studied at Fudan University",
        "both interested in #EdTech",
    ]


def test_rare_shared_tag_beats_common_one(alice):
    tag(alice, "Guqin")  # rare: one other member
    tag(alice, "Python", ProfileTag.Kind.SKILL)  # common: many members
    rare = make_member("rare")
    tag(rare, "guqin")
    common = members("pythonista", 8)
    for person in common:
        tag(person, "python", ProfileTag.Kind.SKILL)
    ids = ranked_ids(alice)
    assert ids[0] == rare.pk
    assert set(ids[1:]) == {p.pk for p in common}
    scores = {r.user_id: r.score for r in served.live_suggestions(alice.pk)}
    assert scores[rare.pk] > scores[common[0].pk] > 0


def test_complementary_open_to_counts(alice):
    alice.profile.open_to = OpenTo.HIRING
    alice.profile.save()
    tag(alice, "Fintech")
    seeker = make_member("seeker", open_to=OpenTo.NEW_JOB)
    other = make_member("other", open_to=OpenTo.SPEAKING)
    for person in (other, seeker):
        tag(person, "fintech")
    assert ranked_ids(alice) == [seeker.pk, other.pk]
    suggestions.refresh_member(alice.pk)
    card = served.suggestions_for(alice)[0]
    assert "one is hiring, the other is looking" in card.reasons


def test_colleague_beats_classmate(alice):
    # alice works at Fudan Ventures (fixture): a colleague outranks a classmate.
    colleague = make_member("colleague", company="Fudan Ventures", company_key="fudan ventures")
    classmate = make_member("classmate")
    school(alice, "Tongji")
    school(classmate, "Tongji")
    assert ranked_ids(alice) == [colleague.pk, classmate.pk]


def test_same_city_adds_to_a_shared_tag(alice):
    tag(alice, "Design")
    # Same tag for both; only one lives in alice's city (Shanghai). The city alone
    # brings nobody in: a third member there with nothing else in common is left out.
    neighbour = make_member("neighbour", city="Shanghai", city_key="shanghai")
    far = make_member("faraway", city="Lhasa", city_key="lhasa")
    make_member("stranger", city="Shanghai", city_key="shanghai")
    for person in (far, neighbour):
        tag(person, "design")
    assert ranked_ids(alice) == [neighbour.pk, far.pk]


def test_hidden_section_never_produces_a_reason(alice, graph):
    tag(alice, "Edtech")
    tag(graph["two"], "edtech")
    secret = make_member("secret", vis_interests=Visibility.CONNECTIONS)
    tag(secret, "edtech")
    graph["two"].profile.vis_interests = Visibility.ONLY_ME
    graph["two"].profile.save()
    assert secret.pk not in ranked_ids(alice)  # the hidden interest was its only tie
    suggestions.refresh_member(alice.pk)
    card = next(c for c in served.suggestions_for(alice) if c.member.id == graph["two"].pk)
    assert card.reasons == ["2 mutual connections"]


def test_reasons_follow_a_section_hidden_after_computing(alice, graph):
    tag(alice, "Edtech")
    tag(graph["two"], "edtech")
    suggestions.refresh_member(alice.pk)
    graph["two"].profile.vis_interests = Visibility.ONLY_ME
    graph["two"].profile.save()
    card = served.suggestions_for(alice)[0]
    assert card.member.id == graph["two"].pk and card.reasons == ["2 mutual connections"]


def test_dismissed_stays_dismissed(alice, graph):
    suggestions.refresh_member(alice.pk)
    two = graph["two"]
    assert suggestions.dismiss_suggestion(user=alice, candidate_id=two.pk) is True
    assert suggestions.dismiss_suggestion(user=alice, candidate_id=two.pk) is False
    assert two.pk not in served_ids(alice)
    suggestions.refresh_member(alice.pk)
    assert two.pk not in served_ids(alice)
    assert two.pk not in ranked_ids(alice)
    recompute_all()
    assert not Suggestion.objects.filter(user=alice, candidate=two).exists()
    # Only for alice: two still sees alice.
    assert alice.pk in ranked_ids(two)


def test_dismiss_rules(alice, bob):
    with pytest.raises(Invalid):
        suggestions.dismiss_suggestion(user=alice, candidate_id=alice.pk)
    with pytest.raises(NotFound):
        suggestions.dismiss_suggestion(user=alice, candidate_id=999_999)
    services.block(blocker=bob, blocked_id=alice.pk)
    with pytest.raises(NotFound):
        suggestions.dismiss_suggestion(user=alice, candidate_id=bob.pk)
    assert not Dismissal.objects.exists()


@pytest.mark.parametrize("who_blocks", ["alice", "two"])
def test_blocked_never_appears_either_way(alice, graph, who_blocks):
    two = graph["two"]
    suggestions.refresh_member(alice.pk)
    suggestions.refresh_member(two.pk)
    assert two.pk in served_ids(alice) and alice.pk in served_ids(two)
    blocker, blocked = (alice, two) if who_blocks == "alice" else (two, alice)
    services.block(blocker=blocker, blocked_id=blocked.pk)
    assert not Suggestion.objects.filter(user=alice, candidate=two).exists()
    assert not Suggestion.objects.filter(user=two, candidate=alice).exists()
    for user, other in ((alice, two), (two, alice)):
        assert other.pk not in served_ids(user)
        assert other.pk not in ranked_ids(user)
        suggestions.refresh_member(user.pk)
        assert other.pk not in served_ids(user)


def test_block_after_computing_is_filtered_when_served(alice, graph):
    """Even rows written before the block (e.g. by a recompute racing it) never show."""
    two = graph["two"]
    suggestions.refresh_member(alice.pk)
    services.block(blocker=two, blocked_id=alice.pk)
    suggestions.store_suggestions(
        alice.pk,
        rank(alice.pk, SqlGraph()),  # graph only
    )
    assert Suggestion.objects.filter(user=alice, candidate=two).exists()
    assert two.pk not in served_ids(alice)


def test_connected_and_pending_are_excluded(alice, graph):
    two, quiet = graph["two"], graph["quiet"]
    suggestions.refresh_member(alice.pk)
    services.connection_request_send(sender=quiet, recipient_id=alice.pk)
    link(alice, two)
    # Filtered when served, before any refresh...
    assert not {two.pk, quiet.pk} & set(served_ids(alice))
    # ...and left out of the ranking.
    assert not {two.pk, quiet.pk} & set(ranked_ids(alice))
    request = ConnectionRequest.objects.get()
    services.connection_request_ignore(user=alice, request_id=request.pk)
    assert quiet.pk not in ranked_ids(alice)  # still pending for the sender


def test_inactive_members_never_appear(alice, graph):
    two = graph["two"]
    suggestions.refresh_member(alice.pk)
    two.is_active = False
    two.save()
    assert two.pk not in served_ids(alice)
    assert two.pk not in ranked_ids(alice)


def test_unlisted_members_only_through_people_they_know(alice, graph):
    tag(alice, "Guqin")
    hermit = make_member("hermit", listed=False)
    tag(hermit, "guqin")
    graph["two"].profile.listed = False
    graph["two"].profile.save()
    ids = ranked_ids(alice)
    assert hermit.pk not in ids
    assert graph["two"].pk in ids


def test_new_connection_refreshes_through_the_hook(
    alice, graph, django_capture_on_commit_callbacks
):
    recompute_all()
    newcomer = make_member("newcomer")
    their_friend = make_member("theirfriend")
    link(newcomer, their_friend)
    state = SuggestionState.objects.get(user=graph["f1"])
    assert not state.stale
    assert their_friend.pk not in served_ids(alice)
    with django_capture_on_commit_callbacks(execute=True):
        request = services.connection_request_send(sender=newcomer, recipient_id=alice.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_request_accept(user=alice, request_id=request.request.pk)
    # alice was refreshed at once: the newcomer's friend is suggested, the newcomer not.
    shown = served_ids(alice)
    assert their_friend.pk in shown and newcomer.pk not in shown
    assert Suggestion.objects.filter(user=alice, candidate=their_friend).exists()
    # alice's connections were marked stale; shown, they refresh behind the scenes.
    state.refresh_from_db()
    assert state.stale
    with django_capture_on_commit_callbacks(execute=True):
        served.suggestions_for(graph["f1"])
    state.refresh_from_db()
    assert not state.stale
    assert Suggestion.objects.filter(user=graph["f1"], candidate=newcomer).exists()


def test_removing_a_connection_refreshes(alice, graph, django_capture_on_commit_callbacks):
    suggestions.refresh_member(alice.pk)
    assert graph["quiet"].pk in served_ids(alice)
    before = SuggestionState.objects.get(user=alice).computed_at
    with django_capture_on_commit_callbacks(execute=True):
        services.connection_remove(user=alice, other_id=graph["f3"].pk)
    # quiet was suggested through f3 only: gone at once, as stored, not just filtered.
    assert SuggestionState.objects.get(user=alice).computed_at > before
    assert not Suggestion.objects.filter(user=alice, candidate=graph["quiet"]).exists()
    assert graph["quiet"].pk not in served_ids(alice)


def test_member_without_rows_gets_live_results_and_rows_are_stored(
    alice, graph, django_capture_on_commit_callbacks
):
    assert not SuggestionState.objects.filter(user=alice).exists()
    with django_capture_on_commit_callbacks(execute=True):
        cards = served.suggestions_for(alice)
    assert cards[0].member.id == graph["two"].pk and cards[0].reasons == ["2 mutual connections"]
    assert SuggestionState.objects.filter(user=alice).exists()
    assert Suggestion.objects.filter(user=alice).count() == len(ranked_ids(alice))


def test_live_and_recompute_agree_below_the_caps(alice, graph):
    tag(alice, "Edtech")
    for person in graph["crowd"][:5]:
        tag(person, "edtech")
    report = recompute_all()
    assert report.computed == 38 and not report.resumed
    for user in (alice, graph["two"], graph["hub"], graph["crowd"][0]):
        stored = list(
            Suggestion.objects.filter(user=user)
            .order_by("-score", "candidate_id")
            .values_list("candidate_id", "mutual_count", "face_1", "face_2")
        )
        live = [(r.user_id, r.mutual_count, *r.face_ids) for r in served.live_suggestions(user.pk)]
        assert stored == live


def test_sampling_caps_keep_hub_expansion_bounded(alice, graph):
    params = Params(neighbour_sample=2, expand_cap=3, walk_budget=None, shortlist=5)
    ranked = served.live_suggestions(alice.pk, params=params)
    assert 0 < len(ranked) <= 5
    # Mutual counts are exact even when the expansion was sampled.
    counts = {r.user_id: r.mutual_count for r in ranked}
    if graph["two"].pk in counts:
        assert counts[graph["two"].pk] == 2


def test_a_small_walk_budget_keeps_the_counts_exact(alice, graph):
    # Four reads in all: the hub's list is cut, mutual counts are still exact.
    ranked = served.live_suggestions(alice.pk, params=Params(walk_budget=4, shortlist=5))
    assert 0 < len(ranked) <= 5
    counts = {r.user_id: r.mutual_count for r in ranked}
    if graph["two"].pk in counts:
        assert counts[graph["two"].pk] == 2


def test_recompute_resumes_an_interrupted_run(alice, graph):
    first = recompute_all(batch_size=10)
    total = first.computed
    run = SuggestionRecompute.objects.get()
    assert run.finished_at is not None
    # Simulate an interruption: an unfinished run, some members already done by it.
    SuggestionRecompute.objects.filter(pk=run.pk).update(finished_at=None)
    SuggestionState.objects.filter(user__in=[alice, graph["two"]]).update(
        computed_at=run.started_at.replace(year=2000)
    )
    resumed = recompute_all(batch_size=10)
    assert resumed.resumed and resumed.run_id == run.pk
    assert resumed.computed == 2 and resumed.skipped == total - 2
    fresh = recompute_all(restart=True)
    assert not fresh.resumed and fresh.computed == total


def test_recompute_in_two_processes_matches_one(alice, graph, transactional_db):
    recompute_all(processes=1, batch_size=8)
    columns = ("user_id", "candidate_id", "mutual_count", "face_1", "face_2")
    one = set(Suggestion.objects.values_list(*columns))
    Suggestion.objects.all().delete()
    SuggestionState.objects.all().delete()
    recompute_all(processes=2, batch_size=8, restart=True)
    two = set(Suggestion.objects.values_list(*columns))
    assert one == two and one


@pytest.mark.django_db(transaction=True)
def test_concurrent_refreshes_of_one_member_leave_one_list():
    me, a, b, c = (make_member(h) for h in ("meme", "aaa", "bbb", "ccc"))
    link(me, a)
    link(a, b)
    link(a, c)
    results = run_together([lambda: suggestions.refresh_member(me.pk)] * 4)
    assert results == [2, 2, 2, 2]
    assert sorted(Suggestion.objects.filter(user=me).values_list("candidate_id", flat=True)) == [
        b.pk,
        c.pk,
    ]
    assert SuggestionState.objects.filter(user=me).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_dismissals_record_one():
    me, other = make_member("meme"), make_member("other")
    results = run_together(
        [lambda: suggestions.dismiss_suggestion(user=me, candidate_id=other.pk)] * 4
    )
    assert sorted(results) == [False, False, False, True]
    assert Dismissal.objects.count() == 1


def test_recompute_command(alice, graph):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("recompute_suggestions", "--processes", "1", stdout=out)
    assert "Suggestions recomputed for 38 members (0 skipped)" in out.getvalue()
    assert Suggestion.objects.filter(user=alice, candidate=graph["two"]).exists()
    out = StringIO()
    call_command("recompute_suggestions", "--processes", "1", stdout=out)
    assert "for 38 members" in out.getvalue()  # a finished run: the next one starts over
    with pytest.raises(CommandError):
        call_command("recompute_suggestions", "--processes", "0")


def test_recompute_chooses_the_scoring_and_live_rankings_use_it(alice, graph):
    from guanxi.network.suggestions.calibration import choose_scoring
    from guanxi.network.suggestions.rank import CIRCLES, DEFAULT_PARAMS, SCORINGS
    from guanxi.network.suggestions.recompute import MemoryGraph, community_scoring

    assert community_scoring() == DEFAULT_PARAMS.scoring  # no recompute yet
    report = recompute_all()
    expected = choose_scoring(MemoryGraph.from_database())[0]
    assert report.scoring == expected.name
    assert SuggestionRecompute.objects.get().scoring == expected.name
    assert community_scoring() == expected
    # An unfinished run's choice is not used; the latest finished one is.
    SuggestionRecompute.objects.create(started_at=timezone.now(), scoring="circles")
    assert community_scoring() == expected
    SuggestionRecompute.objects.filter(scoring="circles").update(finished_at=timezone.now())
    assert community_scoring() == CIRCLES == SCORINGS["circles"]


def test_circles_count_mutual_connections_who_know_each_other_live_and_in_memory(alice, graph):
    from guanxi.network.suggestions.rank import CIRCLES, RESOURCE_ALLOCATION, rank
    from guanxi.network.suggestions.recompute import MemoryGraph
    from guanxi.network.suggestions.sources import SqlGraph

    link(graph["f1"], graph["f2"])  # two's mutual connections know each other
    params = Params(scoring=CIRCLES)
    live = rank(alice.pk, SqlGraph(), params=params)
    memory = rank(alice.pk, MemoryGraph.from_database(), params=params)
    assert [(r.user_id, round(r.score, 9)) for r in live] == [
        (r.user_id, round(r.score, 9)) for r in memory
    ]
    two = next(r for r in live if r.user_id == graph["two"].pk)
    # f1 and f2 have three connections each (alice, two, each other): RA alone would
    # give 2 × scale/3; each also knows the other mutual connection, adding a third.
    plain = next(
        r
        for r in rank(alice.pk, SqlGraph(), params=Params(scoring=RESOURCE_ALLOCATION))
        if r.user_id == graph["two"].pk
    )
    assert plain.graph_score == pytest.approx(2 * RESOURCE_ALLOCATION.scale / 3)
    assert two.graph_score == pytest.approx(2 * CIRCLES.scale / 3 * (1 + CIRCLES.cluster))
