import datetime
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from accounts import policy, services, signing_in, throttling
from accounts.forms import OrganisationForm, PasswordResetForm, SetPasswordForm, SignInForm
from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit
from coproduce.lib.pagination import paginate


def _next_url(request: HttpRequest) -> str:
    """Where to go after signing in: the page asked for, if it is on this site."""
    wanted = request.POST.get("next", request.GET.get("next", ""))
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _sign_in_locked_until(request: HttpRequest, email: str) -> datetime.datetime | None:
    """When signing in to this account, or from this address, may be tried again."""
    address = throttling.client_address(request)
    return throttling.locked_until(
        throttling.SIGN_IN_PER_ACCOUNT, email
    ) or throttling.locked_until(throttling.SIGN_IN_PER_ADDRESS, address)


def _sign_in_failed(request: HttpRequest, email: str) -> datetime.datetime | None:
    """Count a wrong password against the account and the address; lock either at its limit."""
    address = throttling.client_address(request)
    account_until = throttling.record_attempt(throttling.SIGN_IN_PER_ACCOUNT, email)
    if account_until:
        services.account_lock(
            email=email, until=account_until, base_url=request.build_absolute_uri("/")
        )
    address_until = throttling.record_attempt(throttling.SIGN_IN_PER_ADDRESS, address)
    if address_until:
        services.address_lock(address=address, until=address_until)
    return account_until or address_until


def _sign_in_paused(request: HttpRequest, email: str, until: datetime.datetime) -> HttpResponse:
    form = SignInForm(request, initial={"username": email})
    return render(
        request,
        "accounts/sign_in.html",
        {"form": form, "next": _next_url(request), "until": throttling.time_of_day(until)},
        status=429,
    )


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    """Sign in with an email address and password, with a pause after too many wrong ones."""
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    if request.method != "POST":
        return render(
            request,
            "accounts/sign_in.html",
            {"form": SignInForm(request), "next": _next_url(request)},
        )
    email = request.POST.get("username", "").strip()[:254]
    if until := _sign_in_locked_until(request, email):
        return _sign_in_paused(request, email, until)
    form = SignInForm(request, data=request.POST)
    if form.is_valid():
        signing_in.session_begin(
            request, form.get_user(), remember=form.cleaned_data["remember_me"]
        )
        return redirect(_next_url(request))
    if form.has_error("__all__", "invalid_login") and (until := _sign_in_failed(request, email)):
        return _sign_in_paused(request, email, until)
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, limited per address typed and per client address.

    Each request sends an email, so the limit counts every request, not only failed ones.
    """

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:  # type: ignore[override]
        email = form.cleaned_data["email"]
        address = throttling.client_address(self.request)
        until = throttling.locked_until(
            throttling.RESET_PER_ACCOUNT, email
        ) or throttling.locked_until(throttling.RESET_PER_ADDRESS, address)
        if until:
            form.add_error(
                "email",
                _(
                    "You have asked for too many links. Try again after %(time)s. Check your "
                    "email, including any spam or junk folder, for the links we have sent."
                )
                % {"time": throttling.time_of_day(until)},
            )
            return self.form_invalid(form)
        throttling.record_attempt(throttling.RESET_PER_ACCOUNT, email)
        throttling.record_attempt(throttling.RESET_PER_ADDRESS, address)
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choosing a new password from the emailed link also lifts a pause on signing in."""

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        services.account_unlock(user=form.user)
        return response


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
