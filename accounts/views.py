from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy, services
from accounts.forms import AcceptInvitationForm, OrganisationForm
from accounts.models import AuditEvent, Invitation, Organisation, User, hash_token
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit
from coproduce.lib.pagination import paginate


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation email links to. Works for new and existing people."""
    invite = (
        Invitation.objects.select_related("project", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invite is None:
        raise Http404
    if not invite.is_usable:
        return render(request, "accounts/invitation_unusable.html", {"invitation": invite})

    user = request.user if isinstance(request.user, User) else None
    has_account = user is not None or User.objects.filter(email__iexact=invite.email).exists()
    wrong_person = user is not None and user.email.lower() != invite.email.lower()
    form = (
        None
        if has_account
        else AcceptInvitationForm(
            request.POST if request.method == "POST" else None, email=invite.email
        )
    )

    if request.method == "POST" and not wrong_person:
        if user is not None:
            services.invitation_accept(invitation=invite, user=user)
            return _joined(request, invite)
        if form is not None and form.is_valid():
            try:
                new_user = services.invitation_accept(
                    invitation=invite,
                    user=None,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
            except services.InvitationError as error:
                form.add_error(None, str(error))
            else:
                login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
                return _joined(request, invite)

    return render(
        request,
        "accounts/invitation.html",
        {
            "invitation": invite,
            "form": form,
            "has_account": has_account,
            "wrong_person": wrong_person,
            "signed_in": user is not None,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _joined(request: HttpRequest, invite: Invitation) -> HttpResponse:
    messages.success(
        request, _("Welcome. You have joined %(project)s.") % {"project": invite.project.name}
    )
    return redirect("projects:detail", pk=invite.project_id)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request: HttpRequest) -> HttpResponse:
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
def audit_log(request: HttpRequest) -> HttpResponse:
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
