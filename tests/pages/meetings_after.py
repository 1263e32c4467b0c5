"""Demo pages after the meeting, for the accessibility walk (`tests/test_accessibility.py`).

Yesterday's "Crisis pages: first drafts" is cooling off: Colin's thoughts are answered,
Amira's are not, and Amira has not answered its check. "Planning the new website" is past
its window. "Testing the crisis pages with users" has not started, so it cannot be closed.
"""

from typing import Any

from django.urls import reverse

from meetings.models import InputKind, Meeting, WrittenInput
from tests.conftest import Demo


def _meeting(demo: Demo, title: str) -> Meeting:
    return Meeting.objects.get(project=demo.website, title=title)


def cooling_off(demo: Demo) -> dict[str, Any]:
    return {"pk": _meeting(demo, "Crisis pages: first drafts").pk}


def not_started(demo: Demo) -> dict[str, Any]:
    return {"pk": _meeting(demo, "Testing the crisis pages with users").pk}


def _thought(demo: Demo, *, answered: bool) -> dict[str, Any]:
    meeting = _meeting(demo, "Crisis pages: first drafts")
    written = WrittenInput.objects.filter(
        meeting=meeting, kind=InputKind.COOLING_OFF, considered_at__isnull=not answered
    ).first()
    assert written is not None, "the demo has no such thought"
    return {"pk": meeting.pk, "input_pk": written.pk}


def thought_to_answer(demo: Demo) -> dict[str, Any]:
    return _thought(demo, answered=False)


def the_website_group(demo: Demo) -> dict[str, Any]:
    return {"project_pk": demo.website.pk}


def window_closed(demo: Demo) -> str:
    return reverse("meetings:cooling_off", args=[_meeting(demo, "Planning the new website").pk])


def thought_answered(demo: Demo) -> str:
    return reverse("meetings:cooling_off_consider", kwargs=_thought(demo, answered=True))


def minutes_past_the_window(demo: Demo) -> str:
    return reverse("meetings:minutes_approve", args=[_meeting(demo, "Planning the new website").pk])


def check_already_answered(demo: Demo) -> str:
    return reverse("meetings:check", args=[_meeting(demo, "Planning the new website").pk])


def planning_the_website(demo: Demo) -> dict[str, Any]:
    """Past its window, with five answers to a fuller review."""
    return {"pk": _meeting(demo, "Planning the new website").pk}
