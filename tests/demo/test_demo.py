"""`guanxi demo`: a believable, idempotent, deterministic demo community."""

from __future__ import annotations

import io

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command

from guanxi.accounts.models import Education, Experience, Profile, ProfileTag, Tag, User
from guanxi.core.markdown import render_markdown
from guanxi.demo.generator import member_spec
from guanxi.demo.seeding import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """What identifies the community: people, their words, tags and entries."""
    rows = []
    for profile in Profile.objects.select_related("user").order_by("user__username"):
        rows.append(
            (
                profile.user.username,
                profile.display_name,
                profile.headline,
                profile.city,
                profile.company,
                profile.open_to,
                tuple(
                    ProfileTag.objects.filter(profile=profile)
                    .order_by("kind", "position")
                    .values_list("kind", "tag__name")
                ),
                tuple(Experience.objects.filter(profile=profile).values_list("company", "title")),
                tuple(Education.objects.filter(profile=profile).values_list("school", "degree")),
            )
        )
    return rows


def test_builds_a_believable_marked_community():
    output = run_demo("--members", "40", "--seed", "7")
    assert "40 created" in output and DEMO_PASSWORD in output
    users = User.objects.filter(is_demo=True)
    assert users.count() == 40 == Profile.objects.filter(user__is_demo=True).count()
    user = users.order_by("pk").first()
    assert user.check_password(DEMO_PASSWORD)
    assert user.email == f"{user.username}@demo.guanxi.local"
    assert (
        EmailAddress.objects.filter(user__is_demo=True, verified=True, primary=True).count() == 40
    )
    profiles = list(Profile.objects.filter(user__is_demo=True))
    assert all(p.headline and p.city and p.company and p.name_key for p in profiles)
    assert all(p.city_key == p.city.casefold() for p in profiles)
    names = [p.display_name for p in profiles]
    assert any(not name.isascii() for name in names)  # Chinese names
    assert any(name.isascii() for name in names)  # and English ones
    assert any(p.photo for p in profiles) and any(not p.photo for p in profiles)
    assert any(p.open_to for p in profiles)
    assert len({p.vis_work for p in profiles}) > 1  # some variety in visibility
    assert ProfileTag.objects.filter(kind="skill").values("profile").distinct().count() == 40
    assert ProfileTag.objects.filter(kind="interest").exists()
    assert any(not name.isascii() for name in Tag.objects.values_list("name", flat=True))
    assert Experience.objects.count() >= 40 and Education.objects.count() >= 40
    assert all(e.school_key for e in Education.objects.all())
    # created_at follows the join date, so "newest" means something
    assert len({p.created_at.date() for p in profiles}) > 5


def test_running_twice_adds_nothing_and_a_larger_run_adds_the_rest():
    run_demo("--members", "30", "--seed", "7")
    before = snapshot()
    tags = ProfileTag.objects.count()
    assert "0 created, 30 already there" in run_demo("--members", "30", "--seed", "7")
    assert snapshot() == before and ProfileTag.objects.count() == tags
    run_demo("--members", "35", "--seed", "7")
    assert User.objects.filter(is_demo=True).count() == 35
    assert set(before) <= set(snapshot())


def test_the_same_seed_builds_the_same_people():
    run_demo("--members", "25", "--seed", "11")
    first = snapshot()
    run_demo("--members", "25", "--seed", "11", "--reset")
    assert snapshot() == first
    run_demo("--members", "25", "--seed", "12", "--reset")
    assert snapshot() != first


def test_another_seed_does_not_mix_into_an_existing_community():
    run_demo("--members", "10", "--seed", "1")
    before = snapshot()
    output = run_demo("--members", "10", "--seed", "2")
    assert "Nothing added" in output and "--reset" in output
    assert snapshot() == before


def test_reset_keeps_real_members(alice):
    run_demo("--members", "10", "--reset")
    run_demo("--members", "5", "--seed", "3", "--reset")
    assert User.objects.filter(is_demo=True).count() == 5
    assert User.objects.filter(username="alice", is_demo=False).exists()


def test_a_real_member_holding_a_demo_handle_is_skipped():
    taken = member_spec(5, 0).handle
    User.objects.create_user(username=taken, email="real@example.com", password="x" * 12)
    output = run_demo("--members", "3", "--seed", "5")
    assert "2 created" in output and "1 skipped" in output
    assert not User.objects.get(username=taken).is_demo


def test_rejects_a_silly_size():
    with pytest.raises(CommandError):
        run_demo("--members", "-1")


def test_default_size_is_300():
    run_demo()
    assert User.objects.filter(is_demo=True).count() == 300


def test_demo_members_show_in_the_directory_with_a_badge(client):
    run_demo("--members", "30", "--seed", "7")
    html = client.get("/members/").content.decode()
    listed = Profile.objects.filter(listed=True).count()
    assert "badge-demo" in html and f"{listed} members" in html


def test_prerendered_about_matches_the_markdown_renderer():
    """The seeder renders each about-template once; the result must equal rendering
    each member's text."""
    for index in range(400):
        spec = member_spec(3, index)
        assert spec.about_html == render_markdown(spec.about)
