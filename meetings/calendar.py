"""Calendar files (RFC 5545) for meetings, built with the `icalendar` library.

Calendar programs match each file to the event by its UID and apply it only when its
SEQUENCE is higher than the last one they saw, so every change to a meeting bumps
`Meeting.calendar_sequence` (see `meetings.services.invitations.meeting_changed`) before updates go.
Times are written in UTC (with a Z), which every calendar program reads without a time zone
definition.
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText
from icalendar.parser import Contentline

from accounts.models import Organisation, User
from meetings.models import Meeting, MeetingStatus

PRODID = "-//Coproduce//Meetings//EN"
# RFC 5545 3.1: lines longer than 75 octets, not counting the line break, are folded.
MAX_LINE_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value escaped as the library writes it (RFC 5545 3.3.11): \\ ; , and line breaks."""
    text: bytes = vText(value).to_ical()
    return text.decode()


def fold(line: str) -> str:
    """One content line folded as the library folds it: pieces of at most 75 octets, never
    splitting a character."""
    folded: bytes = Contentline(line).to_ical()  # type: ignore[no-untyped-call]
    return folded.decode()


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


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = name.replace("\n", " ")
    for key, value in params.items():
        address.params[key] = value
    return address


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


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
            f"By phone: call {meeting.phone_dial_in}"
            if meeting.meets_online and meeting.phone_dial_in
            else "",
        )
        if part
    )
    event = Event()
    event.add("uid", f"{meeting.calendar_uid}@coproduce")
    event.add("sequence", meeting.calendar_sequence)
    event.add("dtstamp", _utc(now or timezone.now()))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("summary", meeting.title)
    if location := meeting_location(meeting):
        event.add("location", location)
    event.add("description", description)
    event.add("url", url)
    event.add("organizer", _address(organiser_email, organiser_name))
    if attendee is not None:
        event.add(
            "attendee",
            _address(attendee.email, attendee.full_name, ROLE="REQ-PARTICIPANT", RSVP="FALSE"),
        )
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    calendar.add_component(event)
    ics: bytes = calendar.to_ical()
    return ics.decode()
