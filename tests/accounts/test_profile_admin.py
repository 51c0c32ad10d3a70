"""Moderators edit profiles through the admin; the services keep keys and HTML in step."""

import pytest

from guanxi.accounts import services
from guanxi.accounts.models import Profile
from tests.factories import make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(login):
    admin_user = make_member("moderator")
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return login(admin_user)


def test_admin_lists_and_edits_profiles(staff_client, alice):
    services.experience_create(
        profile=alice.profile, data={"company": "Acme", "title": "CTO", "start_year": 2015}
    )
    assert staff_client.get("/admin/accounts/profile/?q=alice").status_code == 200
    url = f"/admin/accounts/profile/{alice.pk}/change/"
    page = staff_client.get(url)
    assert page.status_code == 200 and "CTO" in page.content.decode()
    response = staff_client.post(
        url,
        {
            "display_name": "Alice  Chen",
            "headline": "Edited by a moderator",
            "about": "**Bold** <script>x</script>",
            "city": "Hangzhou",
            "country": "",
            "company": "New Co",
            "position": "",
            "listed": "on",
            "experiences-TOTAL_FORMS": "1",
            "experiences-INITIAL_FORMS": "1",
            "experiences-MIN_NUM_FORMS": "0",
            "experiences-MAX_NUM_FORMS": "1000",
            "experiences-0-id": str(alice.profile.experiences.get().pk),
            "experiences-0-profile": str(alice.pk),
            "educations-TOTAL_FORMS": "0",
            "educations-INITIAL_FORMS": "0",
            "educations-MIN_NUM_FORMS": "0",
            "educations-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    profile = Profile.objects.get(pk=alice.pk)
    assert profile.headline == "Edited by a moderator"
    assert profile.city_key == "hangzhou" and profile.company_key == "new co"
    assert "<strong>Bold</strong>" in profile.about_html and "<script" not in profile.about_html


def test_admin_user_and_tag_pages(staff_client, alice):
    services.profile_update(profile=alice.profile, skills=["Go"])
    assert staff_client.get("/admin/accounts/user/?q=alice").status_code == 200
    assert staff_client.get(f"/admin/accounts/user/{alice.pk}/change/").status_code == 200
    assert staff_client.get("/admin/accounts/tag/?q=go").status_code == 200


def test_members_cannot_use_the_admin(alice, login):
    response = login(alice).get("/admin/accounts/profile/")
    assert response.status_code == 302
