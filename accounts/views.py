import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import policy, services
from accounts.forms import OrganisationForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit
from coproduce.lib.pagination import paginate


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_edit_organisation(request.user):
        raise PermissionDenied
    assert isinstance(request.user, User)
    organisation = Organisation.current()
    form = OrganisationForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        instance=organisation,
    )
    if request.method == "POST" and form.is_valid():
        changed = [name for name in form.changed_data if name != "version"]
        try:
            services.organisation_update(
                organisation=form.instance,
                actor=request.user,
                changed=changed,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            form = form_after_stale_edit(OrganisationForm, request, instance=Organisation.current())
        else:
            messages.success(request, _("The organisation settings are saved."))
            return redirect("accounts:organisation")
    return render(
        request,
        "accounts/organisation.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
def audit_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_read_audit_log(request.user):
        raise PermissionDenied
    events = AuditEvent.objects.select_related("actor", "project", "subject")
    query = request.GET.get("q", "").strip()
    if query:
        events = events.filter(
            Q(summary__icontains=query)
            | Q(actor__full_name__icontains=query)
            | Q(project__name__icontains=query)
            | Q(action__icontains=query)
        )
    return render(
        request, "accounts/audit_log.html", {"page": paginate(request, events), "query": query}
    )


@require_safe
def organisation_logo(request: HttpRequest, name: str) -> FileResponse:
    """The organisation's current logo, which the header of every page shows, signed in or
    not. Only this file is served from the uploads: papers have their own download view,
    which checks who is asking."""
    logo = Organisation.current().logo
    if (
        not logo
        or logo.name != Organisation.LOGO_FOLDER + name
        or not logo.storage.exists(logo.name)
    ):
        raise Http404
    content_type, _encoding = mimetypes.guess_type(logo.name)
    response = FileResponse(logo.open("rb"), content_type=content_type or "image/png")
    # A new logo is saved under a new name, so the old one can be kept for a while.
    response["Cache-Control"] = "public, max-age=3600"
    return response
