"""Calendar files (RFC 5545) for meetings, written by hand: the format is small and strict.

Calendar programs match each file to the event by its UID and apply it only when its
SEQUENCE is higher than the last one they saw, so every change to a meeting bumps
`Meeting.calendar_sequence` (see `meetings.services.invitations.meeting_changed`) before updates go.
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organisation, User
from meetings.models import Meeting, MeetingStatus

PRODID = "-//Coproduce//Meetings//EN"
# RFC 5545 3.1: lines longer than 75 octets, not counting the line break, are folded.
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash first, then ; , and line breaks."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def escape_param(value: str) -> str:
    """A parameter value such as a name: quoted, since names often hold commas."""
    return '"' + value.replace('"', "'").replace("\n", " ") + '"'


def fold(line: str) -> str:
    """Fold one content line into pieces of at most 75 octets, never splitting a character.

    Each continuation starts with a space, which counts towards its 75 octets.
    """
    pieces: list[str] = []
    current = ""
    limit = MAX_LINE_OCTETS
    for character in line:
        if len((current + character).encode()) > limit:
            pieces.append(current)
            current = " "
            limit = MAX_LINE_OCTETS
        current += character
    pieces.append(current)
    return "\r\n".join(pieces)


def utc_stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def meeting_location(meeting: Meeting) -> str:
    parts: list[str] = []
    if meeting.meets_in_person and meeting.venue is not None:
        address = ", ".join(line.strip() for line in meeting.venue.address.splitlines() if line)
        parts.append(f"{meeting.venue.name}, {address}" if address else meeting.venue.name)
    if meeting.meets_online and meeting.video_link:
        parts.append(meeting.video_link)
    return "; ".join(parts)


def _organiser() -> tuple[str, str]:
    organisation = Organisation.current()
    address = organisation.contact_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return organisation.name, address


def meeting_ics(
    *,
    meeting: Meeting,
    base_url: str = "",
    attendee: User | None = None,
    cancelled: bool | None = None,
    now: datetime.datetime | None = None,
) -> str:
    """The meeting as a calendar file: METHOD:REQUEST, or METHOD:CANCEL once it is cancelled.

    The meeting must have a date. `attendee` names the person the file is for.
    """
    if meeting.starts_at is None or meeting.ends_at is None:
        raise ValueError("A meeting without a date has no calendar entry.")
    if cancelled is None:
        cancelled = meeting.status == MeetingStatus.CANCELLED
    organiser_name, organiser_email = _organiser()
    url = base_url.rstrip("/") + reverse("meetings:agenda", args=[meeting.pk])
    description = "\n\n".join(
        part
        for part in (
            meeting.purpose.strip(),
            f"Agenda, papers and your reply: {url}",
            f"Video call: {meeting.video_link}"
            if meeting.meets_online and meeting.video_link
            else "",
        )
        if part
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        f"METHOD:{'CANCEL' if cancelled else 'REQUEST'}",
        "BEGIN:VEVENT",
        f"UID:{meeting.calendar_uid}@coproduce",
        f"SEQUENCE:{meeting.calendar_sequence}",
        f"DTSTAMP:{utc_stamp(now or timezone.now())}",
        f"DTSTART:{utc_stamp(meeting.starts_at)}",
        f"DTEND:{utc_stamp(meeting.ends_at)}",
        f"SUMMARY:{escape_text(meeting.title)}",
    ]
    if location := meeting_location(meeting):
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"DESCRIPTION:{escape_text(description)}",
        f"URL:{url}",
        f"ORGANIZER;CN={escape_param(organiser_name)}:mailto:{organiser_email}",
    ]
    if attendee is not None:
        lines.append(
            f"ATTENDEE;CN={escape_param(attendee.full_name)};ROLE=REQ-PARTICIPANT;RSVP=FALSE:"
            f"mailto:{attendee.email}"
        )
    lines += [
        f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(fold(line) + "\r\n" for line in lines)
