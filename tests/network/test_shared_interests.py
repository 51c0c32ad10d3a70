"""Members who share an interest: ranking, visibility, blocks, pages and API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from guanxi.accounts.models import ProfileTag
from guanxi.accounts.services import access_token_create
from guanxi.accounts.visibility import Visibility
from guanxi.network import services
from guanxi.network.models import Connection
from guanxi.network.suggestions import shared_interests
from tests.factories import make_member
from tests.network.suggestion_helpers import link, members, tag

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(alice):
    """alice likes #Edtech and the rare #Guqin. Around her, all showing #edtech:

    near (1st degree), second (2nd, via near), third (3rd, via second), rare (a
    stranger who also plays the guqin), plain (a stranger with #edtech only).
    """
    tag(alice, "Edtech")
    tag(alice, "Guqin")
    near, second, third, rare, plain = (
        make_member(h) for h in ("near", "second", "third", "rare", "plain")
    )
    link(alice, near)
    link(near, second)
    link(second, third)
    for person in (near, second, third, rare, plain):
        tag(person, "edtech")
    tag(rare, "guqin")
    return {"near": near, "second": second, "third": third, "rare": rare, "plain": plain}


def _ids(page) -> list[int]:
    return [item.member.id for item in page.object_list]


def test_tag_members_ranked_by_closeness_and_what_they_share(alice, town):
    edtech = shared_interests.find_tag("EDTECH")
    page = shared_interests.members_sharing_tag(alice, edtech)
    t = town
    # 1st degree, 2nd degree, the stranger who also shares the rare #guqin, then those
    # sharing only #edtech by name (the 3rd degree is shown, not ranked on).
    assert _ids(page) == [t["near"].pk, t["second"].pk, t["rare"].pk, t["plain"].pk, t["third"].pk]
    degrees = {item.member.id: item.degree for item in page.object_list}
    assert degrees == {
        t["near"].pk: 1,
        t["second"].pk: 2,
        t["third"].pk: 3,
        t["rare"].pk: None,
        t["plain"].pk: None,
    }
    shared = {item.member.id: item.shared for item in page.object_list}
    assert shared[t["rare"].pk] == ["Edtech", "Guqin"]
    assert shared[t["plain"].pk] == ["Edtech"]


def test_people_who_share_my_interests(alice, town):
    other = make_member("other")
    tag(other, "knitting")  # shares nothing: not listed
    page = shared_interests.members_sharing_my_tags(alice)
    t = town
    assert _ids(page) == [t["near"].pk, t["second"].pk, t["rare"].pk, t["plain"].pk, t["third"].pk]


def test_rare_tag_outweighs_a_common_one(alice):
    tag(alice, "Guqin")
    tag(alice, "Python", ProfileTag.Kind.SKILL)
    rare = make_member("rare")
    tag(rare, "guqin")
    crowd = members("crowd", 8)
    for person in crowd:
        tag(person, "python", ProfileTag.Kind.SKILL)
    page = shared_interests.members_sharing_my_tags(alice)
    assert _ids(page)[0] == rare.pk
    assert page.object_list[0].score > page.object_list[1].score


def test_hidden_sections_blocks_inactive_and_unlisted_never_show(alice, town):
    edtech = shared_interests.find_tag("edtech")
    t = town
    hidden = make_member("hidden", vis_interests=Visibility.CONNECTIONS)
    tag(hidden, "edtech")
    friend_only = make_member("friendonly", vis_interests=Visibility.CONNECTIONS)
    tag(friend_only, "edtech")
    link(alice, friend_only)  # a connection sees a connections-only section
    secret = make_member("secret", vis_interests=Visibility.ONLY_ME)
    tag(secret, "edtech")
    link(alice, secret)
    skill_only = make_member("skillonly", vis_skills=Visibility.CONNECTIONS)
    tag(skill_only, "edtech", ProfileTag.Kind.SKILL)
    unlisted = make_member("unlisted", listed=False)
    tag(unlisted, "edtech")
    unlisted_friend = make_member("unlistedfriend", listed=False)
    tag(unlisted_friend, "edtech")
    link(alice, unlisted_friend)
    gone = make_member("gone")
    tag(gone, "edtech")
    gone.is_active = False
    gone.save()
    services.block(blocker=t["plain"], blocked_id=alice.pk)
    services.block(blocker=alice, blocked_id=t["rare"].pk)

    ids = set(_ids(shared_interests.members_sharing_tag(alice, edtech)))
    assert friend_only.pk in ids and unlisted_friend.pk in ids
    for never in (hidden, secret, skill_only, unlisted, gone, t["plain"], t["rare"], alice):
        assert never.pk not in ids
    mine = set(_ids(shared_interests.members_sharing_my_tags(alice)))
    assert mine == ids
    # Seen from the blocked side too.
    assert alice.pk not in _ids(shared_interests.members_sharing_tag(t["plain"], edtech))


def test_hidden_tag_never_shows_as_shared(alice, town):
    # rare shows #edtech, but hides the interests section after all: nothing shows.
    rare = town["rare"]
    rare.profile.vis_interests = Visibility.ONLY_ME
    rare.profile.save()
    tag(rare, "guqin", ProfileTag.Kind.SKILL)  # the same tag shown as a skill still counts
    page = shared_interests.members_sharing_my_tags(alice)
    item = next(i for i in page.object_list if i.member.id == rare.pk)
    assert item.shared == ["Guqin"]


def test_pagination(alice):
    tag(alice, "Edtech")
    for person in members("fan", shared_interests.PER_PAGE + 5):
        tag(person, "edtech")
    first = shared_interests.members_sharing_my_tags(alice, page=1)
    second = shared_interests.members_sharing_my_tags(alice, page=2)
    assert len(first.object_list) == shared_interests.PER_PAGE
    assert len(second.object_list) == 5
    assert not set(_ids(first)) & set(_ids(second))
    assert shared_interests.members_sharing_my_tags(alice, page="x").number == 1


def test_viewer_with_a_huge_second_degree(alice, town, monkeypatch):
    # Beyond the budget the 2nd degree is not ranked on, but still shown on the page.
    monkeypatch.setattr(shared_interests, "SECOND_DEGREE_READ_MAX", 0)
    page = shared_interests.members_sharing_tag(alice, shared_interests.find_tag("edtech"))
    degrees = {item.member.id: item.degree for item in page.object_list}
    assert degrees[town["near"].pk] == 1 and degrees[town["second"].pk] == 2
    assert degrees[town["third"].pk] is None
    assert _ids(page)[:2] == [town["near"].pk, town["rare"].pk]


def test_a_capped_pool_keeps_the_best_and_says_at_least(alice, monkeypatch):
    """When the viewer's tags have more holders than the reading budget, the rarest
    tags' holders and the viewer's close members are read, the strangers who share only
    a common tag are left out, and the count is a floor."""
    from django.core.cache import cache

    tag(alice, "Guqin")
    tag(alice, "Edtech")
    friend, second, rare = (make_member(h) for h in ("friend", "second", "rare"))
    link(alice, friend)
    link(friend, second)
    crowd = members("crowd", 6)
    for person in (friend, second, rare, *crowd):
        tag(person, "edtech")
    tag(rare, "guqin")
    whole = shared_interests.members_sharing_my_tags(alice)
    assert _ids(whole)[:3] == [friend.pk, second.pk, rare.pk]
    assert set(_ids(whole)[3:]) == {p.pk for p in crowd}
    assert whole.count_is == "exact" and whole.paginator.count == 9

    # Budget for the rarest (kind, tag) holders only: nobody shows #guqin or #edtech as a
    # skill, two members show #guqin as an interest; #edtech's ten are not read.
    allot = shared_interests._allotment
    monkeypatch.setattr(shared_interests, "HOLDERS_READ_MAX", 2 * allot(0) + allot(2))
    cache.clear()
    capped = shared_interests.members_sharing_my_tags(alice)
    assert _ids(capped) == [friend.pk, second.pk, rare.pk]
    assert capped.count_is == "at_least" and capped.paginator.count == 3
    assert [item.degree for item in capped.object_list] == [1, 2, None]


def test_query_count_does_not_grow_with_the_degree(alice, bob, django_assert_max_num_queries):
    """A viewer with more connections than the 2nd degree is read for, and one with a
    single connection, cost the same bounded number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanxi.accounts.models import Profile, User

    for viewer in (alice, bob):
        tag(viewer, "Edtech")
    friend = make_member("friend")
    link(bob, friend)
    tag(friend, "edtech")
    users = User.objects.bulk_create(
        User(username=f"crowd{n}", email=f"crowd{n}@example.com")
        for n in range(shared_interests.FIRST_READ_MAX + 50)
    )
    Profile.objects.bulk_create(
        Profile(user_id=u.pk, display_name=f"Crowd {u.pk}", name_key=f"crowd {u.pk}") for u in users
    )
    Connection.objects.bulk_create(
        Connection(user_low_id=alice.pk, user_high_id=u.pk) for u in users
    )
    for u in users[:30]:
        tag(u, "edtech")
    with CaptureQueriesContext(connection) as few:
        small = shared_interests.members_sharing_my_tags(bob)
    with django_assert_max_num_queries(len(few)):
        big = shared_interests.members_sharing_my_tags(alice)
    assert _ids(small)[0] == friend.pk
    assert all(item.degree == 1 for item in big.object_list[:20])
    assert len(few) <= 10


# --- Pages --------------------------------------------------------------------------


def test_tag_page_by_key_or_name(alice, town, login):
    client = login(alice)
    for text in ("edtech", "EdTech", "  EDTECH "):
        response = client.get(reverse("network_tag_members", kwargs={"tag": text}))
        assert response.status_code == 200
        html = response.content.decode()
        assert town["near"].profile.display_name in html
        assert "You and 5 other members show #Edtech" in html
    assert client.get(reverse("network_tag_members", kwargs={"tag": "nope"})).status_code == 404


def _tag_count_sentence(client, name: str) -> str:
    html = client.get(reverse("network_tag_members", kwargs={"tag": name})).content.decode()
    sentence = html.split('class="muted tag-count">', 1)[1].split("</p>", 1)[0]
    return " ".join(sentence.split())


def test_tag_page_counts_read_right_for_zero_one_and_the_viewer(alice, bob, login):
    tag(alice, "Guqin")
    client = login(alice)
    assert _tag_count_sentence(client, "guqin") == (
        "So far you are the only member showing #Guqin."
    )
    assert (
        "Nobody else shows #Guqin to you yet."
        in client.get(reverse("network_tag_members", kwargs={"tag": "guqin"})).content.decode()
    )
    tag(bob, "guqin")
    assert _tag_count_sentence(client, "guqin") == (
        "You and 1 other member show #Guqin as a skill or an interest."
    )
    carol = make_member("carol_plays")
    tag(carol, "guqin")
    assert _tag_count_sentence(client, "guqin") == (
        "You and 2 other members show #Guqin as a skill or an interest."
    )
    # A viewer who does not show the tag is counted out of the sentence.
    stranger = login(make_member("stranger_x"))
    assert _tag_count_sentence(stranger, "guqin") == (
        "3 members show #Guqin as a skill or an interest."
    )
    ProfileTag.objects.filter(profile__user__in=[alice, bob]).delete()
    assert _tag_count_sentence(stranger, "guqin") == (
        "1 member shows #Guqin as a skill or an interest."
    )
    ProfileTag.objects.filter(profile__user=carol).delete()
    page = stranger.get(reverse("network_tag_members", kwargs={"tag": "guqin"}))
    assert _tag_count_sentence(stranger, "guqin") == ""
    assert "Nobody shows #Guqin to you yet." in page.content.decode()
    assert "0 members" not in page.content.decode()


def test_tag_with_a_slash(alice, login):
    tag(alice, "CI/CD", ProfileTag.Kind.SKILL)
    devops = make_member("devops")
    tag(devops, "ci/cd", ProfileTag.Kind.SKILL)
    response = login(alice).get(reverse("network_tag_members", kwargs={"tag": "CI/CD"}))
    assert response.status_code == 200
    assert devops.profile.display_name in response.content.decode()


def test_shared_page(alice, town, login):
    response = login(alice).get(reverse("network_shared"))
    html = response.content.decode()
    assert response.status_code == 200
    assert town["rare"].profile.display_name in html
    assert reverse("network_tag_members", kwargs={"tag": "guqin"}) in html


def test_shared_page_without_tags_explains(bob, login):
    response = login(bob).get(reverse("network_shared"))
    assert "Add your skills and interests" in response.content.decode()


def test_query_counts_are_flat(alice, login, django_assert_max_num_queries):
    client = login(alice)
    tag(alice, "Edtech")
    friend = make_member("friend")
    link(alice, friend)
    few = members("few", 2)
    for person in few:
        tag(person, "edtech")
    client.get(reverse("network_shared"))
    # The ranking, then the page's member cards (accounts.member_cards: profiles, skills).
    with django_assert_max_num_queries(14):
        client.get(reverse("network_shared"))
    with django_assert_max_num_queries(14):
        client.get(reverse("network_tag_members", kwargs={"tag": "edtech"}))
    for i, person in enumerate(members("many", 30)):
        tag(person, "edtech")
        tag(person, f"other{i}")
        if i % 2:
            Connection.objects.create(
                user_low_id=min(friend.pk, person.pk), user_high_id=max(friend.pk, person.pk)
            )
    with django_assert_max_num_queries(14):
        big = client.get(reverse("network_shared"))
    with django_assert_max_num_queries(14):
        client.get(reverse("network_tag_members", kwargs={"tag": "edtech"}))
    assert big.content.decode().count("person-card") == shared_interests.PER_PAGE


# --- API ----------------------------------------------------------------------------


def _api(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs=kwargs or None)


def _bearer(user) -> dict:
    _token, secret = access_token_create(user=user, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_api_tag_members(alice, town, client):
    response = client.get(_api("network_tag_members_list", tag="EdTech"), **_bearer(alice))
    assert response.status_code == 200
    body = response.json()
    assert body["tag"]["key"] == "edtech"
    assert [item["member"]["id"] for item in body["items"]][:2] == [
        town["near"].pk,
        town["second"].pk,
    ]
    assert body["items"][0]["degree"] == 1 and body["items"][0]["shared"] == ["Edtech"]
    assert (body["count"], body["count_is"], body["next"]) == (5, "exact", None)


def test_api_errors(alice, town, client):
    headers = _bearer(alice)
    unknown = client.get(_api("network_tag_members_list", tag="nope"), **headers)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"
    beyond = client.get(_api("network_tag_members_list", tag="edtech"), {"page": 9}, **headers)
    assert beyond.status_code == 422 and "The last page is 1." in str(beyond.json())
    beyond = client.get(_api("network_tag_members_list", tag="edtech"), {"cursor": "9"}, **headers)
    assert beyond.status_code == 422
    bad = client.get(_api("network_shared_list"), {"cursor": "x"}, **headers)
    assert bad.status_code == 422 and "cursor" in bad.json()["error"]["fields"]
    bad = client.get(_api("network_shared_list"), {"page": 0}, **headers)
    assert bad.status_code == 422 and "page" in bad.json()["error"]["fields"]
    bad = client.get(_api("network_shared_list"), {"page": "x"}, **headers)
    assert bad.status_code == 422
    assert client.get(_api("network_shared_list")).status_code == 401


def test_api_shared(alice, town, client):
    response = client.get(_api("network_shared_list"), **_bearer(alice))
    assert response.status_code == 200
    ids = [item["member"]["id"] for item in response.json()["items"]]
    assert ids[0] == town["near"].pk and len(ids) == 5


def test_api_tag_with_a_slash(alice, client):
    tag(alice, "CI/CD", ProfileTag.Kind.SKILL)
    devops = make_member("devops")
    tag(devops, "ci/cd", ProfileTag.Kind.SKILL)
    response = client.get(_api("network_tag_members_list", tag="CI/CD"), **_bearer(alice))
    assert response.status_code == 200
    assert [item["member"]["id"] for item in response.json()["items"]] == [devops.pk]
