"""accounts.selectors.member_cards: one card for every list of people."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from guanxi.accounts.models import OpenTo, Profile
from guanxi.accounts.selectors import (
    SKILLS_ON_CARD,
    member_cards,
    member_cards_of,
    photo_url_maker,
)
from guanxi.accounts.visibility import Visibility
from guanxi.network.services import block, connect_members
from tests.factories import fill_profile, make_member


def _member(handle: str, **visibility) -> int:
    user = make_member(handle, display_name=f"{handle.capitalize()} Tester")
    fill_profile(
        user,
        city="Hangzhou",
        company="West Lake Labs",
        position="Engineer",
        skills=["Go", "Rust", "SQL", "Python", "Django"],
        open_to=[OpenTo.HIRING],
        visibility=visibility,
    )
    return user.pk


@pytest.mark.parametrize("size", [1, 5, 40])
def test_a_fixed_number_of_queries_for_any_number_of_members(
    size, alice, carol, django_assert_num_queries
):
    ids = [_member(f"m{size}x{i}") for i in range(size)]
    connect_members(a=alice, b=carol)
    # The viewer's blocks, the profiles (with each one's connection to the viewer), skills.
    with django_assert_num_queries(3):
        cards = member_cards(viewer=alice, ids=ids)
    assert [card.id for card in cards] == ids
    assert all(len(card.skills) == SKILLS_ON_CARD for card in cards)
    # A visitor has no blocks, and sees no skills here (they are for members).
    with django_assert_num_queries(1):
        assert len(member_cards(viewer=AnonymousUser(), ids=ids)) == size


def test_cards_keep_the_order_and_leave_out_unknown_inactive_and_blocked(alice, bob, carol, dave):
    dave.is_active = False
    dave.save()
    block(blocker=carol, blocked_id=alice.pk)  # carol blocked alice: hidden from alice
    cards = member_cards(viewer=alice, ids=[carol.pk, bob.pk, 999_999, dave.pk, bob.pk, alice.pk])
    assert [card.handle for card in cards] == ["bob", "alice"]
    kept = member_cards(viewer=alice, ids=[carol.pk], keep_blocked=True)
    assert [card.handle for card in kept] == ["carol"]
    assert member_cards(viewer=alice, ids=[]) == []


def test_sections_follow_the_rule(alice, bob, carol):
    friend = _member("friend", location=Visibility.CONNECTIONS, work=Visibility.ONLY_ME)
    connect_members(a=carol, b=Profile.objects.get(pk=friend).user)
    for viewer, city in ((AnonymousUser(), ""), (bob, ""), (carol, "Hangzhou")):
        (card,) = member_cards(viewer=viewer, ids=[friend])
        assert card.city == city and card.company == "" and card.position == ""
        assert card.skills == (["Go", "Rust", "SQL", "Python"] if viewer.is_authenticated else [])
    (own,) = member_cards(viewer=Profile.objects.get(pk=friend).user, ids=[friend])
    assert (own.city, own.company, own.open_to) == ("Hangzhou", "West Lake Labs", [OpenTo.HIRING])


def test_basics_photo_and_initials(alice, bob):
    (card,) = member_cards(viewer=bob, ids=[alice.pk])
    assert (card.handle, card.url, card.display_name) == ("alice", "/@alice/", "Alice Chen")
    assert card.initials == "AC" and card.photo_url is None
    Profile.objects.filter(pk=alice.pk).update(photo="photos/1/abc.jpg")
    (card,) = member_cards(viewer=bob, ids=[alice.pk])
    assert card.photo_url == Profile.objects.get(pk=alice.pk).photo_url
    assert card.photo_url.endswith("/photos/1/abc.jpg")


def test_first_skill_comes_first(alice):
    pk = _member("sorter")
    (card,) = member_cards(viewer=alice, ids=[pk], first_skill="django")
    assert card.skills[0] == "Django"


def test_cards_by_ids_equal_the_cards_of_a_queryset(alice, bob, carol):
    """`member_cards` reads its rows in plain SQL, `member_cards_of` with the ORM: the
    same cards, for a connection, a member, the owner and a visitor."""
    ids = [
        _member("near", location=Visibility.CONNECTIONS, work=Visibility.CONNECTIONS),
        _member("far", skills=Visibility.CONNECTIONS, open_to=Visibility.ONLY_ME),
        alice.pk,
        bob.pk,
    ]
    Profile.objects.filter(pk=ids[1]).update(photo="photos/2/a b.jpg")
    connect_members(a=alice, b=Profile.objects.get(pk=ids[0]).user)
    for viewer in (alice, carol, Profile.objects.get(pk=ids[1]).user, AnonymousUser(), None):
        of = member_cards_of(Profile.objects.filter(pk__in=ids).order_by("pk"), viewer=viewer)
        assert member_cards(viewer=viewer, ids=sorted(ids)) == of
    (near,) = member_cards(viewer=alice, ids=[ids[0]])
    assert (near.city, near.company) == ("Hangzhou", "West Lake Labs")


@pytest.mark.parametrize(
    "name",
    [
        "photos/1/abc.jpg",
        "photos/1/a b+c%20d é 照片.jpg",
        "photos/1/#?&=;:@.jpg",
        "/photos/1/x.jpg",
        "photos//1/x.jpg",
        "photos/./1/x.jpg",
        "photos/../x.jpg",
        "photos/.hidden/x.jpg",
        "photos/1/x.jpg/",
    ],
)
@pytest.mark.parametrize("media_url", ["/media/", "https://cdn.example.com/m/"])
def test_photo_urls_are_the_storage_urls(name, media_url, settings):
    settings.MEDIA_URL = media_url
    storage = Profile._meta.get_field("photo").storage
    assert photo_url_maker()(name) == storage.url(name)
