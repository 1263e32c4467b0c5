"""The only way views fetch calls for members, their questions and the applications to them.

A call is found through its project (see `projects.lookups`): people outside the project get
a 404 whether or not it exists. Members who are not on a call's selection panel get a 403,
whether or not the call exists, so they learn nothing about which calls there are.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.http import AuthenticatedHttpRequest
from projects.lookups import ProjectAccess, get_project_for_user
from projects.models import Project
from recruitment import policy
from recruitment.models import Application, Call, CallQuestion, PanelMember


@dataclass(frozen=True)
class CallAccess:
    """A call for members, with what the signed-in person may do with it."""

    access: ProjectAccess
    call: Call
    on_panel: bool  # sits on the call's selection panel, so scores applications
    can_assess: bool

    @property
    def project(self) -> Project:
        return self.access.project

    @property
    def can_manage(self) -> bool:
        return self.access.can_manage


def get_call_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, pk: int, *, panel: bool = False
) -> CallAccess:
    """A call for members: for the people who lead the project, or with `panel=True` also
    for the members on its selection panel."""
    access = get_project_for_user(request, project_pk)
    user = request.user
    call = Call.objects.filter(project=access.project, pk=pk).first()
    if call is None:
        if not access.can_manage:
            raise PermissionDenied  # a member learns nothing about which calls exist
        raise Http404
    on_panel = (
        access.membership is not None and PanelMember.objects.filter(call=call, user=user).exists()
    )
    allowed = (
        policy.can_see_applications(user, access.membership, on_panel=on_panel)
        if panel
        else access.can_manage
    )
    if not allowed:
        raise PermissionDenied
    return CallAccess(
        access=access,
        call=call,
        on_panel=on_panel,
        can_assess=policy.can_assess(user, access.membership, on_panel=on_panel),
    )


def get_call_question_for_user(
    request: AuthenticatedHttpRequest, project_pk: int, call_pk: int, pk: int
) -> tuple[CallAccess, CallQuestion]:
    """A question on a call's application form, for the people who lead the project."""
    call_access = get_call_for_user(request, project_pk, call_pk)
    question = CallQuestion.objects.filter(call=call_access.call, pk=pk).first()
    if question is None:
        raise Http404
    return call_access, question


def get_application_for_user(
    request: AuthenticatedHttpRequest,
    project_pk: int,
    call_pk: int,
    pk: int,
    *,
    manage: bool = False,
) -> tuple[CallAccess, Application]:
    """An application to a call: for its selection panel and the project's leaders, or with
    `manage=True` for the leaders only."""
    call_access = get_call_for_user(request, project_pk, call_pk, panel=not manage)
    application = (
        Application.objects.select_related("entered_by")
        .filter(call=call_access.call, pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    application.call = call_access.call
    return call_access, application
