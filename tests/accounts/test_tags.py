"""Skills and interests: free tags, normalised and matched case-insensitively."""

import pytest
from django.core.exceptions import ValidationError

from guanxi.accounts import selectors, services, tags
from guanxi.accounts.models import Profile, ProfileTag, Tag
from guanxi.core.errors import Invalid


def test_split_on_commas_chinese_commas_and_newlines():
    assert tags.split_tags("Python, Go，Rust\nSQL、数据分析\r\nDjango") == [
        "Python",
        " Go",
        "Rust",
        "SQL",
        "数据分析",
        "Django",
    ]


def test_trims_collapses_whitespace_and_dedupes_case_insensitively():
    names = tags.clean_tag_names(
        ["  Machine   Learning ", "machine learning", "MACHINE LEARNING", "", "   ", "Go"]
    )
    assert names == ["Machine Learning", "Go"]  # the first spelling wins


def test_chinese_tags_work():
    assert tags.clean_tag_names(["人工智能", " 人工智能 ", "数据 分析"]) == [
        "人工智能",
        "数据 分析",
    ]


def test_casefold_matches_beyond_ascii():
    assert tags.tag_key("Straße") == tags.tag_key("STRASSE")
    assert tags.clean_tag_names(["Straße", "strasse"]) == ["Straße"]


def test_at_most_thirty_tags():
    tags.clean_tag_names([f"tag{i}" for i in range(30)])
    with pytest.raises(ValidationError) as exc:
        tags.clean_tag_names([f"tag{i}" for i in range(31)])
    assert "30" in exc.value.messages[0]


def test_duplicates_do_not_count_towards_the_limit():
    assert len(tags.clean_tag_names([f"Tag{i % 30}" for i in range(60)])) == 30


def test_at_most_fifty_characters_each():
    assert tags.clean_tag_names(["x" * 50]) == ["x" * 50]
    with pytest.raises(ValidationError):
        tags.clean_tag_names(["x" * 51])
    # Counted after collapsing whitespace.
    assert tags.clean_tag_names(["a" + " " * 100 + "b"]) == ["a b"]


def test_non_text_entries_are_refused():
    with pytest.raises(ValidationError):
        tags.clean_tag_names(["ok", 5])  # type: ignore[list-item]


def test_languages_at_most_ten():
    assert tags.clean_languages(["English", "english", "普通话"]) == ["English", "普通话"]
    with pytest.raises(ValidationError):
        tags.clean_languages([f"Language {i}" for i in range(11)])
    with pytest.raises(ValidationError):
        tags.clean_languages(["x" * 41])


@pytest.mark.django_db
def test_members_share_one_tag_per_key_and_keep_the_first_spelling(alice, bob):
    services.profile_update(profile=alice.profile, skills=["Machine Learning", "人工智能"])
    services.profile_update(profile=bob.profile, skills=["machine   learning", "PYTHON"])
    assert Tag.objects.filter(key="machine learning").count() == 1
    assert Tag.objects.get(key="machine learning").name == "Machine Learning"
    bob_skills = selectors.profile_tag_names(profile=bob.profile)["skill"]
    assert bob_skills == ["Machine Learning", "PYTHON"]
    assert set(
        ProfileTag.objects.filter(tag__key="machine learning").values_list("profile", flat=True)
    ) == {alice.pk, bob.pk}


@pytest.mark.django_db
def test_tags_keep_the_members_order_and_replace_the_old_list(alice):
    services.profile_update(profile=alice.profile, interests=["Jazz", "Hiking", "围棋"])
    assert selectors.profile_tag_names(profile=alice.profile)["interest"] == [
        "Jazz",
        "Hiking",
        "围棋",
    ]
    services.profile_update(profile=alice.profile, interests=["围棋", "jazz"])
    assert selectors.profile_tag_names(profile=alice.profile)["interest"] == ["围棋", "Jazz"]
    # Skills and interests are separate lists.
    assert selectors.profile_tag_names(profile=alice.profile)["skill"] == []


@pytest.mark.django_db
def test_too_many_tags_change_nothing(alice):
    services.profile_update(profile=alice.profile, skills=["Go"], headline="Before")
    with pytest.raises(Invalid) as exc:
        services.profile_update(
            profile=alice.profile, headline="After", skills=[f"s{i}" for i in range(31)]
        )
    assert "skills" in exc.value.fields
    profile = Profile.objects.get(pk=alice.pk)
    assert profile.headline == "Before"
    assert selectors.profile_tag_names(profile=profile)["skill"] == ["Go"]
    assert not Tag.objects.filter(key="s0").exists()
