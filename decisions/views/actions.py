"""The project's action log, the barriers and bottlenecks, actions agreed between meetings
and moving an action on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.concurrency import (
    StaleEdit,
    plain_form_after_stale_edit,
    versioned_form_submit,
)
from coproduce.lib.pagination import paginate
from decisions.forms import ActionEditForm, ActionForm, ActionStatusForm
from decisions.lookups import (
    GroupAccess,
    get_action_for_user,
    get_action_point_for_user,
    get_group_for_user,
)
from decisions.models import Action
from decisions.services import Refused
from decisions.services import actions as services
from meetings.models import ActionPoint, ActionStatus
from projects.models import Project


def _context(access: GroupAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


@login_required
@require_GET
def action_log(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk)
    status = request.GET.get("status", "")
    if status not in ActionStatus.values:
        status = ""
    overdue = request.GET.get("overdue") == "yes"
    mine = request.GET.get("mine") == "yes"
    decision = request.GET.get("decision", "")
    log_filter = services.LogFilter(
        status=status,
        overdue=overdue,
        owner_id=request.user.pk if mine else None,
        decision_id=int(decision) if decision.isdigit() else None,
    )
    page = paginate(request, services.action_log(access.project, log_filter))
    return render(
        request,
        "decisions/action_log.html",
        _context(
            access,
            page=page,
            rows=services.log_rows(list(page.object_list)),
            status=status,
            statuses=ActionStatus.choices,
            overdue=overdue,
            mine=mine,
            today=timezone.localdate(),
        ),
    )


@login_required
@require_GET
def barriers(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk)
    log_filter = services.LogFilter(status=ActionStatus.BLOCKED)
    page = paginate(request, services.action_log(access.project, log_filter))
    return render(
        request,
        "decisions/barriers.html",
        _context(
            access,
            page=page,
            rows=services.log_rows(list(page.object_list)),
            next_meeting=services.next_meeting(access.project),
        ),
    )


@login_required
@require_POST
def barriers_to_agenda(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk, decide=True)
    try:
        meeting, _item = services.barriers_to_agenda(project=access.project, actor=request.user)
    except Refused as error:
        messages.error(request, str(error))
        return redirect("decisions:barriers", access.project.pk)
    messages.success(
        request,
        _("The blocked actions are on the agenda of “%(title)s”.") % {"title": meeting.title},
    )
    return redirect("meetings:agenda", meeting.pk)


@login_required
@require_POST
def actions_remind(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk, decide=True)
    reminded = services.overdue_remind(
        project_id=access.project.pk, base_url=request.build_absolute_uri("/")
    )
    if reminded:
        messages.success(
            request,
            _("We reminded the owners of overdue actions (%(n)s people).") % {"n": reminded},
        )
    else:
        messages.info(
            request,
            _(
                "Nobody needed a reminder: no action is overdue, or its owner has been"
                " reminded since it became overdue."
            ),
        )
    return redirect("decisions:actions", access.project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk, decide=True)
    action = Action(project=access.project)
    if (decision := request.GET.get("decision", "")).isdigit():
        action.decision = access.project.decisions.filter(pk=int(decision)).first()
    form = ActionForm(
        request.POST if request.method == "POST" else None,
        instance=action,
        project=access.project,
    )
    if request.method == "POST" and form.is_valid():
        services.action_add(action=form.instance, actor=request.user)
        messages.success(request, _("The action is added to the log."))
        return redirect("decisions:actions", access.project.pk)
    return render(
        request,
        "decisions/action_form.html",
        _context(access, form=form),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, action = get_action_for_user(request, pk, change=True)
    form, done = versioned_form_submit(
        request,
        ActionEditForm,
        action,
        add=lambda _action: None,  # never called: the action is saved already
        update=lambda changed_action, changed, version: services.action_update(
            action=changed_action, actor=request.user, changed=changed, expected_version=version
        ),
        project=access.project,
    )
    if done:
        messages.success(request, _("The action is saved."))
        return redirect("decisions:actions", access.project.pk)
    return render(
        request,
        "decisions/action_form.html",
        _context(access, form=form, action=action),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, action = get_action_for_user(request, pk, change=True)
    if request.method == "POST":
        services.action_remove(action=action, actor=request.user)
        messages.success(request, _("The action is removed from the log."))
        return redirect("decisions:actions", access.project.pk)
    return render(request, "decisions/action_remove.html", _context(access, action=action))


def _status_page(
    request: AuthenticatedHttpRequest,
    access: GroupAccess,
    action: Action | ActionPoint,
    project: Project,
) -> HttpResponse:
    form = ActionStatusForm(
        request.POST if request.method == "POST" else None,
        initial={"status": action.status, "barrier": action.barrier, "version": action.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.action_move(
                action=action,
                actor=request.user,
                status=form.cleaned_data["status"],
                barrier=form.cleaned_data["barrier"],
                project=project,
                expected_version=form.cleaned_data["version"],
            )
        except Refused as error:
            form.add_error(None, str(error))
        except StaleEdit:
            action.refresh_from_db()
            form = plain_form_after_stale_edit(ActionStatusForm, request, version=action.version)
        else:
            messages.success(
                request,
                _("The action is now: %(status)s.")
                % {"status": ActionStatus(form.cleaned_data["status"]).label},
            )
            return redirect(reverse("decisions:actions", args=[project.pk]))
    return render(
        request,
        "decisions/action_status.html",
        _context(access, form=form, action=action),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, action = get_action_for_user(request, pk)
    return _status_page(request, access, action, access.project)


@login_required
@require_http_methods(["GET", "POST"])
def action_point_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, action = get_action_point_for_user(request, pk)
    return _status_page(request, access, action, access.project)
