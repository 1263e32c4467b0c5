"""What members expect from the group, and frustrations with the leaders' responses: one log
the whole group reads, and the group's periodic review works through."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.concurrency import versioned_form_submit
from coproduce.lib.pagination import paginate
from projects.forms.expectations import (
    ExpectationForm,
    FrustrationFilter,
    FrustrationForm,
    FrustrationResponseForm,
)
from projects.lookups import get_frustration_for_user, get_project_for_user
from projects.models import Expectation, Frustration, Membership
from projects.services import expectations as services


@login_required
@require_GET
def expectations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    project = access.project
    shown = FrustrationFilter(request.GET or None)
    state = shown.state
    frustrations = (
        Frustration.objects.filter(project=project)
        .in_state(state)
        .select_related("raised_by", "responded_by")
    )
    counts = Frustration.objects.filter(project=project).aggregate(
        open=Count("pk", filter=Q(responded_at__isnull=True)),
        answered=Count("pk", filter=Q(responded_at__isnull=False)),
    )
    said = Expectation.objects.filter(project=project).select_related("user")
    return render(
        request,
        "projects/expectations.html",
        {
            "access": access,
            "project": project,
            "shown": shown,
            "state": state,
            "counts": counts,
            "frustrations": paginate(request, frustrations, anchor="frustrations"),
            "expectations": paginate(
                request, said, param="expectations", anchor="what-members-expect"
            ),
            "mine": (
                Expectation.objects.filter(project=project, user=request.user).first()
                if access.membership
                else None
            ),
            "member_total": Membership.objects.current().filter(project=project).count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def expectation_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member says what they expect from the group: a step of their onboarding."""
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members of the group say what they expect from it
    mine = Expectation.objects.filter(project=access.project, user=request.user).first()
    form = ExpectationForm(request.POST if request.method == "POST" else None, instance=mine)
    if request.method == "POST" and form.is_valid():
        services.expectation_save(
            project=access.project, user=request.user, text=form.cleaned_data["text"]
        )
        messages.success(request, _("Thank you. The group can now read what you expect."))
        return redirect("projects:expectations", pk=pk)
    return render(
        request,
        "projects/expectation_form.html",
        {"form": form, "project": access.project, "access": access, "mine": mine},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def frustration_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members of the group note frustrations in it
    form = FrustrationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.frustration_note(
            project=access.project,
            user=request.user,
            text=form.cleaned_data["text"],
            anonymous=form.cleaned_data["anonymous"],
        )
        messages.success(
            request, _("Thank you. The group's leaders will respond to what you wrote.")
        )
        return redirect("projects:expectations", pk=pk)
    return render(
        request,
        "projects/frustration_form.html",
        {"form": form, "project": access.project, "access": access},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def frustration_respond(
    request: AuthenticatedHttpRequest, pk: int, frustration_pk: int
) -> HttpResponse:
    """A leader responds to a frustration, or changes the response."""
    access, frustration = get_frustration_for_user(request, pk, frustration_pk)
    form, done = versioned_form_submit(
        request,
        FrustrationResponseForm,
        frustration,
        add=lambda item: None,  # a frustration is noted before anyone responds
        update=lambda item, changed, version: services.frustration_respond(
            frustration=item, actor=request.user, changed=changed, expected_version=version
        ),
        project=access.project,
    )
    if done:
        messages.success(request, _("The response is saved. Everyone in the group can read it."))
        return redirect("projects:expectations", pk=pk)
    return render(
        request,
        "projects/frustration_respond.html",
        {
            "form": form,
            "project": access.project,
            "access": access,
            "frustration": frustration,
            "answered": frustration.responded_at is not None,
        },
        status=400 if form.errors else 200,
    )
