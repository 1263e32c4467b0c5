"""The only way views fetch meetings and venues.

A meeting is found through its project: people outside the project get a 404 whether or not
the meeting exists; members who try something only organisers may do get a 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from coproduce.lib.auth import signed_in_user
from meetings import policy
from meetings.models import Invitee, Meeting, Venue
from projects import policy as project_policy
from projects.lookups import ProjectAccess
from projects.models import Membership


@dataclass(frozen=True)
class MeetingAccess:
    meeting: Meeting
    project_access: ProjectAccess
    # The signed-in person's invitation to this meeting, if they have one.
    invitee: Invitee | None
    can_manage: bool
    can_take_minutes: bool
    can_answer_input: bool

    @property
    def membership(self) -> Membership | None:
        return self.project_access.membership


def get_meeting_for_user(
    request: HttpRequest, pk: int, *, manage: bool = False, minutes: bool = False
) -> MeetingAccess:
    """A meeting of one of the person's projects.

    `manage` asks for an organiser of the meeting; `minutes` for someone who keeps its record.
    """
    user = signed_in_user(request)
    meeting = Meeting.objects.select_related("project", "venue").filter(pk=pk).first()
    membership = (
        Membership.objects.current().filter(project_id=meeting.project_id, user=user).first()
        if meeting
        else None
    )
    if meeting is None or not project_policy.can_view_project(user, membership):
        raise Http404
    can_manage = project_policy.can_manage_project(user, membership)
    access = MeetingAccess(
        meeting=meeting,
        project_access=ProjectAccess(
            project=meeting.project,
            membership=membership,
            can_manage=can_manage,
            can_see_contacts=project_policy.can_see_contact_details(user, membership),
        ),
        invitee=Invitee.objects.filter(meeting=meeting, user=user).first(),
        can_manage=can_manage,
        can_take_minutes=policy.can_take_minutes(user, membership),
        can_answer_input=policy.can_answer_written_input(user, membership),
    )
    if manage and not access.can_manage:
        raise PermissionDenied
    if minutes and not access.can_take_minutes:
        raise PermissionDenied
    return access


def get_venue_for_user(request: HttpRequest, pk: int, *, manage: bool = False) -> Venue:
    user = signed_in_user(request)
    venue = Venue.objects.filter(pk=pk).first()
    if venue is None:
        raise Http404
    if manage and not policy.can_manage_venues(user):
        raise PermissionDenied
    return venue
