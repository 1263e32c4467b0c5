"""The only way views fetch proposals, decisions, actions and "you said, we did" entries.

Each is found through its project, as meetings are: people outside the project get a 404
whether or not the thing exists; members who try something only leaders may do get a 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from decisions import policy
from decisions.models import Action, Credit, Entry, GroupDecision, Proposal, PublicPage
from meetings.models import ActionPoint
from projects import policy as project_policy
from projects.lookups import ProjectAccess, project_with_membership
from projects.models import Membership, Project


@dataclass(frozen=True)
class GroupAccess:
    """A project, and what the signed-in person may do with its decisions."""

    project_access: ProjectAccess
    can_take_part: bool
    can_decide: bool
    can_record: bool

    @property
    def project(self) -> Project:
        return self.project_access.project

    @property
    def membership(self) -> Membership | None:
        return self.project_access.membership

    # Project templates (the tabs) read `access.can_manage`.
    @property
    def can_manage(self) -> bool:
        return self.can_decide


def _access(user: User, project: Project | None) -> GroupAccess:
    membership = (
        Membership.objects.current().filter(project=project, user=user).first()
        if project is not None
        else None
    )
    return _access_with(user, project, membership)


def _access_with(user: User, project: Project | None, membership: Membership | None) -> GroupAccess:
    if project is None or not project_policy.can_view_project(user, membership):
        raise Http404
    return GroupAccess(
        project_access=ProjectAccess(
            project=project,
            membership=membership,
            can_manage=project_policy.can_manage_project(user, membership),
            can_see_contacts=project_policy.can_see_contact_details(user, membership),
        ),
        can_take_part=policy.can_take_part(user, membership),
        can_decide=policy.can_decide(user, membership),
        can_record=policy.can_record_responses(user, membership),
    )


def _check(
    access: GroupAccess, *, decide: bool = False, take_part: bool = False, record: bool = False
) -> GroupAccess:
    if decide and not access.can_decide:
        raise PermissionDenied
    if take_part and not access.can_take_part:
        raise PermissionDenied
    if record and not access.can_record:
        raise PermissionDenied
    return access


def get_group_for_user(
    request: AuthenticatedHttpRequest,
    project_pk: int,
    *,
    decide: bool = False,
    take_part: bool = False,
) -> GroupAccess:
    project, membership = project_with_membership(project_pk, request.user.pk)
    access = _access_with(request.user, project, membership)
    return _check(access, decide=decide, take_part=take_part)


def get_proposal_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, edit: bool = False
) -> tuple[GroupAccess, Proposal]:
    proposal = Proposal.objects.select_related("project", "author").filter(pk=pk).first()
    access = _access(request.user, proposal.project if proposal else None)
    assert proposal is not None
    if edit and not policy.can_edit_proposal(request.user, access.membership, proposal):
        raise PermissionDenied
    return access, proposal


def get_decision_for_user(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    decide: bool = False,
    take_part: bool = False,
    record: bool = False,
) -> tuple[GroupAccess, GroupDecision]:
    decision = (
        GroupDecision.objects.select_related("project", "meeting", "agenda_item", "proposal")
        .filter(pk=pk)
        .first()
    )
    access = _access(request.user, decision.project if decision else None)
    assert decision is not None
    return _check(access, decide=decide, take_part=take_part, record=record), decision


def get_action_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, change: bool = False
) -> tuple[GroupAccess, Action]:
    """An action agreed between meetings: moved on by its owner or the people who keep the
    record; changed or removed (`change`) by the decision-makers, who add them."""
    action = Action.objects.select_related("project", "owner").filter(pk=pk).first()
    access = _access(request.user, action.project if action else None)
    assert action is not None
    if change:
        return _check(access, decide=True), action
    if not policy.can_move_action(request.user, access.membership, action.owner_id):
        raise PermissionDenied
    return access, action


def get_action_point_for_user(
    request: AuthenticatedHttpRequest, pk: int
) -> tuple[GroupAccess, ActionPoint]:
    """A meeting's action point, in the action log: for its owner or the record keepers."""
    action = ActionPoint.objects.select_related("meeting__project", "owner").filter(pk=pk).first()
    access = _access(request.user, action.meeting.project if action else None)
    assert action is not None
    if not policy.can_move_action(request.user, access.membership, action.owner_id):
        raise PermissionDenied
    return access, action


def get_entry_for_user(request: AuthenticatedHttpRequest, pk: int) -> tuple[GroupAccess, Entry]:
    """A "you said, we did" entry, for the people who keep the page."""
    entry = Entry.objects.select_related("project").filter(pk=pk).first()
    access = _access(request.user, entry.project if entry else None)
    assert entry is not None
    return _check(access, decide=True), entry


def get_credit_for_user(request: AuthenticatedHttpRequest, entry_pk: int) -> Credit:
    """The signed-in person's own credit on an entry: nobody else's."""
    credit = (
        Credit.objects.select_related("entry__project")
        .filter(entry_id=entry_pk, user=request.user)
        .first()
    )
    if credit is None:
        raise Http404
    return credit


@dataclass(frozen=True)
class PublicAccess:
    project: Project
    page: PublicPage
    # Set when a member of the group is looking (they see the page before it is public).
    group: GroupAccess | None


def get_public_page(request: HttpRequest, project_pk: int) -> PublicAccess:
    """The project's "you said, we did" page: for anyone once published, before that only
    for its group. Unpublished, it answers 404 to everyone else, as if it did not exist."""
    project = Project.objects.select_related("public_page").filter(pk=project_pk).first()
    if project is None:
        raise Http404
    page = getattr(project, "public_page", None) or PublicPage(project=project)
    group = None
    if isinstance(request.user, User) and request.user.is_authenticated:
        try:
            group = _access(request.user, project)
        except Http404:
            group = None
    if not page.is_published and group is None:
        raise Http404
    return PublicAccess(project=project, page=page, group=group)
