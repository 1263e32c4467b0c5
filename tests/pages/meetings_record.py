"""How the accessibility walk reaches the record's pages, from the demo data.

"Planning the new website" was held three weeks ago: two versions of minutes, a done action.
"Crisis pages: first drafts" was held yesterday: its decision is still provisional.
"""

from typing import Any

from meetings.models import ActionPoint, AgendaItem, Decision, Meeting
from tests.conftest import Demo

PLANNING = "Planning the new website"
CRISIS = "Crisis pages: first drafts"
UPCOMING = "Testing the crisis pages with users"


def meeting(demo: Demo, title: str = CRISIS) -> dict[str, Any]:
    return {"pk": Meeting.objects.get(project=demo.website, title=title).pk}


def planning_meeting(demo: Demo) -> dict[str, Any]:
    return meeting(demo, PLANNING)


def upcoming_meeting(demo: Demo) -> dict[str, Any]:
    return meeting(demo, UPCOMING)


def minutes_version(demo: Demo, number: int = 2) -> dict[str, Any]:
    return planning_meeting(demo) | {"number": number}


def decision(demo: Demo) -> dict[str, Any]:
    found = Decision.objects.filter(meeting__project=demo.website, meeting__title=CRISIS).first()
    assert found is not None, "the demo records a decision at yesterday's meeting"
    return {"pk": found.meeting_id, "decision_pk": found.pk}


def action(demo: Demo) -> dict[str, Any]:
    found = ActionPoint.objects.filter(meeting__project=demo.website, meeting__title=CRISIS).first()
    assert found is not None, "the demo records an action point at yesterday's meeting"
    return {"pk": found.meeting_id, "action_pk": found.pk}


def item(demo: Demo) -> dict[str, Any]:
    found = AgendaItem.objects.get(
        meeting__project=demo.website, meeting__title=CRISIS, title="Reading the drafts together"
    )
    return {"pk": found.meeting_id, "item_pk": found.pk}


def project(demo: Demo) -> dict[str, Any]:
    return {"project_pk": demo.website.pk}
