"""What co-production means in the group: reading it, confirming it, adapting it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organisation
from coproduce.lib.concurrency import versioned_form_submit
from projects.forms.meaning import MeaningForm
from projects.lookups import get_project_for_user
from projects.services import meaning as services


@login_required
@require_GET
def coproduction_meaning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    text, own = services.coproduction_meaning(access.project)
    return render(
        request,
        "projects/coproduction_meaning.html",
        {
            "access": access,
            "project": access.project,
            "paragraphs": [p.strip() for p in text.split("\n\n") if p.strip()],
            "own": own,
            "membership": access.membership,
        },
    )


@login_required
@require_POST
def coproduction_meaning_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The member says they have read it: their own step of onboarding, not a leader's tick."""
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members of the group have an onboarding
    services.meaning_read_confirm(membership=access.membership)
    messages.success(request, _("Thank you. You have read what co-production means here."))
    return redirect("projects:coproduction_meaning", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def coproduction_meaning_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A leader adapts the organisation's words for the group."""
    access = get_project_for_user(request, pk, manage=True)
    project = access.project
    form, done = versioned_form_submit(
        request,
        MeaningForm,
        project,
        add=lambda item: None,  # the project always exists
        update=lambda item, changed, version: services.project_meaning_update(
            project=item, actor=request.user, changed=changed, expected_version=version
        ),
        project=project,
    )
    if done:
        messages.success(request, _("The group's words on co-production are saved."))
        return redirect("projects:coproduction_meaning", pk=pk)
    if request.method == "GET" and not project.coproduction_meaning:
        # Start from the organisation's words, so adapting them means changing a few.
        form.initial["coproduction_meaning"] = Organisation.current().coproduction_meaning
    return render(
        request,
        "projects/coproduction_meaning_edit.html",
        {"form": form, "project": project, "access": access},
        status=400 if form.errors else 200,
    )
