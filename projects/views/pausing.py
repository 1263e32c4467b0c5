"""A member pauses their membership, and comes back, without anyone inviting them again."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from projects.forms.pausing import PauseForm
from projects.lookups import ProjectAccess, get_project_for_user
from projects.models import Membership
from projects.services import pausing as services


def _own_membership(request: AuthenticatedHttpRequest, pk: int) -> tuple[ProjectAccess, Membership]:
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members pause their own membership
    return access, access.membership


@login_required
@require_http_methods(["GET", "POST"])
def membership_pause(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, membership = _own_membership(request, pk)
    pause = services.pause_in_effect(membership)
    form = PauseForm(request.POST if request.method == "POST" and pause is None else None)
    if request.method == "POST" and pause is not None:
        # Paused from another tab or device meanwhile: one pause is enough, and nothing changes.
        messages.info(request, _("Your membership was already paused. Nothing has changed."))
    if request.method == "POST" and pause is None and form.is_valid():
        try:
            services.membership_pause(
                membership=membership,
                actor=request.user,
                return_on=form.cleaned_data["return_on"],
            )
        except services.PauseError as error:
            form.add_error("return_on", str(error))
        else:
            messages.success(
                request,
                _(
                    "Your membership is paused. Come back whenever you are ready: nobody needs to "
                    "invite you again."
                ),
            )
            return redirect("projects:detail", pk=pk)
    return render(
        request,
        "projects/membership_pause.html",
        {"form": form, "project": access.project, "access": access, "pause": pause},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def membership_come_back(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _access, membership = _own_membership(request, pk)
    try:
        services.membership_come_back(membership=membership, actor=request.user)
    except services.PauseError as error:
        messages.info(request, str(error))
    else:
        messages.success(request, _("Welcome back. You will get meeting invitations again."))
    return redirect("projects:detail", pk=pk)
