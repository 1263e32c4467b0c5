"""How the accessibility walk reaches the agenda, papers, invitations and replies pages,
from the demo: the website group's meeting "Testing the crisis pages with users", in ten
days, to which everyone in the group is invited (Amira is coming)."""

from typing import Any

from django.urls import reverse
from django.utils import timezone

from meetings.models import (
    AgendaItem,
    Invitee,
    Meeting,
    NoticeWay,
    Paper,
    PaperFormat,
    PaperNotice,
    PaperVersion,
)
from tests.conftest import Demo

UPCOMING = "Testing the crisis pages with users"


def upcoming_meeting(demo: Demo) -> dict[str, Any]:
    return {"pk": Meeting.objects.get(project=demo.website, title=UPCOMING).pk}


def an_upcoming_item(demo: Demo) -> dict[str, Any]:
    item = AgendaItem.objects.get(meeting__title=UPCOMING, title="Which pages to test first")
    return {"pk": item.meeting_id, "item_pk": item.pk}


def an_upcoming_paper(demo: Demo) -> dict[str, Any]:
    """The testing plan: in standard and easy read, still missing its large print version."""
    paper = Paper.objects.get(meeting__title=UPCOMING, title="How we will test the crisis pages")
    return {"pk": paper.meeting_id, "paper_pk": paper.pk}


def an_easy_read_version(demo: Demo) -> dict[str, Any]:
    kwargs = an_upcoming_paper(demo)
    version = PaperVersion.objects.get(paper_id=kwargs["paper_pk"], format=PaperFormat.EASY_READ)
    return kwargs | {"version_pk": version.pk}


def colins_invitation(demo: Demo) -> dict[str, Any]:
    invitee = Invitee.objects.get(meeting__title=UPCOMING, user__email="colin@example.org")
    return {"pk": invitee.meeting_id, "invitee_pk": invitee.pk}


def website_project(demo: Demo) -> dict[str, Any]:
    return {"project_pk": demo.website.pk}


def papers_with_people_told(demo: Demo) -> str:
    """The papers page once a paper came after the invitations: some people emailed, some
    waiting for their daily or weekly message, some to phone or write to."""
    paper = Paper.objects.get(meeting__title=UPCOMING, title="Payment for taking part in testing")
    ways = list(NoticeWay.values)
    invitees = Invitee.objects.filter(meeting=paper.meeting).order_by("pk")
    for n, invitee in enumerate(invitees):
        PaperNotice.objects.get_or_create(
            paper=paper, user_id=invitee.user_id, defaults={"way": ways[n % len(ways)]}
        )
    # One of those to phone or write to has been told: their button gives way to a line.
    told = PaperNotice.objects.filter(paper=paper, way=NoticeWay.BY_HAND).order_by("pk").first()
    if told is not None:
        PaperNotice.objects.filter(pk=told.pk).update(sent_at=timezone.now())
    return reverse("meetings:papers", kwargs={"pk": paper.meeting_id})


def a_notice_to_phone(demo: Demo) -> dict[str, Any]:
    """Someone to tell about the late paper by phone or post (recording it is a POST)."""
    papers_with_people_told(demo)
    notice = PaperNotice.objects.filter(
        paper__meeting__title=UPCOMING, way=NoticeWay.BY_HAND
    ).latest("pk")
    return {"pk": notice.paper.meeting_id, "paper_pk": notice.paper_id, "notice_pk": notice.pk}
