from django.urls import reverse

from conftest import Cast, client_for
from people.models import PersonMemberType, Profile


def test_it_lets_colin_change_his_details_and_what_he_brings(cast: Cast) -> None:
    colin = client_for(cast.carer)
    response = colin.post(
        reverse("people:details"),
        {
            "full_name": "Colin J Price",
            "preferred_name": "Col",
            "pronouns": "he/him",
            "member_types": ["carer", "lived_experience"],
            "bio": "",
            "phone": "07700 900123",
            "postal_address": "",
        },
    )
    assert response["Location"] == reverse("people:me")
    cast.carer.refresh_from_db()
    assert cast.carer.full_name == "Colin J Price"
    profile = Profile.objects.get(user=cast.carer)
    assert (profile.preferred_name, profile.display_name) == ("Col", "Col")
    assert set(
        PersonMemberType.objects.filter(user=cast.carer).values_list("member_type", flat=True)
    ) == {"carer", "lived_experience"}


def test_it_explains_a_missing_name(cast: Cast) -> None:
    response = client_for(cast.carer).post(reverse("people:details"), {"full_name": ""})
    assert response.status_code == 400
    assert "Enter your full name" in response.content.decode()


def test_it_saves_how_priya_wants_to_be_contacted(cast: Cast) -> None:
    Profile.objects.create(user=cast.clinician, phone="07700 900456")
    response = client_for(cast.clinician).post(
        reverse("people:preferences"),
        {
            "channels": ["email", "text"],
            "frequency": "weekly",
            "best_times": "Weekday mornings",
            "language": "English",
            "modes": ["attends_by_video", "written_only"],
        },
    )
    assert response["Location"] == reverse("people:me")
    profile = Profile.objects.get(user=cast.clinician)
    assert profile.channels == ["email", "text"]
    assert (profile.attends_in_person, profile.attends_by_video, profile.written_only) == (
        False,
        True,
        True,
    )


def test_it_asks_for_an_address_before_sending_post(cast: Cast) -> None:
    response = client_for(cast.clinician).post(
        reverse("people:preferences"),
        {"channels": ["post"], "frequency": "each", "modes": ["attends_in_person"]},
    )
    assert response.status_code == 400
    assert "first add your postal address" in response.content.decode()


def test_it_needs_at_least_one_way_to_take_part(cast: Cast) -> None:
    response = client_for(cast.clinician).post(
        reverse("people:preferences"), {"channels": ["email"], "frequency": "each"}
    )
    assert response.status_code == 400
    assert "Choose at least one way you can take part" in response.content.decode()
