"""Meetings with a record, for the record's tests and its permission-grid entries."""

import datetime
from typing import Any

from django.utils import timezone

from conftest import Cast
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Decision,
    Invitee,
    ItemPurpose,
    Meeting,
    MeetingStatus,
)
from projects.models import Membership, Project


def held_meeting(
    cast: Cast,
    *,
    title: str = "Planning the new website",
    days_ago: int = 1,
    closed: bool = True,
    project: Project | None = None,
    items: int = 2,
    invite: bool = True,
) -> Meeting:
    """A meeting that took place `days_ago` days ago, with agenda items and everyone invited.

    Closed meetings' cooling-off windows end 48 hours after they close.
    """
    project = project or cast.website
    starts = timezone.now() - datetime.timedelta(days=days_ago)
    ends = starts + datetime.timedelta(hours=2)
    fields: dict[str, Any] = {}
    if closed:
        fields = {
            "status": MeetingStatus.CLOSED,
            "closed_at": ends,
            "cooling_off_ends_at": ends + datetime.timedelta(hours=48),
        }
    else:
        fields = {"status": MeetingStatus.READY, "ready_at": starts - datetime.timedelta(days=7)}
    meeting = Meeting.objects.create(
        project=project,
        title=title,
        starts_at=starts,
        ends_at=ends,
        created_by=cast.coordinator,
        **fields,
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(meeting=meeting, position=n, title=f"Item {n}", minutes=20)
        for n in range(1, items + 1)
    )
    AgendaItem.objects.create(
        meeting=meeting, position=items + 1, title="Tea", minutes=10, purpose=ItemPurpose.BREAK
    )
    if invite:
        Invitee.objects.bulk_create(
            Invitee(meeting=meeting, user=membership.user, member_type=membership.member_type)
            for membership in Membership.objects.current().filter(project=project)
        )
    return meeting


def first_item(meeting: Meeting) -> AgendaItem:
    return AgendaItem.objects.filter(meeting=meeting).order_by("position").first()  # type: ignore[return-value]


def meeting_kwargs(cast: Cast) -> dict[str, Any]:
    return {"pk": held_meeting(cast).pk}


def item_kwargs(cast: Cast) -> dict[str, Any]:
    meeting = held_meeting(cast)
    return {"pk": meeting.pk, "item_pk": first_item(meeting).pk}


def present_item_kwargs(cast: Cast) -> dict[str, Any]:
    """An item of a meeting whose register shows everyone invited as there, in the room."""
    meeting = held_meeting(cast)
    Invitee.objects.filter(meeting=meeting).update(attended=True, attended_way="in_person")
    return {"pk": meeting.pk, "item_pk": first_item(meeting).pk}


def a_press_for_amira(cast: Cast) -> dict[str, str]:
    """The form a live counting button sends: one more for Amira."""
    return {"person": str(cast.member.pk), "change": "add"}


def decision_kwargs(cast: Cast) -> dict[str, Any]:
    meeting = held_meeting(cast)
    decision = Decision.objects.create(
        meeting=meeting, agenda_item=first_item(meeting), text="Use plain English throughout."
    )
    return {"pk": meeting.pk, "decision_pk": decision.pk}


def action_kwargs(cast: Cast) -> dict[str, Any]:
    meeting = held_meeting(cast)
    action = ActionPoint.objects.create(
        meeting=meeting, agenda_item=first_item(meeting), text="Draft the crisis page."
    )
    return {"pk": meeting.pk, "action_pk": action.pk}


def version_kwargs(cast: Cast) -> dict[str, Any]:
    from meetings.services.record import minutes_save

    meeting = held_meeting(cast)
    minutes_save(
        meeting=meeting,
        actor=cast.chair,
        based_on=0,
        summary="A good first meeting.",
        change_note="",
        notes={first_item(meeting).pk: "We agreed the aims."},
    )
    return {"pk": meeting.pk, "number": 1}


def project_kwargs(cast: Cast) -> dict[str, Any]:
    held_meeting(cast)
    return {"project_pk": cast.website.pk}
