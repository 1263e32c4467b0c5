"""How the accessibility walk reaches the planning pages, from the demo: the website group's
meeting "Testing the crisis pages with users" in ten days at the Old Library meeting room,
and "Spring planning day", which is finding its date from three options."""

import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from meetings.models import DateOption, Meeting, Venue
from tests.conftest import Demo

UPCOMING = "Testing the crisis pages with users"
SPRING = "Spring planning day"
HELD = "Planning the new website"


def website_project(demo: Demo) -> dict[str, Any]:
    return {"project_pk": demo.website.pk}


def upcoming_meeting(demo: Demo) -> dict[str, Any]:
    return {"pk": Meeting.objects.get(project=demo.website, title=UPCOMING).pk}


def spring_planning_day(demo: Demo) -> dict[str, Any]:
    return {"pk": Meeting.objects.get(project=demo.website, title=SPRING).pk}


def a_spring_date(demo: Demo) -> dict[str, Any]:
    option = DateOption.objects.filter(meeting__title=SPRING).order_by("starts_at").first()
    assert option is not None
    return {"pk": option.meeting_id, "option_pk": option.pk}


def the_old_library(demo: Demo) -> dict[str, Any]:
    return {"pk": Venue.objects.get(name="Old Library meeting room").pk}


def spring_meeting_page(demo: Demo) -> str:
    return reverse("meetings:detail", kwargs=spring_planning_day(demo))


def held_meeting_page(demo: Demo) -> str:
    return reverse("meetings:detail", kwargs={"pk": Meeting.objects.get(title=HELD).pk})


def venue_search(demo: Demo) -> str:
    return reverse("meetings:venues") + "?q=library"


def a_spring_date_too_soon_for_papers(demo: Demo) -> str:
    """A date offered three days away: choosing it warns that papers cannot go in time."""
    meeting = Meeting.objects.get(project=demo.website, title=SPRING)
    day = timezone.localdate() + datetime.timedelta(days=3)
    starts = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    option, _created = DateOption.objects.get_or_create(
        meeting=meeting,
        starts_at=starts,
        defaults={"ends_at": starts + datetime.timedelta(hours=2)},
    )
    return reverse("meetings:date_choose", kwargs={"pk": meeting.pk, "option_pk": option.pk})
