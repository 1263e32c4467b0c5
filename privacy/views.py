"""The privacy notice, agreeing to it, downloading your data and asking for it to be deleted."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.pagination import paginate
from privacy import policy, services
from privacy.forms import (
    ConsentForm,
    ErasureDecisionForm,
    ErasureRequestForm,
    MentionRedactForm,
    PrivacyNoticeForm,
)
from privacy.models import Consent, ErasureRequest, ErasureStatus


@require_GET
def privacy_notice(request: HttpRequest) -> HttpResponse:
    """The current privacy notice, for anyone, signed in or not."""
    return render(
        request, "privacy/privacy_notice.html", {"notice": services.privacy_notice_current()}
    )


@login_required
@require_http_methods(["GET", "POST"])
def privacy_notice_publish(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_administer_privacy(request.user):
        raise PermissionDenied
    current = services.privacy_notice_current()
    initial = {"summary": current.summary, "body": current.body} if current else {}
    form = PrivacyNoticeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.privacy_notice_publish(
                summary=form.cleaned_data["summary"],
                body=form.cleaned_data["body"],
                actor=request.user,
            )
        except services.PrivacyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Version %(version)s of the privacy notice is published. Everyone will be "
                    "asked to agree to it."
                )
                % {"version": notice.version},
            )
            return redirect("privacy:privacy_notice")
    return render(
        request,
        "privacy/privacy_notice_publish.html",
        {"form": form, "current": current},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Read the summary of the current privacy notice and agree to it."""
    user = request.user
    notice = services.privacy_notice_current()
    agreed = notice is not None and Consent.objects.filter(user=user, notice=notice).exists()
    data = request.POST if request.method == "POST" else None
    form = ConsentForm(data, notice=notice) if notice is not None else None
    if notice is not None and form is not None and form.is_valid():
        services.consent_give(user=user, notice=notice)
        messages.success(request, _("Thank you. We have recorded that you agree."))
        return redirect("people:me")
    return render(
        request,
        "privacy/consent.html",
        {"notice": notice, "agreed": agreed, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@never_cache
@login_required
@require_GET
def data_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Explain what the download holds, and give it as a file (JSON) or a page (HTML)."""
    user = request.user
    file_format = request.GET.get("format", "")
    if file_format not in {"json", "html"}:
        return render(request, "privacy/data_export.html")
    sections = services.person_data(user=user)
    services.data_exported(user=user, file_format=file_format)
    if file_format == "html":
        return render(
            request,
            "privacy/data_export_page.html",
            {"sections": sections, "now": timezone.now()},
        )
    response = HttpResponse(
        json.dumps(
            services.person_data_json(sections),
            cls=DjangoJSONEncoder,
            indent=2,
            ensure_ascii=False,
        ),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def erasure_request(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    pending = ErasureRequest.objects.filter(user=user, status=ErasureStatus.PENDING).first()
    form = ErasureRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.erasure_request_create(user=user, reason=form.cleaned_data["reason"])
        except services.PrivacyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "We have your request. An administrator will look at it and email you "
                    "when your data is deleted, usually within one month."
                ),
            )
            return redirect("people:me")
    return render(
        request,
        "privacy/erasure_request.html",
        {"form": form, "pending": pending},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def erasure_requests(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_administer_privacy(request.user):
        raise PermissionDenied
    # Oldest first: the law gives each request a month from when it was made.
    pending = paginate(
        request,
        ErasureRequest.objects.filter(status=ErasureStatus.PENDING).select_related("user"),
    )
    decided = (
        ErasureRequest.objects.exclude(status=ErasureStatus.PENDING)
        .select_related("user", "decided_by")
        .order_by("-decided_at")[:20]
    )
    return render(
        request, "privacy/erasure_requests.html", {"pending": pending, "decided": decided}
    )


@login_required
@require_http_methods(["GET", "POST"])
def erasure_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if not policy.can_administer_privacy(request.user):
        raise PermissionDenied
    erasure = get_object_or_404(ErasureRequest.objects.select_related("user", "decided_by"), pk=pk)
    actor = request.user
    if not erasure.is_pending:
        messages.info(request, erasure.already_decided())
        return redirect("privacy:erasure_requests")
    if erasure.user_id == actor.pk:
        # Someone else must look at it, so nobody removes an administrator without a check.
        raise PermissionDenied
    form = ErasureDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        note = form.cleaned_data["note"].strip()
        try:
            if form.cleaned_data["decision"] == ErasureDecisionForm.ERASE:
                services.erasure_request_complete(request=erasure, actor=actor, note=note)
                done = _("Their personal data is deleted and we have emailed them.")
            else:
                services.erasure_request_decline(request=erasure, actor=actor, note=note)
                done = _("The request is declined and we have emailed them your note.")
        except services.PrivacyError as error:
            messages.info(request, str(error))
        else:
            messages.success(request, done)
        return redirect("privacy:erasure_requests")
    return render(
        request,
        "privacy/erasure_decide.html",
        {
            "form": form,
            "erasure": erasure,
            # One query per model with free text, however many texts name them.
            "mentions": paginate(
                request, services.person_mentions(user=erasure.user), anchor="mentions"
            ),
        },
        status=400 if form.errors else 200,
    )


def get_pending_erasure_for_admin(request: AuthenticatedHttpRequest, pk: int) -> ErasureRequest:
    """A request still waiting, to an administrator other than the person asking."""
    if not policy.can_administer_privacy(request.user):
        raise PermissionDenied
    erasure = get_object_or_404(
        ErasureRequest.objects.select_related("user"), pk=pk, status=ErasureStatus.PENDING
    )
    if erasure.user_id == request.user.pk:
        raise PermissionDenied
    return erasure


@login_required
@require_http_methods(["GET", "POST"])
def mention_redact(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then replace the person's name with "[name removed]" in one text."""
    erasure = get_pending_erasure_for_admin(request, pk)
    if request.method == "GET" and "key" not in request.GET:
        return redirect("privacy:erasure_decide", pk=erasure.pk)
    data = request.POST if request.method == "POST" else {"key": request.GET.get("key", "")}
    form = MentionRedactForm(data)
    mention = None
    if form.is_valid():
        key = form.cleaned_data["key"]
        mention = next(
            (m for m in services.person_mentions(user=erasure.user) if m.key == key), None
        )
        if mention is None:
            form.add_error(None, _("This text no longer names them. Nothing was changed."))
    if request.method == "POST" and mention is not None:
        try:
            services.mention_redact(user=erasure.user, key=mention.key, actor=request.user)
        except services.PrivacyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Their name is removed from: %(where)s.") % {"where": mention.where},
            )
            return redirect("privacy:erasure_decide", pk=erasure.pk)
    return render(
        request,
        "privacy/mention_redact.html",
        {"form": form, "erasure": erasure, "mention": mention},
        status=400 if form.errors else 200,
    )
