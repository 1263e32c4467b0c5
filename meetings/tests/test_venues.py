"""The venues catalogue: everyone signed in sees it; coordinators keep it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from conftest import Cast, client_for
from meetings.models import Meeting, MeetingFormat, Venue
from meetings.tests.test_planning import a_meeting, riverside

pytestmark = pytest.mark.django_db


def venue_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Old Library meeting room",
        "address": "Library Lane\nRiverside",
        "directions": "First floor. No lift.",
        "capacity": "12",
        "features": ["public_transport", "assistance_dogs"],
        "notes": "",
    }
    data.update(overrides)
    return data


def test_it_lists_venues_with_their_features(cast: Cast) -> None:
    riverside()
    Venue.objects.create(name="Closed hall", address="Gone", capacity=5, is_active=False)
    response = client_for(cast.member).get(reverse("meetings:venues"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Riverside Community Centre" in page
    assert "Hearing loop" in page
    assert "Closed hall" not in page  # retired venues are for the people who keep the list
    assert "Add a venue" not in page
    response = client_for(cast.coordinator).get(reverse("meetings:venues"))
    assert "Closed hall" in response.content.decode()
    assert "Add a venue" in response.content.decode()


def test_it_searches_venues_by_name(cast: Cast) -> None:
    riverside()
    Venue.objects.create(name="Old Library meeting room", address="Library Lane", capacity=12)
    response = client_for(cast.member).get(reverse("meetings:venues"), {"q": "library"})
    assert [venue.name for venue in response.context["page"]] == ["Old Library meeting room"]
    response = client_for(cast.member).get(reverse("meetings:venues"), {"q": "castle"})
    assert "No venues match “castle”." in response.content.decode()


def test_it_lists_venues_in_constant_queries(cast: Cast) -> None:
    client = client_for(cast.coordinator)
    Venue.objects.create(name="First", address="A", capacity=5)
    client.get(reverse("meetings:venues"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("meetings:venues"))
    for n in range(20):
        venue = Venue.objects.create(name=f"Hall {n}", address="A", capacity=5, step_free=True)
        a_meeting(cast, title=f"At hall {n}", venue=venue)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("meetings:venues"))
    assert len(many) == len(few)


def test_it_adds_a_venue(cast: Cast) -> None:
    response = client_for(cast.coordinator).post(reverse("meetings:venue_add"), venue_data())
    assert response.status_code == 302
    venue = Venue.objects.get()
    assert venue.public_transport
    assert venue.assistance_dogs
    assert not venue.step_free
    assert AuditEvent.objects.filter(action="venue.created").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the venue's name"),
        ({"address": ""}, "address", "Enter the venue's address"),
        ({"capacity": ""}, "capacity", "Enter how many people fit in the room"),
        ({"capacity": "lots"}, "capacity", "Enter how many people fit as a number, like 20"),
        ({"capacity": "0"}, "capacity", "At least 1 person must fit in the room"),
        (
            {"name": "riverside community centre"},
            "name",
            "There is already a venue called “riverside community centre”. Use a different name.",
        ),
    ],
)
def test_it_explains_what_is_wrong_with_a_venue(
    cast: Cast, overrides: dict[str, object], field: str, message: str
) -> None:
    riverside()
    response = client_for(cast.coordinator).post(
        reverse("meetings:venue_add"), venue_data(**overrides)
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Venue.objects.count() == 1


def test_it_lets_only_coordinators_keep_the_venues(cast: Cast) -> None:
    venue = riverside()
    for url in (
        reverse("meetings:venue_add"),
        reverse("meetings:venue_edit", args=[venue.pk]),
        reverse("meetings:venue_retire", args=[venue.pk]),
    ):
        assert client_for(cast.chair).get(url).status_code == 403
        assert client_for(cast.administrator).get(url).status_code == 200
    response = client_for(cast.chair).post(reverse("meetings:venue_retire", args=[venue.pk]))
    assert response.status_code == 403
    venue.refresh_from_db()
    assert venue.is_active


def test_it_changes_a_venue_with_optimistic_locking(cast: Cast) -> None:
    venue = riverside()
    url = reverse("meetings:venue_edit", args=[venue.pk])
    data = venue_data(name="Riverside Centre", version=str(venue.version))
    response = client_for(cast.coordinator).post(url, data)
    assert response.status_code == 302
    venue.refresh_from_db()
    assert venue.name == "Riverside Centre"
    assert not venue.hearing_loop
    assert venue.version == 2
    data["name"] = "Riverside Hall"
    response = client_for(cast.coordinator).post(url, data)  # the old version again
    assert response.status_code == 400
    assert "Someone else saved changes" in response.content.decode()


def test_it_retires_a_venue_but_keeps_its_meetings(cast: Cast) -> None:
    venue = riverside()
    meeting = a_meeting(cast, venue=venue)
    client = client_for(cast.coordinator)
    page = client.get(reverse("meetings:venue_retire", args=[venue.pk]))
    assert meeting.title in page.content.decode()
    response = client.post(reverse("meetings:venue_retire", args=[venue.pk]))
    assert response.status_code == 302
    venue.refresh_from_db()
    assert not venue.is_active
    assert Meeting.objects.get(pk=meeting.pk).venue == venue
    # Not offered for a new meeting, still kept by the meeting already there.
    form = client.get(reverse("meetings:create", args=[cast.website.pk])).context["form"]
    assert venue not in form.fields["venue"].queryset
    form = client.get(reverse("meetings:edit", args=[meeting.pk])).context["form"]
    assert venue in form.fields["venue"].queryset
    client.post(reverse("meetings:venue_restore", args=[venue.pk]))
    venue.refresh_from_db()
    assert venue.is_active


def test_it_shows_the_venues_link_to_coordinators_only(cast: Cast) -> None:
    url = reverse("meetings:venues").encode()
    assert url in client_for(cast.coordinator).get(reverse("projects:list")).content
    assert url not in client_for(cast.member).get(reverse("projects:list")).content


def test_it_does_not_book_an_online_meeting_into_a_room(cast: Cast) -> None:
    meeting = a_meeting(cast, format=MeetingFormat.ONLINE, venue=None)
    assert meeting.venue is None
