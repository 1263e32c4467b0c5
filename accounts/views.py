import datetime
from pathlib import PurePath

from django import forms
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

from accounts import policy, services, signing_in, throttling, two_factor
from accounts.forms import (
    OrganisationForm,
    PasswordResetForm,
    RecoveryCodeForm,
    SetPasswordForm,
    SignInForm,
    TwoFactorCodeForm,
    TwoFactorSetUpForm,
)
from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent, Organisation, TwoFactorDevice, User
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


def _password_accepted(request: HttpRequest, form: SignInForm) -> HttpResponse:
    user = form.get_user()
    assert isinstance(user, User)
    remember = bool(form.cleaned_data["remember_me"])
    if TwoFactorDevice.objects.filter(user=user).exists():
        signing_in.second_step_begin(request, user, remember=remember, next_url=_next_url(request))
        return redirect("accounts:sign_in_code")
    signing_in.session_begin(request, user, remember=remember)
    return redirect(_next_url(request))


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
        return _password_accepted(request, form)
    if form.has_error("__all__", "invalid_login") and (until := _sign_in_failed(request, email)):
        return _sign_in_paused(request, email, until)
    return render(request, "accounts/sign_in.html", {"form": form, "next": _next_url(request)})


def _second_step_code_right(request: HttpRequest, user: User, form: forms.Form) -> bool:
    if isinstance(form, RecoveryCodeForm):
        return services.recovery_code_use(user=user, code=form.cleaned_data["code"])
    return services.two_factor_check(user=user, code=form.cleaned_data["code"])


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the app, or a recovery code.

    A wrong code counts against the account like a wrong password does.
    """
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    user = signing_in.second_step_user(request)
    if user is None:
        messages.info(request, _("Sign in again: the time to type the code ran out."))
        return redirect("accounts:sign_in")
    if until := throttling.locked_until(throttling.SIGN_IN_PER_ACCOUNT, user.email):
        signing_in.second_step_abandon(request)
        return _sign_in_paused(request, user.email, until)
    recovery = request.GET.get("with") == "recovery"
    form_class = RecoveryCodeForm if recovery else TwoFactorCodeForm
    form = form_class(request.POST if request.method == "POST" else None)
    if form.is_valid():
        if _second_step_code_right(request, user, form):
            return redirect(signing_in.second_step_finish(request, user))
        form.add_error(
            "code",
            _("That recovery code is not right, or was used before")
            if recovery
            else _("The code from your authenticator app is not right. Type the code it shows now"),
        )
        if until := _sign_in_failed(request, user.email):
            signing_in.second_step_abandon(request)
            return _sign_in_paused(request, user.email, until)
    return render(
        request,
        "accounts/sign_in_code.html",
        {"form": form, "recovery": recovery},
        status=400 if form.errors else 200,
    )


RECOVERY_CODES_TO_SHOW = "recovery_codes_to_show"


@login_required
@require_safe
def two_factor_settings(request: AuthenticatedHttpRequest) -> HttpResponse:
    device = TwoFactorDevice.objects.filter(user=request.user).first()
    if device is None and not policy.can_use_two_factor(request.user):
        raise PermissionDenied
    codes_left = request.user.recovery_codes.filter(used_at__isnull=True).count()
    return render(
        request,
        "accounts/two_factor.html",
        {
            "device": device,
            "codes_left": codes_left,
            "required": policy.must_use_two_factor(request.user, Organisation.current()),
        },
    )


@login_required
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def two_factor_set_up(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Add Coproduce to an authenticator app, by QR code or typed key, and prove it works.

    The new secret waits in the session until a right code shows the app has it.
    """
    if not policy.can_use_two_factor(request.user):
        raise PermissionDenied
    if TwoFactorDevice.objects.filter(user=request.user).exists():
        return redirect("accounts:two_factor")
    secret = request.session.setdefault("two_factor_secret", two_factor.new_secret())
    form = TwoFactorSetUpForm(request.POST if request.method == "POST" else None, secret=secret)
    if form.is_valid() and form.step is not None:
        codes = services.two_factor_turn_on(user=request.user, secret=secret, step=form.step)
        del request.session["two_factor_secret"]
        request.session.pop(signing_in.TWO_FACTOR_NEEDED, None)
        request.session[RECOVERY_CODES_TO_SHOW] = codes
        messages.success(request, _("Two-step sign-in is on."))
        return redirect("accounts:two_factor_recovery_codes")
    return render(
        request,
        "accounts/two_factor_set_up.html",
        {
            "form": form,
            "secret": two_factor.secret_for_reading(secret),
            "email": request.user.email,
            "qr_code": two_factor.qr_code_image(two_factor.app_link(secret, request.user.email)),
            "required": policy.must_use_two_factor(request.user, Organisation.current()),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """New recovery codes (POST), then the page that shows them, once (GET)."""
    if not TwoFactorDevice.objects.filter(user=request.user).exists():
        if not policy.can_use_two_factor(request.user):
            raise PermissionDenied
        return redirect("accounts:two_factor_set_up")
    if request.method == "POST":
        request.session[RECOVERY_CODES_TO_SHOW] = services.recovery_codes_replace(user=request.user)
        return redirect("accounts:two_factor_recovery_codes")
    codes = request.session.pop(RECOVERY_CODES_TO_SHOW, None)
    if not codes:
        return redirect("accounts:two_factor")
    response = render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_turn_off(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not TwoFactorDevice.objects.filter(user=request.user).exists():
        if not policy.can_use_two_factor(request.user):
            raise PermissionDenied
        return redirect("accounts:two_factor")
    if policy.must_use_two_factor(request.user, Organisation.current()):
        raise PermissionDenied
    if request.method == "POST":
        services.two_factor_turn_off(user=request.user, actor=request.user)
        messages.success(request, _("Two-step sign-in is off."))
        return redirect("accounts:two_factor")
    return render(request, "accounts/two_factor_turn_off.html")


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


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@require_safe
def organisation_logo(request: HttpRequest, name: str) -> FileResponse:
    """The organisation's current logo, which the header of every page shows, signed in or
    not. Only this file is served from the uploads: papers have their own download view,
    which checks who is asking."""
    logo = Organisation.current().logo
    # The stored name's ending was chosen from the file's content when it was uploaded; any
    # other (an SVG from before the check) is never served, as it could run a script.
    content_type = LOGO_TYPES.get(PurePath(name).suffix.lower())
    if (
        not logo
        or content_type is None
        or logo.name != Organisation.LOGO_FOLDER + name
        or not logo.storage.exists(logo.name)
    ):
        raise Http404
    response = FileResponse(logo.open("rb"), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="logo{PurePath(logo.name).suffix}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # A new logo is saved under a new name, so the old one can be kept for a while.
    response["Cache-Control"] = "public, max-age=3600"
    return response
