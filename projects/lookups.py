"""The only way views fetch projects and the things inside them.

Each helper returns the object together with what the signed-in person may do with it,
or raises. People outside a project get a 404 whether or not the project exists, so a
guessed address reveals nothing; members who try something only leaders may do get a 403.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.queries import columns, models_of_row, table
from projects import policy
from projects.models import (
    Frustration,
    Invitation,
    Membership,
    Milestone,
    Outcome,
    OutcomeTask,
    Phase,
    Project,
    Skill,
    Stakeholder,
    Theme,
)


@dataclass(frozen=True)
class ProjectAccess:
    project: Project
    membership: Membership | None
    can_manage: bool
    can_see_contacts: bool


def project_with_membership(pk: int, user_pk: int) -> tuple[Project | None, Membership | None]:
    """The project and the person's current membership of it (as
    `MembershipQuerySet.current`), in one query written in SQL (see `coproduce.lib.queries`):
    every page of a project starts here."""
    sql = (
        f"SELECT {columns(Project, 'p')}, {columns(Membership, 'm')}"  # noqa: S608  # our own tables; values go as parameters
        f" FROM {table(Project)} p LEFT JOIN {table(Membership)} m"
        " ON m.project_id = p.id AND m.user_id = %s AND m.left_at IS NULL WHERE p.id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_pk, pk])
        row = cursor.fetchone()
    if row is None:
        return None, None
    project, membership = models_of_row(row, [Project, Membership])
    if membership is not None:
        # As select_related leaves it: nothing more to ask for.
        Membership._meta.get_field("project").set_cached_value(membership, project)
    return project, membership  # type: ignore[return-value]


def get_project_for_user(
    request: AuthenticatedHttpRequest, pk: int, *, manage: bool = False
) -> ProjectAccess:
    user = request.user
    project, membership = project_with_membership(pk, user.pk)
    if project is None or not policy.can_view_project(user, membership):
        raise Http404
    access = ProjectAccess(
        project=project,
        membership=membership,
        can_manage=policy.can_manage_project(user, membership),
        can_see_contacts=policy.can_see_contact_details(user, membership),
    )
    if manage and not access.can_manage:
        raise PermissionDenied
    return access


def get_membership_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int, *, manage: bool = True
) -> tuple[ProjectAccess, Membership]:
    """A current member of the project: by default only for the people who lead it."""
    access = get_project_for_user(request, project_pk, manage=manage)
    membership = (
        Membership.objects.current()
        .select_related("user__profile")
        .filter(project=access.project, pk=pk)
        .first()
    )
    if membership is None:
        raise Http404
    return access, membership


def get_invitation_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Invitation]:
    access = get_project_for_user(request, project_pk, manage=True)
    invitation = Invitation.objects.filter(project=access.project, pk=pk).first()
    if invitation is None:
        raise Http404
    return access, invitation


def _get_project_item[Item: (Skill, Stakeholder, Theme, Frustration)](
    request: AuthenticatedHttpRequest, project_pk: int, model: type[Item], pk: int
) -> tuple[ProjectAccess, Item]:
    access = get_project_for_user(request, project_pk, manage=True)
    item = model._default_manager.filter(project=access.project, pk=pk).first()
    if item is None:
        raise Http404
    return access, item


def get_stakeholder_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Stakeholder]:
    """A stakeholder on the project's map, for the people who lead the project."""
    return _get_project_item(request, project_pk, Stakeholder, pk)


def get_skill_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Skill]:
    """A skill the project needs, for the people who lead the project."""
    return _get_project_item(request, project_pk, Skill, pk)


def get_outcome_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Outcome]:
    """An outcome of the project, for the people who lead the project."""
    access = get_project_for_user(request, project_pk, manage=True)
    outcome = Outcome.objects.filter(project=access.project, pk=pk).first()
    if outcome is None:
        raise Http404
    return access, outcome


def get_outcome_task_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, OutcomeTask]:
    """A task towards one of the project's outcomes, for the people who lead the project."""
    access = get_project_for_user(request, project_pk, manage=True)
    task = (
        OutcomeTask.objects.select_related("outcome")
        .filter(outcome__project=access.project, pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    return access, task


def get_milestone_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Milestone]:
    """A milestone in the project's work plan, for the people who lead the project."""
    access = get_project_for_user(request, project_pk, manage=True)
    milestone = Milestone.objects.filter(project=access.project, pk=pk).first()
    if milestone is None:
        raise Http404
    return access, milestone


def get_phase_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Phase]:
    """A phase of the project's work, for the people who lead the project."""
    access = get_project_for_user(request, project_pk, manage=True)
    phase = Phase.objects.filter(project=access.project, pk=pk).first()
    if phase is None:
        raise Http404
    return access, phase


def get_theme_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Theme]:
    """A theme the group ranks, for the people who lead the project."""
    return _get_project_item(request, project_pk, Theme, pk)


def get_frustration_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int
) -> tuple[ProjectAccess, Frustration]:
    """A frustration noted in the project, for the people who lead it (they respond)."""
    return _get_project_item(request, project_pk, Frustration, pk)
