"""The only way views fetch meetings and venues.

A meeting is found through its project: people outside the project get a 404 whether or not
the meeting exists; members who try something only organisers may do get a 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.http import Http404

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.queries import columns, models_of_row, only_row, table
from meetings import policy
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Arrangement,
    DateOption,
    Decision,
    InputKind,
    Invitee,
    Meeting,
    Paper,
    PaperNotice,
    PaperVersion,
    UnmetNeedReason,
    Venue,
    WrittenInput,
)
from people.models import AccessNeedType
from projects import policy as project_policy
from projects.lookups import ProjectAccess
from projects.models import Membership, Project


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


def _meeting_with_viewer(
    pk: int, user_pk: int
) -> tuple[Meeting | None, Membership | None, Invitee | None]:
    """The meeting with its project and venue, and the person's current membership of the
    project (as `MembershipQuerySet.current`) and invitation, in one query written in SQL
    (see `coproduce.lib.queries`): every page of a meeting starts here."""
    sql = (
        f"SELECT {columns(Meeting, 'mt')}, {columns(Project, 'p')}, {columns(Venue, 'v')},"  # noqa: S608  # our own tables; values go as parameters
        f" {columns(Membership, 'ms')}, {columns(Invitee, 'i')}"
        f" FROM {table(Meeting)} mt JOIN {table(Project)} p ON p.id = mt.project_id"
        f" LEFT JOIN {table(Venue)} v ON v.id = mt.venue_id"
        f" LEFT JOIN {table(Membership)} ms"
        " ON ms.project_id = p.id AND ms.user_id = %s AND ms.left_at IS NULL"
        f" LEFT JOIN {table(Invitee)} i ON i.meeting_id = mt.id AND i.user_id = %s"
        " WHERE mt.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_pk, user_pk, pk])
        row = cursor.fetchone()
    if row is None:
        return None, None, None
    meeting, project, venue, membership, invitee = models_of_row(
        row, [Meeting, Project, Venue, Membership, Invitee]
    )
    assert isinstance(meeting, Meeting)
    # As select_related leaves them: nothing more to ask for.
    Meeting._meta.get_field("project").set_cached_value(meeting, project)
    Meeting._meta.get_field("venue").set_cached_value(meeting, venue)
    if membership is not None:
        Membership._meta.get_field("project").set_cached_value(membership, project)
    if invitee is not None:
        Invitee._meta.get_field("meeting").set_cached_value(invitee, meeting)
    return meeting, membership, invitee  # type: ignore[return-value]


def get_meeting_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, manage: bool = False, minutes: bool = False
) -> MeetingAccess:
    """A meeting of one of the person's projects.

    `manage` asks for an organiser of the meeting; `minutes` for someone who keeps its record.
    """
    user = request.user
    meeting, membership, invitee = _meeting_with_viewer(pk, user.pk)
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
        invitee=invitee,
        can_manage=can_manage,
        can_take_minutes=policy.can_take_minutes(user, membership),
        can_answer_input=policy.can_answer_written_input(user, membership),
    )
    if manage and not access.can_manage:
        raise PermissionDenied
    if minutes and not access.can_take_minutes:
        raise PermissionDenied
    return access


def get_venue_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, manage: bool = False
) -> Venue:
    user = request.user
    venue = Venue.objects.filter(pk=pk).first()
    if venue is None:
        raise Http404
    if manage and not policy.can_manage_venues(user):
        raise PermissionDenied
    return venue


# ---------------------------------------------------------------------------------------------
# What belongs to one meeting


def _of_meeting[Row: models.Model](
    access: MeetingAccess, rows: models.QuerySet[Row], pk: int
) -> Row:
    """The row `pk` among `rows` of the meeting, with the meeting already attached."""
    row = only_row(rows.filter(meeting=access.meeting, pk=pk))
    if row is None:
        raise Http404
    row.meeting = access.meeting  # type: ignore[attr-defined]
    return row


def get_agenda_item_for_user(
    request: AuthenticatedHttpRequest,
    pk: int,
    item_pk: int,
    *,
    manage: bool = False,
    minutes: bool = False,
) -> tuple[MeetingAccess, AgendaItem]:
    access = get_meeting_for_user(request, pk, manage=manage, minutes=minutes)
    return access, _of_meeting(access, AgendaItem.objects.all(), item_pk)


def get_paper_for_user(
    request: AuthenticatedHttpRequest, pk: int, paper_pk: int, *, manage: bool = False
) -> tuple[MeetingAccess, Paper]:
    access = get_meeting_for_user(request, pk, manage=manage)
    return access, _of_meeting(access, Paper.objects.all(), paper_pk)


def get_paper_version_for_user(
    request: AuthenticatedHttpRequest,
    pk: int,
    paper_pk: int,
    version_pk: int,
    *,
    manage: bool = False,
) -> tuple[MeetingAccess, PaperVersion]:
    access, paper = get_paper_for_user(request, pk, paper_pk, manage=manage)
    version = PaperVersion.objects.filter(paper=paper, pk=version_pk).first()
    if version is None:
        raise Http404
    version.paper = paper
    return access, version


def get_paper_notice_for_user(
    request: AuthenticatedHttpRequest, pk: int, paper_pk: int, notice_pk: int
) -> tuple[MeetingAccess, PaperNotice]:
    """That one person is to be told about a paper, for the meeting's organisers."""
    access, paper = get_paper_for_user(request, pk, paper_pk, manage=True)
    notice = PaperNotice.objects.filter(paper=paper, pk=notice_pk).select_related("user").first()
    if notice is None:
        raise Http404
    notice.paper = paper
    return access, notice


def get_invitee_for_user(
    request: AuthenticatedHttpRequest, pk: int, invitee_pk: int
) -> tuple[MeetingAccess, Invitee]:
    """Someone invited to a meeting, for its organisers."""
    access = get_meeting_for_user(request, pk, manage=True)
    return access, _of_meeting(access, Invitee.objects.select_related("user"), invitee_pk)


def get_date_option_for_user(
    request: AuthenticatedHttpRequest, pk: int, option_pk: int, *, manage: bool = False
) -> tuple[MeetingAccess, DateOption]:
    """A date offered in a meeting's poll."""
    access = get_meeting_for_user(request, pk, manage=manage)
    return access, _of_meeting(access, DateOption.objects.all(), option_pk)


def get_arrangement_for_user(
    request: AuthenticatedHttpRequest, pk: int, arrangement_pk: int
) -> tuple[MeetingAccess, Arrangement]:
    """Support booked for a meeting, for its organisers."""
    access = get_meeting_for_user(request, pk, manage=True)
    return access, _of_meeting(access, Arrangement.objects.all(), arrangement_pk)


def get_need_type_for_meeting(
    request: AuthenticatedHttpRequest, pk: int, need_type_pk: int
) -> tuple[MeetingAccess, AccessNeedType, UnmetNeedReason | None]:
    """A catalogue entry, and the reason recorded for it at the meeting if any, for organisers."""
    access = get_meeting_for_user(request, pk, manage=True)
    need_type = AccessNeedType.objects.filter(pk=need_type_pk).first()
    if need_type is None:
        raise Http404
    reason = UnmetNeedReason.objects.filter(meeting=access.meeting, need_type=need_type).first()
    if reason is not None:
        reason.meeting, reason.need_type = access.meeting, need_type
    return access, need_type, reason


def get_decision_for_user(
    request: AuthenticatedHttpRequest, pk: int, decision_pk: int
) -> tuple[MeetingAccess, Decision]:
    """A decision recorded at a meeting, for the people who keep its record."""
    access = get_meeting_for_user(request, pk, minutes=True)
    return access, _of_meeting(access, Decision.objects.select_related("agenda_item"), decision_pk)


def get_action_point_for_user(
    request: AuthenticatedHttpRequest, pk: int, action_pk: int, *, minutes: bool = True
) -> tuple[MeetingAccess, ActionPoint]:
    """An action point from a meeting: for the record keepers, or (`minutes=False`) also for
    the person who owns it, who may mark it done."""
    access = get_meeting_for_user(request, pk)
    action = _of_meeting(
        access, ActionPoint.objects.select_related("agenda_item", "owner"), action_pk
    )
    is_owner = action.owner_id is not None and action.owner_id == request.user.pk
    if not access.can_take_minutes and (minutes or not is_owner):
        raise PermissionDenied
    return access, action


def get_cooling_off_input_for_user(
    request: AuthenticatedHttpRequest, pk: int, input_pk: int
) -> tuple[MeetingAccess, WrittenInput]:
    """A thought sent while cooling off, for the chair, co-chair or a facilitator to answer."""
    access = get_meeting_for_user(request, pk)
    if not access.can_answer_input:
        raise PermissionDenied
    rows = WrittenInput.objects.filter(kind=InputKind.COOLING_OFF).select_related(
        "author", "agenda_item", "considered_by"
    )
    return access, _of_meeting(access, rows, input_pk)
