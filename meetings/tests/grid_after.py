"""Permission-grid arguments for after the meeting: closing, further thoughts, minutes
approval and the after-meeting check."""

from typing import Any

from conftest import Cast
from meetings.tests.after_helpers import a_thought, closed_meeting, held_meeting


def a_meeting_just_held(cast: Cast) -> dict[str, Any]:
    """Started three hours ago and not closed yet, so its leaders can close it."""
    return {"pk": held_meeting(cast).pk}


def a_meeting_cooling_off(cast: Cast) -> dict[str, Any]:
    return {"pk": closed_meeting(cast).pk}


def a_thought_to_answer(cast: Cast) -> dict[str, Any]:
    meeting = closed_meeting(cast)
    return {"pk": meeting.pk, "input_pk": a_thought(meeting, cast.carer).pk}


def the_website_group(cast: Cast) -> dict[str, Any]:
    return {"project_pk": cast.website.pk}
