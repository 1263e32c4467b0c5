"""Two organisers at once on one meeting: cancelling it, and marking it ready. The step
happens once; the second person is told, and nobody is sent anything twice."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.urls import reverse

from accounts.models import AuditEvent
from conftest import Cast, at_the_same_moment, client_for
from meetings.models import Meeting, MeetingStatus
from meetings.services import access, planning
from meetings.tests import access_helpers
from meetings.tests.preparation import a_meeting, invite

# Pressing at the very same moment needs PostgreSQL: SQLite lets only one connection write.
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")


def _said(response: object) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_it_cancels_once_when_two_organisers_cancel_from_open_pages(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member, cast.carer)
    url = reverse("meetings:cancel", args=[meeting.pk])
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    assert deborah.get(url).status_code == grace.get(url).status_code == 200

    first = deborah.post(url, {"reason": "The venue flooded."})
    second = grace.post(url, {"reason": "Not enough people can come."})

    assert first.status_code == second.status_code == 302
    assert _said(second) == [
        "This meeting was already cancelled, so nothing more was sent. The reason given: "
        "The venue flooded."
    ]
    meeting.refresh_from_db()
    assert (meeting.status, meeting.cancel_reason) == (
        MeetingStatus.CANCELLED,
        "The venue flooded.",
    )
    # One cancellation each for Amira and Colin, not two.
    assert sorted(address for email in mail.outbox for address in email.to) == [
        "amira@example.org",
        "colin@example.org",
    ]
    assert AuditEvent.objects.filter(action="meeting.cancelled").count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_cancels_once_when_two_organisers_press_at_the_same_moment(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member)

    outcomes = at_the_same_moment(
        planning.PlanningError,
        *[
            lambda actor=actor, reason=reason: planning.meeting_cancel(
                meeting=Meeting.objects.get(pk=meeting.pk), actor=actor, reason=reason
            )
            for actor, reason in ((cast.chair, "The venue flooded."), (cast.coordinator, "Snow."))
        ],
    )

    assert outcomes == ["done", "refused"]
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="meeting.cancelled").count() == 1


def test_it_marks_a_meeting_ready_once_and_tells_the_second_organiser(cast: Cast) -> None:
    meeting = access_helpers.a_meeting(cast)
    url = reverse("meetings:mark_ready", args=[meeting.pk])
    plan = reverse("meetings:access_plan", args=[meeting.pk])
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    assert deborah.get(plan).status_code == grace.get(plan).status_code == 200

    first = grace.post(url)
    second = deborah.post(url)

    assert first.status_code == second.status_code == 302
    assert _said(second) == ["This meeting is already marked ready, so nothing changed."]
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.READY
    assert AuditEvent.objects.filter(action="meeting.ready").count() == 1


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_marks_a_meeting_ready_once_when_two_organisers_press_at_the_same_moment(
    cast: Cast,
) -> None:
    meeting = access_helpers.a_meeting(cast)

    outcomes = at_the_same_moment(
        access.AccessPlanError,
        *[
            lambda actor=actor: access.meeting_mark_ready(
                meeting=Meeting.objects.get(pk=meeting.pk), actor=actor
            )
            for actor in (cast.chair, cast.coordinator)
        ],
    )
    assert outcomes == ["done", "refused"]
    assert AuditEvent.objects.filter(action="meeting.ready").count() == 1
