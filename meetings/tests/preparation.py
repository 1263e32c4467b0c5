"""Meetings with agendas, papers and invitations, shared by the preparation tests."""

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import User
from conftest import Cast
from meetings.models import (
    AgendaItem,
    Invitee,
    ItemPurpose,
    Meeting,
    MeetingFormat,
    Paper,
    PaperFormat,
    PaperVersion,
    Venue,
)
from projects.models import Membership

# The smallest file every PDF reader accepts as a PDF: what the upload check looks for.
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def a_venue() -> Venue:
    return Venue.objects.get_or_create(
        name="Riverside Community Centre",
        defaults={"address": "1 Quay Street\nRiverside\nRV1 1AA", "capacity": 30},
    )[0]


def a_meeting(
    cast: Cast,
    *,
    days: int = 14,
    hours: int = 2,
    title: str = "Testing the crisis pages",
    meeting_format: str = MeetingFormat.IN_PERSON,
    **fields: object,
) -> Meeting:
    """A meeting of the website group `days` from now, at 10:00 local time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    defaults: dict[str, object] = {
        "project": cast.website,
        "title": title,
        "purpose": "Plan how we test the crisis pages.",
        "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=hours),
        "format": meeting_format,
        "venue": a_venue() if meeting_format != MeetingFormat.ONLINE else None,
        "video_link": (
            "https://meet.example.org/crisis" if meeting_format != MeetingFormat.IN_PERSON else ""
        ),
        "created_by": cast.coordinator,
    }
    return Meeting.objects.create(**(defaults | fields))


def an_item(
    meeting: Meeting,
    title: str,
    minutes: int,
    purpose: str = ItemPurpose.DISCUSSION,
    presenter: User | None = None,
) -> AgendaItem:
    position = meeting.agenda_items.count() + 1
    return AgendaItem.objects.create(
        meeting=meeting,
        title=title,
        minutes=minutes,
        purpose=purpose,
        presenter=presenter,
        position=position,
    )


def a_paper(
    meeting: Meeting,
    title: str = "Crisis pages draft",
    *,
    formats: tuple[str, ...] = (PaperFormat.STANDARD,),
    late: bool = False,
    item: AgendaItem | None = None,
) -> Paper:
    paper = Paper.objects.create(meeting=meeting, title=title, late=late, agenda_item=item)
    for paper_format in formats:
        version = PaperVersion(paper=paper, format=paper_format)
        version.file.save(f"{paper_format}.pdf", ContentFile(TINY_PDF), save=False)
        version.save()
    return paper


def invite(meeting: Meeting, *users: User, sent: bool = True) -> list[Invitee]:
    invitees = []
    for user in users:
        membership = Membership.objects.current().get(project=meeting.project, user=user)
        invitees.append(
            Invitee.objects.create(
                meeting=meeting,
                user=user,
                member_type=membership.member_type,
                invited_at=timezone.now() if sent else None,
            )
        )
    return invitees


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded papers go to a folder of their own, removed after the test."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path
