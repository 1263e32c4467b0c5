"""What the history takes from projects: people joining, pausing, coming back, changing role
and leaving, ground rules adopted and milestones met."""

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import Cast
from coproduce.lib.history import events_of, history_of
from projects import history
from projects.models import (
    Membership,
    MembershipPause,
    Milestone,
    MilestoneStatus,
    ProjectRole,
)
from projects.services import membership_change, membership_end
from projects.tests.test_ground_rules import adopted


def texts(cast: Cast, **filters: Any) -> list[str]:
    rows = history_of([history.SOURCE], cast.website, **filters)
    return [str(event.text) for event in events_of([history.SOURCE], rows or [], cast.website)]


def test_it_tells_who_joined_paused_came_back_changed_role_and_left(cast: Cast) -> None:
    Membership.objects.filter(project=cast.website).exclude(user=cast.member).update(
        joined_at=timezone.now() - datetime.timedelta(days=30)
    )
    amira = cast.membership(cast.member)
    MembershipPause.objects.create(membership=amira, ended_at=timezone.now())
    colin = cast.membership(cast.carer)
    membership_change(
        membership=colin, actor=cast.chair, role=ProjectRole.CO_CHAIR, member_type=colin.member_type
    )
    membership_end(membership=cast.membership(cast.commissioner), actor=cast.chair)
    shown = texts(cast)
    assert set(shown[:5]) == {
        "Amira Haddad joined the group",
        "Amira Haddad paused their membership",
        "Amira Haddad came back from a pause",
        "Changed Colin Price from Member to Co-chair, Carer",
        "Tom Gallagher left the group",
    }
    assert len(shown) == 10


def test_it_counts_a_pause_as_over_on_its_return_date_even_if_nobody_said_so(
    cast: Cast,
) -> None:
    amira = cast.membership(cast.member)
    today = timezone.localdate()
    MembershipPause.objects.create(membership=amira, return_on=today)
    assert "Amira Haddad came back from a pause" in texts(cast)
    MembershipPause.objects.update(return_on=today + datetime.timedelta(days=1))
    assert "Amira Haddad came back from a pause" not in texts(cast)


def test_it_tells_which_ground_rules_were_adopted_and_which_milestones_were_met(
    cast: Cast,
) -> None:
    adopted(cast)
    Milestone.objects.create(project=cast.website, title="Site map agreed", due_on="2026-03-01")
    Milestone.objects.create(
        project=cast.website,
        title="Crisis pages tested",
        due_on="2026-03-01",
        status=MilestoneStatus.MET,
        met_on=timezone.localdate(),
    )
    shown = texts(cast, kinds=[history.RULES, history.MILESTONES])
    assert sorted(shown) == [
        "The milestone “Crisis pages tested” was met",
        "Version 1 of the ground rules was adopted. What changed: First rules",
    ]


def test_it_keeps_to_the_days_asked_for(cast: Cast) -> None:
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Membership.objects.filter(project=cast.website).update(joined_at=long_ago)
    Membership.objects.filter(user=cast.member).update(joined_at=timezone.now())
    today = timezone.localdate()
    assert texts(cast, since=today, until=today) == ["Amira Haddad joined the group"]
    assert len(texts(cast, until=today - datetime.timedelta(days=1))) == 5


def test_it_shows_nothing_of_another_group_and_runs_no_query_of_its_own(cast: Cast) -> None:
    with CaptureQueriesContext(connection) as queries:
        rows = history.rows(cast.employment, kinds=[], since=None, until=None)
    assert len(queries) == 0
    assert len(rows) == 7
    shown = [
        str(event.text)
        for event in events_of(
            [history.SOURCE], history_of([history.SOURCE], cast.employment) or [], cast.employment
        )
    ]
    assert shown == ["Grace Whitfield joined the group"]


def test_it_shows_a_milestone_on_the_day_it_was_met_whatever_the_time_zone(
    cast: Cast, settings: Any
) -> None:
    met = datetime.date(2026, 6, 15)
    Milestone.objects.create(
        project=cast.website, title="Site map agreed", due_on=met, status="met", met_on=met
    )
    for zone in ["Europe/London", "America/New_York", "Asia/Kolkata"]:
        settings.TIME_ZONE = zone
        rows = history_of([history.SOURCE], cast.website, kinds=[history.MILESTONES], since=met)
        [event] = events_of([history.SOURCE], rows or [], cast.website)
        assert event.day == met, zone
