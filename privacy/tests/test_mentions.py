"""Before an erasure, the administrator sees where others wrote the person's name, and can
remove it: from minutes by saving a new version that says why, elsewhere in place."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent
from conftest import Cast, client_for, make_user
from meetings.models import ItemMinutes, Meeting, MinutesVersion
from meetings.services import record
from meetings.tests.grid_record import first_item, held_meeting
from people.models import Profile
from privacy import services
from privacy.models import ErasureRequest
from projects.models import Stakeholder


def amiras_request(cast: Cast) -> ErasureRequest:
    Profile.objects.create(user=cast.member, preferred_name="Ami")
    return services.erasure_request_create(user=cast.member, reason="")


def redact_url(request: ErasureRequest) -> str:
    return reverse("privacy:mention_redact", kwargs={"pk": request.pk})


def a_contact(cast: Cast, contact: str, name: str = "Bus company") -> Stakeholder:
    return Stakeholder.objects.create(
        project=cast.website, name=name, interest="Routes", contact=contact
    )


def test_it_finds_her_full_name_the_name_she_likes_and_her_address_as_whole_words(
    cast: Cast,
) -> None:
    request = amiras_request(cast)
    named = [
        a_contact(cast, "Amira Haddad, evenings", "A"),
        a_contact(cast, "ask ami first", "B"),
        a_contact(cast, "AMIRA@example.org", "C"),
    ]
    a_contact(cast, "Amiable staff at the depot", "D")
    page = client_for(cast.administrator).get(
        reverse("privacy:erasure_decide", kwargs={"pk": request.pk})
    )
    mentions = services.person_mentions(user=cast.member)
    assert {mention.key for mention in mentions} == {
        f"projects.stakeholder:{stakeholder.pk}:contact" for stakeholder in named
    }
    html = page.content.decode()
    assert "Their name or email address appears in 3 texts" in html
    assert "ask ami first" in html


def test_it_saves_a_new_minutes_version_without_her_name_and_says_why(cast: Cast) -> None:
    request = amiras_request(cast)
    meeting = held_meeting(cast)
    item = first_item(meeting)
    for based_on, text in enumerate(["Amira said buses are late.", "Ami said buses are late."]):
        record.minutes_save(
            meeting=meeting,
            actor=cast.chair,
            based_on=based_on,
            summary="We talked about buses.",
            change_note=f"Added what {text.split()[0]} said",
            notes={item.pk: text},
        )
    (mention,) = services.person_mentions(user=cast.member)
    assert mention.key == f"meetings.minutes:{meeting.pk}:minutes"
    admin = client_for(cast.administrator)
    confirm = admin.get(redact_url(request), {"key": mention.key})
    assert "Added what Ami said" in confirm.content.decode()
    assert MinutesVersion.objects.filter(meeting=meeting).count() == 2

    response = admin.post(redact_url(request) + f"?key={mention.key}", {"key": mention.key})

    assert response["Location"] == reverse("privacy:erasure_decide", kwargs={"pk": request.pk})
    latest = MinutesVersion.objects.filter(meeting=meeting).order_by("-number").first()
    assert latest is not None
    assert (latest.number, latest.saved_by) == (3, cast.administrator)
    assert latest.change_note.startswith("A name was removed at erasure")
    assert (
        list(
            ItemMinutes.objects.filter(version__meeting=meeting)
            .order_by("version__number")
            .values_list("notes", flat=True)
        )
        == ["[name removed] said buses are late."] * 3
    )
    assert not services.person_mentions(user=cast.member)
    event = AuditEvent.objects.get(action="erasure.name_removed")
    assert (event.actor, event.data) == (cast.administrator, {"key": mention.key})


def test_it_removes_the_name_in_place_and_counts_it_as_an_edit(cast: Cast) -> None:
    request = amiras_request(cast)
    stakeholder = a_contact(cast, "Amira Haddad or amira@example.org")
    key = f"projects.stakeholder:{stakeholder.pk}:contact"
    client_for(cast.administrator).post(redact_url(request) + f"?key={key}", {"key": key})
    stakeholder.refresh_from_db()
    assert stakeholder.contact == "[name removed] or [name removed]"
    # A form opened before the change is refused as stale rather than putting the name back.
    assert stakeholder.version == 2
    assert AuditEvent.objects.filter(action="erasure.name_removed", project=cast.website).exists()


def test_it_says_when_the_text_no_longer_names_her(cast: Cast) -> None:
    request = amiras_request(cast)
    stakeholder = a_contact(cast, "Amira Haddad")
    key = f"projects.stakeholder:{stakeholder.pk}:contact"
    Stakeholder.objects.filter(pk=stakeholder.pk).update(contact="The office")
    admin = client_for(cast.administrator)
    for response in (
        admin.get(redact_url(request), {"key": key}),
        admin.post(redact_url(request), {"key": key}),
        admin.post(redact_url(request), {"key": "accounts.user:1:password"}),
    ):
        assert response.status_code == 400
        assert "This text no longer names them. Nothing was changed." in response.content.decode()
    empty = admin.post(redact_url(request), {"key": ""})
    assert "Choose the text to remove their name from" in empty.content.decode()
    assert not AuditEvent.objects.filter(action="erasure.name_removed").exists()


@pytest.mark.parametrize("persona", ["coordinator", "chair", "member", "outsider"])
def test_it_lets_only_another_administrator_remove_names(cast: Cast, persona: str) -> None:
    request = amiras_request(cast)
    stakeholder = a_contact(cast, "Amira Haddad")
    key = f"projects.stakeholder:{stakeholder.pk}:contact"
    response = client_for(getattr(cast, persona)).post(redact_url(request), {"key": key})
    assert response.status_code == 403
    stakeholder.refresh_from_db()
    assert stakeholder.contact == "Amira Haddad"


def test_it_pages_the_mentions_in_the_same_number_of_queries(
    cast: Cast, settings: Settings
) -> None:
    settings.PAGE_SIZE = 5
    request = amiras_request(cast)
    admin = client_for(cast.administrator)
    url = reverse("privacy:erasure_decide", kwargs={"pk": request.pk})
    a_contact(cast, "Amira Haddad", "first")
    with CaptureQueriesContext(connection) as one:
        admin.get(url)
    for number in range(12):
        a_contact(cast, "Amira Haddad", f"more {number}")
    with CaptureQueriesContext(connection) as many:
        page = admin.get(url, {"page": 2}).content.decode()
    assert len(many) == len(one)
    assert 'aria-label="Page 3"' in page


def test_it_looks_for_a_first_name_but_never_a_title_on_its_own(cast: Cast) -> None:
    assert services.person_names(user=cast.clinician) == [
        "Dr Priya Natarajan",
        "priya@example.org",
        "Priya",
    ]


def test_it_keeps_a_full_column_within_its_length(cast: Cast) -> None:
    request = amiras_request(cast)
    limit = Stakeholder._meta.get_field("name").max_length or 0
    stakeholder = a_contact(cast, "x", name=("Ami " * limit)[:limit])
    key = f"projects.stakeholder:{stakeholder.pk}:name"
    client_for(cast.administrator).post(redact_url(request), {"key": key})
    stakeholder.refresh_from_db()
    assert len(stakeholder.name) == limit
    assert stakeholder.name.startswith("[name removed] [name removed]")


def deborah_saves(cast: Cast, meeting: Meeting, *, based_on: int, notes: str) -> None:
    """The chair saves the minutes of the meeting's first item, from version `based_on`."""
    record.minutes_save(
        meeting=meeting,
        actor=cast.chair,
        based_on=based_on,
        summary="",
        change_note="",
        notes={first_item(meeting).pk: notes},
    )


def test_it_removes_her_name_from_minutes_changed_since_the_page_showed_them(cast: Cast) -> None:
    """The administrator removes only the name, from the minutes as they are when the button
    is pressed: what the chair wrote meanwhile stays, and her older page is refused."""
    request = amiras_request(cast)
    meeting = held_meeting(cast)
    deborah_saves(cast, meeting, based_on=0, notes="Amira said buses are late.")
    (mention,) = services.person_mentions(user=cast.member)
    sam = client_for(cast.administrator)
    ayesha = client_for(make_user("ayesha@example.org", "Ayesha Khan", "administrator"))
    for admin in (sam, ayesha):
        assert "buses are late" in admin.get(redact_url(request), {"key": mention.key}).text
    # Meanwhile Deborah adds to the minutes.
    deborah_saves(cast, meeting, based_on=1, notes="Amira said buses are late. Fares go up in May.")

    done = sam.post(redact_url(request), {"key": mention.key})
    again = ayesha.post(redact_url(request), {"key": mention.key})

    assert done.status_code == 302
    latest = MinutesVersion.objects.filter(meeting=meeting).order_by("-number").first()
    assert latest is not None
    assert latest.number == 3
    assert latest.items.get().notes == "[name removed] said buses are late. Fares go up in May."
    # The second administrator is told, and nothing more is saved.
    assert again.status_code == 400
    assert "This text no longer names them. Nothing was changed." in again.text
    assert MinutesVersion.objects.filter(meeting=meeting).count() == 3
    assert AuditEvent.objects.filter(action="erasure.name_removed").count() == 1
    # Minutes opened before the name was removed cannot put it back.
    with pytest.raises(record.StaleMinutes):
        deborah_saves(cast, meeting, based_on=2, notes="Amira said buses are late. And in June.")
