"""Permission-grid helpers for planning: meetings, venues and finding a date.

The meeting is the website group's, in three weeks, at the Riverside Community Centre; the
undated one is finding its date with one option offered.
"""

import datetime
from typing import Any

from django.utils import timezone

from conftest import Cast
from meetings.models import DateOption, Meeting, MeetingFormat, Venue


def _venue() -> Venue:
    venue, _created = Venue.objects.get_or_create(
        name="Grid: Riverside Community Centre",
        defaults={"address": "1 Quay Street", "capacity": 30, "step_free": True},
    )
    return venue


def _meeting(cast: Cast, *, dated: bool = True) -> Meeting:
    title = "Grid: planning" if dated else "Grid: finding a date"
    existing = Meeting.objects.filter(project=cast.website, title=title).first()
    if existing is not None:
        return existing
    starts = timezone.now() + datetime.timedelta(days=21) if dated else None
    return Meeting.objects.create(
        project=cast.website,
        title=title,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2) if starts else None,
        format=MeetingFormat.IN_PERSON,
        venue=_venue(),
        created_by=cast.coordinator,
    )


def planning_project(cast: Cast) -> dict[str, Any]:
    return {"project_pk": cast.website.pk}


def planning_meeting(cast: Cast) -> dict[str, Any]:
    return {"pk": _meeting(cast).pk}


def undated_meeting(cast: Cast) -> dict[str, Any]:
    return {"pk": _meeting(cast, dated=False).pk}


def date_option(cast: Cast) -> dict[str, Any]:
    meeting = _meeting(cast, dated=False)
    starts = timezone.now() + datetime.timedelta(days=30)
    option, _created = DateOption.objects.get_or_create(
        meeting=meeting,
        starts_at=starts.replace(microsecond=0, second=0),
        defaults={"ends_at": starts.replace(microsecond=0, second=0) + datetime.timedelta(hours=2)},
    )
    return {"pk": meeting.pk, "option_pk": option.pk}


def a_venue(cast: Cast) -> dict[str, Any]:
    return {"pk": _venue().pk}
