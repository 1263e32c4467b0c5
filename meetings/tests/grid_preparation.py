"""Permission-grid helpers for the agenda, papers, invitations and replies.

The meeting is the website group's, in two weeks, with every persona who belongs to the
group invited (Amira, the `member` persona, replies; Olu and Sam are not in the group).
"""

import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from conftest import Cast
from meetings.models import (
    AgendaItem,
    Invitee,
    ItemPurpose,
    Meeting,
    NoticeWay,
    Paper,
    PaperFormat,
    PaperNotice,
    PaperVersion,
)
from projects.models import Membership

TINY_PDF = b"%PDF-1.4\n%%EOF\n"
GRID_FILE = "papers/permission-grid/drafts.pdf"


def _meeting(cast: Cast) -> Meeting:
    existing = Meeting.objects.filter(project=cast.website, title="Grid: preparation").first()
    if existing is not None:
        return existing
    starts = timezone.now() + datetime.timedelta(days=14)
    meeting = Meeting.objects.create(
        project=cast.website,
        title="Grid: preparation",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        created_by=cast.coordinator,
    )
    for membership in Membership.objects.current().filter(project=cast.website):
        Invitee.objects.create(
            meeting=meeting,
            user=membership.user,
            member_type=membership.member_type,
            invited_at=timezone.now(),
        )
    return meeting


def prep_meeting(cast: Cast) -> dict[str, Any]:
    return {"pk": _meeting(cast).pk}


def prep_item(cast: Cast) -> dict[str, Any]:
    meeting = _meeting(cast)
    item = AgendaItem.objects.create(
        meeting=meeting, title="Drafts", minutes=30, purpose=ItemPurpose.DISCUSSION, position=1
    )
    return {"pk": meeting.pk, "item_pk": item.pk}


def _paper(cast: Cast) -> Paper:
    # One small file at a fixed name, written once, so grid runs do not fill the media folder.
    if not default_storage.exists(GRID_FILE):
        default_storage.save(GRID_FILE, ContentFile(TINY_PDF))
    paper = Paper.objects.create(meeting=_meeting(cast), title="Drafts")
    for paper_format in (PaperFormat.STANDARD, PaperFormat.EASY_READ):
        PaperVersion.objects.create(paper=paper, format=paper_format, file=GRID_FILE)
    return paper


def prep_paper(cast: Cast) -> dict[str, Any]:
    paper = _paper(cast)
    return {"pk": paper.meeting_id, "paper_pk": paper.pk}


def prep_easy_read(cast: Cast) -> dict[str, Any]:
    paper = _paper(cast)
    version = paper.versions.get(format=PaperFormat.EASY_READ)
    return {"pk": paper.meeting_id, "paper_pk": paper.pk, "version_pk": version.pk}


def prep_invitee(cast: Cast) -> dict[str, Any]:
    meeting = _meeting(cast)
    invitee = Invitee.objects.get(meeting=meeting, user=cast.carer)
    return {"pk": meeting.pk, "invitee_pk": invitee.pk}


def prep_project(cast: Cast) -> dict[str, Any]:
    return {"project_pk": cast.website.pk}


def prep_paper_notice(cast: Cast) -> dict[str, Any]:
    """Tom takes no email: he is to be told about the paper by phone or post."""
    paper = _paper(cast)
    notice = PaperNotice.objects.create(paper=paper, user=cast.commissioner, way=NoticeWay.BY_HAND)
    return {"pk": paper.meeting_id, "paper_pk": paper.pk, "notice_pk": notice.pk}
