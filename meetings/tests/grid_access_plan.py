"""Meetings for the permission grid's access plan entries (tests/test_permission_grid.py)."""

from typing import Any

from conftest import Cast
from meetings.models import Arrangement, ArrangementKind, MeetingStatus, UnmetNeedReason
from meetings.tests.access_helpers import a_meeting, meeting_with_unmet_loop, need_type


def planned_meeting(cast: Cast) -> dict[str, Any]:
    """Being planned, with nobody's needs unmet, so it can be marked ready."""
    return {"pk": a_meeting(cast).pk}


def ready_meeting(cast: Cast) -> dict[str, Any]:
    return {"pk": a_meeting(cast, status=MeetingStatus.READY).pk}


def a_booking(cast: Cast) -> dict[str, Any]:
    meeting = a_meeting(cast)
    arrangement = Arrangement.objects.create(
        meeting=meeting, kind=ArrangementKind.BSL_INTERPRETER, confirmed=True
    )
    return {"pk": meeting.pk, "arrangement_pk": arrangement.pk}


def an_unmet_loop(cast: Cast) -> dict[str, Any]:
    meeting = meeting_with_unmet_loop(cast)
    return {"pk": meeting.pk, "need_type_pk": need_type("hearing-loop").pk}


def a_recorded_reason(cast: Cast) -> dict[str, Any]:
    kwargs = an_unmet_loop(cast)
    UnmetNeedReason.objects.create(
        meeting_id=kwargs["pk"],
        need_type_id=kwargs["need_type_pk"],
        reason="The building is listed.",
        offered_instead="Joining by video with captions.",
    )
    return kwargs
