"""The access plan's one-line status, for pages other than the plan itself."""

from __future__ import annotations

from django import template

from meetings.access_plan import AccessPlan, access_plan
from meetings.lookups import MeetingAccess

register = template.Library()


@register.inclusion_tag("meetings/_access_summary.html")
def access_summary(access: MeetingAccess, plan: AccessPlan | None = None) -> dict[str, object]:
    """Whether the plan is complete: everyone may know that, not whose needs are unmet.

    Held and cancelled meetings show nothing: their plan no longer needs anyone's attention.
    It costs the plan's few queries, the same whatever the number of invitees, or none when
    the page has built the plan already and passes it in.
    """
    meeting = access.meeting
    if not meeting.is_open:
        return {"hide": True}
    return {
        "hide": False,
        "meeting": meeting,
        "access_complete": (plan or access_plan(meeting)).complete,
        "show_link": True,
    }
