"""Calendar files: what calendar programs need to add, update and remove a meeting."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Organisation
from conftest import Cast, client_for
from meetings.calendar import MAX_LINE_OCTETS, escape_text, fold, meeting_ics
from meetings.models import MeetingFormat, MeetingStatus
from meetings.tests.preparation import a_meeting


def unfolded(ics: str) -> list[str]:
    """The content lines, with folded continuations joined back up (RFC 5545 3.1)."""
    return ics.replace("\r\n ", "").split("\r\n")


def test_it_makes_a_request_with_the_meetings_uid_and_sequence(cast: Cast) -> None:
    Organisation.objects.filter(pk=1).update(contact_email="meetings@riverside.example.org")
    meeting = a_meeting(cast, meeting_format=MeetingFormat.HYBRID)

    lines = unfolded(meeting_ics(meeting=meeting, base_url="https://coproduce.example.org/"))

    assert lines[0] == "BEGIN:VCALENDAR"
    assert "METHOD:REQUEST" in lines
    assert f"UID:{meeting.calendar_uid}@coproduce" in lines
    assert "SEQUENCE:0" in lines
    assert "STATUS:CONFIRMED" in lines
    assert meeting.starts_at is not None
    start = meeting.starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{start}" in lines
    assert "SUMMARY:Testing the crisis pages" in lines
    location = next(line for line in lines if line.startswith("LOCATION:"))
    assert "Riverside Community Centre\\, 1 Quay Street" in location
    assert "https://meet.example.org/crisis" in location
    agenda = "https://coproduce.example.org" + reverse("meetings:agenda", args=[meeting.pk])
    assert f"URL:{agenda}" in lines
    assert any(
        line.startswith("ORGANIZER;") and line.endswith("mailto:meetings@riverside.example.org")
        for line in lines
    )
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_it_cancels_with_a_higher_sequence(cast: Cast) -> None:
    meeting = a_meeting(cast)
    meeting.status = MeetingStatus.CANCELLED
    meeting.calendar_sequence = 3

    lines = unfolded(meeting_ics(meeting=meeting))

    assert "METHOD:CANCEL" in lines
    assert "STATUS:CANCELLED" in lines
    assert "SEQUENCE:3" in lines


def test_it_names_the_attendee(cast: Cast) -> None:
    meeting = a_meeting(cast)
    lines = unfolded(meeting_ics(meeting=meeting, attendee=cast.member))
    assert any(
        line.startswith('ATTENDEE;CN="Amira Haddad"') and line.endswith("mailto:amira@example.org")
        for line in lines
    )


def test_it_escapes_text_and_folds_long_lines_without_splitting_characters(cast: Cast) -> None:
    assert escape_text("Draft; v2, final\nnotes\\") == "Draft\\; v2\\, final\\nnotes\\\\"
    line = "SUMMARY:" + "Café à la crème, " * 10
    folded = fold(line)
    assert all(len(piece.encode()) <= MAX_LINE_OCTETS for piece in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line

    meeting = a_meeting(cast, title="Crisis pages; drafts, and what we change " * 3)
    ics = meeting_ics(meeting=meeting)
    assert all(len(piece.encode()) <= MAX_LINE_OCTETS for piece in ics.split("\r\n"))


def test_it_refuses_a_meeting_without_a_date(cast: Cast) -> None:
    meeting = a_meeting(cast, starts_at=None, ends_at=None)
    with pytest.raises(ValueError, match="without a date"):
        meeting_ics(meeting=meeting)


def test_it_downloads_the_calendar_file_for_members_only(cast: Cast) -> None:
    meeting = a_meeting(cast)
    url = reverse("meetings:calendar", args=[meeting.pk])

    response = client_for(cast.carer).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="meeting.ics"'
    lines = unfolded(response.content.decode())
    assert f"UID:{meeting.calendar_uid}@coproduce" in lines
    assert any(line.endswith("mailto:colin@example.org") for line in lines)
    assert client_for(cast.outsider).get(url).status_code == 404


def test_it_has_no_calendar_file_before_the_meeting_has_a_date(cast: Cast) -> None:
    meeting = a_meeting(cast, starts_at=None, ends_at=None)
    response = client_for(cast.member).get(reverse("meetings:calendar", args=[meeting.pk]))
    assert response.status_code == 404
