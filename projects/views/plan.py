"""The group's plan: outcomes and their tasks, and the work plan's milestones."""

import itertools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.concurrency import versioned_form_submit
from coproduce.lib.pagination import paginate
from projects.forms.plan import (
    MilestoneForm,
    OutcomeForm,
    OutcomeTaskForm,
    PhaseForm,
    VersionedForm,
)
from projects.lookups import (
    ProjectAccess,
    get_milestone_for_user,
    get_outcome_for_user,
    get_outcome_task_for_user,
    get_phase_for_user,
    get_project_for_user,
)
from projects.models import Milestone, MilestoneStatus, Outcome, OutcomeTask, Phase
from projects.services import plan as services


def plan_form_page(
    request: AuthenticatedHttpRequest,
    access: ProjectAccess,
    form_class: type[VersionedForm],
    item: models.Model,
    *,
    heading: str,
    back: str,
    saved: str,
) -> HttpResponse:
    """Add (an unsaved `item`) or change a shared item of the plan, refusing stale saves."""
    form, done = versioned_form_submit(
        request,
        form_class,
        item,
        add=lambda item: services.plan_item_add(item=item, actor=request.user),
        update=lambda item, changed, version: services.plan_item_update(
            item=item, actor=request.user, changed=changed, expected_version=version
        ),
        project=access.project,
    )
    if done:
        messages.success(request, saved)
        return redirect(back, pk=access.project.pk)
    return render(
        request,
        "projects/plan_form.html",
        {
            "form": form,
            "project": access.project,
            "access": access,
            "heading": heading,
            "back": back,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The outcomes the group wants, each with the tasks that will bring it about."""
    access = get_project_for_user(request, pk)
    outcomes = (
        Outcome.objects.filter(project=access.project)
        .select_related("owner")
        .prefetch_related(
            Prefetch("tasks", queryset=OutcomeTask.objects.select_related("owner")),
        )
    )
    return render(
        request,
        "projects/plan.html",
        {"access": access, "project": access.project, "page": paginate(request, outcomes)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    return plan_form_page(
        request,
        access,
        OutcomeForm,
        Outcome(project=access.project),
        heading=_("Add an outcome"),
        back="projects:plan",
        saved=_("The outcome is in the plan."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_edit(request: AuthenticatedHttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    access, outcome = get_outcome_for_user(request, pk, outcome_pk)
    return plan_form_page(
        request,
        access,
        OutcomeForm,
        outcome,
        heading=_("Change the outcome “%(title)s”") % {"title": outcome.title},
        back="projects:plan",
        saved=_("The outcome is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_task_add(request: AuthenticatedHttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    access, outcome = get_outcome_for_user(request, pk, outcome_pk)
    return plan_form_page(
        request,
        access,
        OutcomeTaskForm,
        OutcomeTask(outcome=outcome),
        heading=_("Add a task towards “%(title)s”") % {"title": outcome.title},
        back="projects:plan",
        saved=_("The task is in the plan."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def outcome_task_edit(request: AuthenticatedHttpRequest, pk: int, task_pk: int) -> HttpResponse:
    access, task = get_outcome_task_for_user(request, pk, task_pk)
    return plan_form_page(
        request,
        access,
        OutcomeTaskForm,
        task,
        heading=_("Change the task “%(title)s”") % {"title": task.title},
        back="projects:plan",
        saved=_("The task is saved."),
    )


def _milestones(access: ProjectAccess) -> Any:
    return Milestone.objects.filter(project=access.project).select_related("owner", "outcome")


@login_required
@require_GET
def work_plan(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The work plan as a table, in date order, with overdue milestones flagged."""
    access = get_project_for_user(request, pk)
    milestones = _milestones(access)
    today = timezone.localdate()
    overdue = milestones.filter(due_on__lt=today).exclude(status=MilestoneStatus.MET).count()
    return render(
        request,
        "projects/work_plan.html",
        {
            "access": access,
            "project": access.project,
            "page": paginate(request, milestones),
            "overdue": overdue,
        },
    )


@login_required
@require_GET
def work_plan_timeline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The same milestones as a timeline: a list by month that a screen reader reads in order."""
    access = get_project_for_user(request, pk)
    page = paginate(request, _milestones(access))
    months = [
        (month, list(items))
        for month, items in itertools.groupby(page, key=lambda m: m.due_on.replace(day=1))
    ]
    return render(
        request,
        "projects/work_plan_timeline.html",
        {
            "access": access,
            "project": access.project,
            "page": page,
            "months": months,
            "today": timezone.localdate(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    return plan_form_page(
        request,
        access,
        MilestoneForm,
        Milestone(project=access.project),
        heading=_("Add a milestone"),
        back="projects:work_plan",
        saved=_("The milestone is in the work plan."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request: AuthenticatedHttpRequest, pk: int, milestone_pk: int) -> HttpResponse:
    access, milestone = get_milestone_for_user(request, pk, milestone_pk)
    return plan_form_page(
        request,
        access,
        MilestoneForm,
        milestone,
        heading=_("Change the milestone “%(title)s”") % {"title": milestone.title},
        back="projects:work_plan",
        saved=_("The milestone is saved."),
    )


@login_required
@require_GET
def phases(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The phases of the work, with their dates, staff time and budget."""
    access = get_project_for_user(request, pk)
    return render(
        request,
        "projects/phases.html",
        {
            "access": access,
            "project": access.project,
            "page": paginate(request, Phase.objects.filter(project=access.project)),
            "resources": services.plan_figures(access.project).resources,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    last = Phase.objects.filter(project=access.project).order_by("-position").first()
    return plan_form_page(
        request,
        access,
        PhaseForm,
        Phase(project=access.project, position=(last.position if last else 0) + 1),
        heading=_("Add a phase"),
        back="projects:phases",
        saved=_("The phase is added."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def phase_edit(request: AuthenticatedHttpRequest, pk: int, phase_pk: int) -> HttpResponse:
    access, phase = get_phase_for_user(request, pk, phase_pk)
    return plan_form_page(
        request,
        access,
        PhaseForm,
        phase,
        heading=_("Change the phase “%(name)s”") % {"name": phase.name},
        back="projects:phases",
        saved=_("The phase is saved."),
    )
