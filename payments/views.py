"""Payments pages: each person's own payments, the claims a project's leaders approve, and
finance's rates, payment runs and payment details.

Bank and voucher details are shown to the person and to finance only; finance states why
first, and each look is recorded in the audit log, as access requirements are.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organisation, User
from coproduce.lib.concurrency import plain_form_after_stale_edit, versioned_form_submit
from coproduce.lib.pagination import LinkedPage, paginate
from meetings.models import Meeting
from payments import notify, pdf, policy, receipt_files, services
from payments.forms import (
    AnswerForm,
    ClaimForm,
    DetailsPurposeForm,
    ExpenseEditForm,
    ExpenseForm,
    InvolvementEditForm,
    InvolvementForm,
    OnBehalfForm,
    PaymentChoiceForm,
    QuestionForm,
    RateForm,
    RunForm,
    StatementForm,
)
from payments.lookups import (
    get_claim_for_user,
    get_entry_for_owner,
    get_expense_for_owner,
    get_expense_for_user,
    get_person_for_finance,
    get_project_for_approver,
    get_run_for_finance,
    get_withdrawn_claim_project_for_approver,
    require_finance,
    require_rate_setter,
)
from payments.models import (
    ActivityKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    Expense,
    InvolvementEntry,
    PaymentChoice,
    PaymentRun,
    Rate,
    RunStatus,
)
from projects.models import Project


def _my_projects(user: User) -> QuerySet[Project]:
    return Project.objects.filter(
        memberships__user=user, memberships__left_at__isnull=True
    ).order_by("name")


def _status(request: AuthenticatedHttpRequest, form: Any) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _base_url(request: AuthenticatedHttpRequest) -> str:
    return request.build_absolute_uri("/")


def _say_if_not_emailed(request: AuthenticatedHttpRequest, person: User) -> None:
    if not notify.takes_email(person):
        messages.info(
            request,
            _("%(person)s does not take email. Tell them by phone, text or post.")
            % {"person": person.full_name},
        )


# ---------------------------------------------------------------------------------------------
# Each person's own payments


@login_required
@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything about the person's payments: what the register proposes, what is logged and
    not yet claimed, and their claims."""
    user = request.user
    claims = Claim.objects.filter(user=user).select_related("project")
    return render(
        request,
        "payments/mine.html",
        {
            "choice": services.payment_choice_of(user),
            "proposals": services.involvement_proposals(user),
            "entries": paginate(
                request, services.unclaimed_entries(user), param="time", anchor="unclaimed-time"
            ),
            "expenses": paginate(
                request,
                services.unclaimed_expenses(user),
                param="expenses",
                anchor="unclaimed-expenses",
            ),
            "page": paginate(request, claims),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def choice(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = services.payment_choice_of(request.user)
    initial: dict[str, Any] = {}
    if current is not None:
        initial = {
            name: getattr(current, name)
            for name in (
                "choice",
                "account_name",
                "sort_code",
                "account_number",
                "voucher_shop",
                "voucher_send_to",
            )
        }
    form = PaymentChoiceForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.payment_choice_save(
            user=request.user, choice=form.cleaned_data["choice"], details=form.details()
        )
        messages.success(request, _("Your payment choice is saved."))
        return redirect("payments:mine")
    return render(
        request,
        "payments/choice.html",
        {"form": form, "advice_url": Organisation.current().benefits_advice_url},
        status=_status(request, form),
    )


def _proposal_initial(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    meeting_pk = request.GET.get("meeting", "")
    proposal = (
        services.proposal_for(request.user, int(meeting_pk)) if meeting_pk.isdigit() else None
    )
    if proposal is None:
        return {}
    return {
        "meeting": proposal.meeting.pk,
        "project": proposal.meeting.project,
        "activity": ActivityKind.MEETING,
        "description": proposal.meeting.title,
        "date": proposal.date,
        "minutes": proposal.minutes,
        "preparation_minutes": proposal.preparation_minutes,
        "way": proposal.way,
    }


def _meeting_logged(user: User, meeting_pk: int) -> Meeting | None:
    """The meeting, if it is in the person's log already (say, confirmed in another tab)."""
    entry = (
        InvolvementEntry.objects.filter(user=user, meeting_id=meeting_pk)
        .select_related("meeting")
        .first()
    )
    return entry.meeting if entry is not None else None


def _meeting_logged_since(request: AuthenticatedHttpRequest) -> Meeting | None:
    """The meeting the page proposed (?meeting=), if the person has logged it since."""
    meeting_pk = request.GET.get("meeting", "")
    if not meeting_pk.isdigit() or services.proposal_for(request.user, int(meeting_pk)):
        return None
    return _meeting_logged(request.user, int(meeting_pk))


def _already_logged(meeting: Meeting) -> str:
    return _(
        "“%(title)s” is already in your involvement log, so nothing was added. "
        "To change how long it took, change it in your log."
    ) % {"title": meeting.title}


@login_required
@require_http_methods(["GET", "POST"])
def involvement_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Log an activity, or correct what the register proposed for a meeting (?meeting=)."""
    initial = _proposal_initial(request)
    projects = _my_projects(request.user)
    form = InvolvementForm(
        request.POST if request.method == "POST" else None, initial=initial, projects=projects
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        meeting = services.proposal_for(request.user, initial["meeting"]) if initial else None
        logged = _meeting_logged_since(request)
        if logged is not None:
            # Confirmed in another tab since this page was drawn: adding it again, as an
            # activity of its own, would pay for the meeting twice.
            form.add_error("activity", _already_logged(logged))
            return render(
                request,
                "payments/involvement_form.html",
                {"form": form, "proposal": initial},
                status=400,
            )
        try:
            services.involvement_record(
                user=request.user,
                project=data["project"],
                activity=data["activity"],
                date=data["date"],
                minutes=data["minutes"],
                preparation_minutes=data["preparation_minutes"] or 0,
                way=data["way"],
                description=data["description"],
                meeting=meeting.meeting if meeting else None,
                actor=request.user,
                submission_key=data["submission_key"],
            )
        except services.AlreadyMade as error:
            form.add_error("activity", str(error))
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("It is in your involvement log."))
            return redirect("payments:mine")
    return render(
        request,
        "payments/involvement_form.html",
        {"form": form, "proposal": initial},
        status=_status(request, form) if not form.non_field_errors() else 400,
    )


@login_required
@require_POST
def involvement_confirm(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    """Confirm what the register proposed, as it is."""
    proposal = services.proposal_for(request.user, meeting_pk)
    if proposal is None:
        logged = _meeting_logged(request.user, meeting_pk)
        if logged is None:
            raise Http404
        # Confirmed already, from another tab or a second press: say so, add nothing.
        messages.info(request, _already_logged(logged))
        return redirect("payments:mine")
    try:
        services.involvement_record(
            user=request.user,
            project=proposal.meeting.project,
            activity=ActivityKind.MEETING,
            date=proposal.date,
            minutes=proposal.minutes,
            preparation_minutes=proposal.preparation_minutes,
            way=proposal.way,
            meeting=proposal.meeting,
            actor=request.user,
        )
    except services.PaymentError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(title)s” is in your involvement log.") % {"title": proposal.meeting.title},
        )
    return redirect("payments:mine")


@login_required
@require_http_methods(["GET", "POST"])
def expense_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ExpenseForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        projects=_my_projects(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.expense_record(
                user=request.user,
                project=data["project"],
                kind=data["kind"],
                date=data["date"],
                description=data["description"],
                amount=data["amount"],
                receipt=data["receipt"] or None,
                receipt_type=form.receipt_kind.content_type if form.receipt_kind else "",
                actor=request.user,
                submission_key=data["submission_key"],
            )
        except services.AlreadyMade as error:
            form.add_error("description", str(error))
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The expense is saved. Add it to a claim to be paid back."))
            return redirect("payments:mine")
    return render(
        request, "payments/expense_form.html", {"form": form}, status=_status(request, form)
    )


# ---------------------------------------------------------------------------------------------
# Changing or removing one's own entries and expenses, until their claim is approved


def _claim_id_of(item: InvolvementEntry | Expense) -> int | None:
    line = getattr(item, "claim_line", None)
    return line.claim_id if line is not None else None


def _after_change(item: InvolvementEntry | Expense) -> HttpResponse:
    """Back to the claim the item is in, or to the person's payments."""
    claim_id = _claim_id_of(item)
    if claim_id is not None:
        return redirect("payments:claim_detail", pk=claim_id)
    return redirect("payments:mine")


def _not_editable(
    request: AuthenticatedHttpRequest, item: InvolvementEntry | Expense
) -> HttpResponse:
    messages.error(
        request, _("This is in a claim that is already approved, so it can no longer be changed.")
    )
    return _after_change(item)


def _own_item_edit(
    request: AuthenticatedHttpRequest,
    item: InvolvementEntry | Expense,
    form_class: type[InvolvementEditForm] | type[ExpenseEditForm],
    *,
    update: Callable[[Any, list[str], int], None],
    template: str,
) -> HttpResponse:
    if not services.editable(item):
        return _not_editable(request, item)
    claim_id = _claim_id_of(item)
    try:
        form, done = versioned_form_submit(
            request,
            form_class,
            item,
            add=lambda _item: None,  # never called: the item is saved already
            update=update,
        )
    except services.PaymentError as error:
        # Nothing was saved: show what was typed against what is stored, with the reason.
        stored = type(item)._default_manager.get(pk=item.pk)
        form = form_class(request.POST, instance=stored)
        form.is_valid()
        form.add_error(None, str(error))
        done = False
    if done:
        messages.success(request, _("Your change is saved."))
        if claim_id is not None:
            return redirect("payments:claim_detail", pk=claim_id)
        return redirect("payments:mine")
    return render(
        request, template, {"form": form, "item": item}, status=400 if form.errors else 200
    )


def _own_item_remove(
    request: AuthenticatedHttpRequest, item: InvolvementEntry | Expense, *, template: str
) -> HttpResponse:
    if not services.editable(item):
        return _not_editable(request, item)
    line = getattr(item, "claim_line", None)
    if request.method == "POST":
        try:
            if isinstance(item, InvolvementEntry):
                services.involvement_remove(entry=item, actor=request.user)
            else:
                services.expense_remove(expense=item, actor=request.user)
        except services.PaymentError as error:
            messages.error(request, str(error))
            return _after_change(item)
        messages.success(request, _("It is removed."))
        if line is not None and Claim.objects.filter(pk=line.claim_id).exists():
            return redirect("payments:claim_detail", pk=line.claim_id)
        return redirect("payments:mine")
    last_in_claim = line is not None and line.claim.lines.count() == 1
    return render(
        request,
        template,
        {"item": item, "claim": line.claim if line else None, "last_in_claim": last_in_claim},
    )


@login_required
@require_http_methods(["GET", "POST"])
def involvement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _own_item_edit(
        request,
        get_entry_for_owner(request, pk),
        InvolvementEditForm,
        update=lambda entry, changed, version: services.involvement_update(
            entry=entry, actor=request.user, changed=changed, expected_version=version
        ),
        template="payments/involvement_edit.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def involvement_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _own_item_remove(
        request, get_entry_for_owner(request, pk), template="payments/involvement_remove.html"
    )


@login_required
@require_http_methods(["GET", "POST"])
def expense_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _own_item_edit(
        request,
        get_expense_for_owner(request, pk),
        ExpenseEditForm,
        update=lambda expense, changed, version: services.expense_update(
            expense=expense, actor=request.user, changed=changed, expected_version=version
        ),
        template="payments/expense_edit.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def expense_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _own_item_remove(
        request, get_expense_for_owner(request, pk), template="payments/expense_remove.html"
    )


@login_required
@require_GET
def receipt(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The receipt, streamed from storage to the person, their claim's approvers and finance."""
    expense = get_expense_for_user(request, pk)
    stored = expense.receipt.name if expense.receipt else None
    if not stored or not expense.receipt.storage.exists(stored):
        raise Http404
    # Photos and PDFs open in the browser; anything else (none should be stored) downloads,
    # so a web page or an SVG never runs on our address.
    extension = receipt_files.extension_for(expense.receipt_type)
    response = FileResponse(
        expense.receipt.open("rb"),
        as_attachment=not extension,
        filename=f"receipt-{expense.pk}{extension}",
        content_type=expense.receipt_type if extension else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def _entry_choice(entry: InvolvementEntry) -> tuple[str, str]:
    return (f"e-{entry.pk}", f"{entry.date:%-d %B %Y}: {entry.title} ({entry.project.name})")


def _expense_choice(expense: Expense) -> tuple[str, str]:
    return (
        f"x-{expense.pk}",
        f"{expense.date:%-d %B %Y}: {expense.description}, £{expense.amount} "
        f"({expense.project.name})",
    )


def _claim_choices(
    request: AuthenticatedHttpRequest, entries: LinkedPage, expenses: LinkedPage
) -> list[tuple[str, str]]:
    """The activities and expenses on this page of each list, and any ticked on the page the
    person sent that are still unclaimed: the lists move on when they claim in another tab,
    and what they ticked must still count."""
    choices = [_entry_choice(e) for e in entries] + [_expense_choice(x) for x in expenses]
    offered = {value for value, _label in choices}
    ticked = [value for value in request.POST.getlist("items") if value not in offered]
    ids = {
        prefix: [int(value[2:]) for value in ticked if value[:2] == prefix and value[2:].isdigit()]
        for prefix in ("e-", "x-")
    }
    if ids["e-"]:
        choices += map(
            _entry_choice, services.unclaimed_entries(request.user).filter(pk__in=ids["e-"])
        )
    if ids["x-"]:
        choices += map(
            _expense_choice, services.unclaimed_expenses(request.user).filter(pk__in=ids["x-"])
        )
    return choices


def _submit_by_project(form: ClaimForm, user: User) -> list[Claim]:
    """One claim for each group, since each group's leaders approve its own."""
    entries = services.unclaimed_entries(user).filter(pk__in=form.chosen("e-"))
    expenses = services.unclaimed_expenses(user).filter(pk__in=form.chosen("x-"))
    by_project: dict[int, tuple[list[int], list[int]]] = {}
    for entry in entries:
        by_project.setdefault(entry.project_id, ([], []))[0].append(entry.pk)
    for expense in expenses:
        by_project.setdefault(expense.project_id, ([], []))[1].append(expense.pk)
    projects = Project.objects.in_bulk(list(by_project))
    return [
        services.claim_submit(
            user=user,
            project=projects[project_pk],
            entry_ids=entry_ids,
            expense_ids=expense_ids,
            actor=user,
        )
        for project_pk, (entry_ids, expense_ids) in by_project.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Claim for what is not claimed yet, a page of each list at a time (newest first), so
    the form stays a size a person can check however much is waiting."""
    entries = paginate(request, services.unclaimed_entries(request.user), param="time")
    expenses = paginate(request, services.unclaimed_expenses(request.user), param="expenses")
    choices = _claim_choices(request, entries, expenses)
    form = ClaimForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"items": [value for value, _label in choices]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # one claim per group, all or none
                claims = _submit_by_project(form, request.user)
        except services.PaymentError as error:
            form.add_error("items", str(error))
        else:
            messages.success(
                request, _("Your claim is sent. We will tell you when it is approved.")
            )
            if len(claims) == 1:
                return redirect("payments:claim_detail", pk=claims[0].pk)
            return redirect("payments:mine")
    return render(
        request,
        "payments/claim_new.html",
        {
            "form": form,
            "choice": services.payment_choice_of(request.user),
            "entries": entries,
            "expenses": expenses,
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# A claim, and its steps


@login_required
@require_GET
def claim_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_claim_for_user(request, pk)
    lines = ClaimLine.objects.filter(claim=access.claim).select_related("expense", "entry")
    return render(
        request,
        "payments/claim_detail.html",
        {
            "access": access,
            "claim": access.claim,
            "lines": lines,
            "can_change": access.is_claimant and access.claim.status in services.OPEN_STATUSES,
        },
    )


@login_required
@require_POST
def claim_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        access = get_claim_for_user(request, pk)
    except Http404:
        # Withdrawn since the approver opened it: say so, rather than "Page not found".
        project = get_withdrawn_claim_project_for_approver(request, pk).project
        messages.error(
            request, _("This claim was withdrawn after you opened it, so there is nothing to do.")
        )
        return redirect("payments:project_claims", pk=project.pk)
    if not access.can_approve:
        if access.is_claimant:
            messages.error(request, _("You cannot approve your own claim."))
            return redirect("payments:claim_detail", pk=pk)
        raise PermissionDenied
    # The version on the approver's page: a claim changed or withdrawn since is refused.
    seen = request.POST.get("version", "")
    try:
        services.claim_approve(
            claim=access.claim,
            actor=request.user,
            expected_version=int(seen) if seen.isdigit() else 0,
            base_url=_base_url(request),
        )
    except services.ClaimGone as error:
        messages.error(request, str(error))
        return redirect("payments:project_claims", pk=access.claim.project_id)
    except services.PaymentError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The claim is approved. Finance will pay it."))
        _say_if_not_emailed(request, access.claim.user)
    return redirect("payments:claim_detail", pk=pk)


def _claim_step_form[FormT: QuestionForm | AnswerForm](
    request: AuthenticatedHttpRequest, form_class: type[FormT], claim: Claim
) -> FormT:
    """The question or answer form, carrying the claim as this page shows it."""
    return form_class(
        request.POST if request.method == "POST" else None,
        initial={"version": claim.version, "seen": services.claim_seen(claim)},
    )


def _claim_step_after_change[FormT: QuestionForm | AnswerForm](
    request: AuthenticatedHttpRequest, form_class: type[FormT], claim: Claim, why: str
) -> FormT:
    """What the person typed, ready to send about the claim as it is now, with what changed
    since their page was drawn named."""
    seen = request.POST.get("seen", "")
    claim.refresh_from_db()
    form = plain_form_after_stale_edit(form_class, request, version=claim.version)
    form.data["seen"] = services.claim_seen(claim)  # type: ignore[index]
    changed = services.claim_changes(claim, seen)
    # One message, about the claim: sending again adds to it, it replaces nobody's change.
    form.errors.pop("__all__", None)
    form.add_error(None, why)
    if changed:
        form.add_error(
            None,
            _("What is different now: %(parts)s. What you wrote is still below.")
            % {"parts": ", ".join(changed)},
        )
    return form


@login_required
@require_http_methods(["GET", "POST"])
def claim_query(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_claim_for_user(request, pk)
    if not access.can_approve:
        raise PermissionDenied
    # The version the approver read when they opened the question page: a claim changed
    # since is not sent back with a question about what it used to say.
    form = _claim_step_form(request, QuestionForm, access.claim)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_query(
                claim=access.claim,
                actor=request.user,
                question=form.cleaned_data["question"],
                expected_version=form.cleaned_data["version"],
                base_url=_base_url(request),
            )
        except services.ClaimGone as error:
            messages.error(request, str(error))
            return redirect("payments:project_claims", pk=access.claim.project_id)
        except services.ClaimChanged as error:
            form = _claim_step_after_change(request, QuestionForm, access.claim, str(error))
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The claim is sent back with your question."))
            _say_if_not_emailed(request, access.claim.user)
            return redirect("payments:claim_detail", pk=pk)
    return render(
        request,
        "payments/claim_query.html",
        {"form": form, "claim": access.claim},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_claim_for_user(request, pk)
    if not access.is_claimant:
        raise PermissionDenied
    # The question the person read: an answer to a question since asked again (or to a
    # claim changed since) is refused, keeping what they wrote, with the question now.
    form = _claim_step_form(request, AnswerForm, access.claim)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_answer(
                claim=access.claim,
                actor=request.user,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data["version"],
            )
        except services.ClaimChanged as error:
            form = _claim_step_after_change(request, AnswerForm, access.claim, str(error))
        except services.PaymentError as error:
            access.claim.refresh_from_db()
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your answer is sent, and the claim is back for approval."))
            return redirect("payments:claim_detail", pk=pk)
    return render(
        request,
        "payments/claim_answer.html",
        {"form": form, "claim": access.claim},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The claimant takes back a claim not yet approved, after confirming."""
    access = get_claim_for_user(request, pk)
    if not access.is_claimant:
        raise PermissionDenied
    claim = access.claim
    if claim.status not in services.OPEN_STATUSES:
        messages.error(
            request, _("This claim is already approved, so it can no longer be withdrawn.")
        )
        return redirect("payments:claim_detail", pk=pk)
    if request.method == "POST":
        try:
            services.claim_withdraw(claim=claim, actor=request.user)
        except services.PaymentError as error:
            messages.error(request, str(error))
            return redirect("payments:claim_detail", pk=pk)
        messages.success(
            request,
            _("Claim %(ref)s is withdrawn. What it was for is back in your list, to claim again.")
            % {"ref": claim.reference},
        )
        return redirect("payments:mine")
    return render(request, "payments/claim_withdraw.html", {"claim": claim})


# ---------------------------------------------------------------------------------------------
# Statements


def _statement_context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    form = StatementForm(request.GET or None)
    start, end = form.dates()
    # A statement is one document for a benefits adviser or a tax return, so it is whole.
    claims = list(
        Claim.objects.filter(
            user=request.user, submitted_at__date__gte=start, submitted_at__date__lte=end
        )
        .select_related("project", "run")
        .prefetch_related("lines")
        .order_by("submitted_at", "pk")
    )
    paid = [claim for claim in claims if claim.status == ClaimStatus.PAID]
    return {
        "form": form,
        "start": start,
        "end": end,
        "claims": claims,
        "claimed": sum((c.total for c in claims), Decimal("0.00")),
        "paid_fees": sum((c.fees for c in paid), Decimal("0.00")),
        "paid_expenses": sum((c.expenses_total for c in paid), Decimal("0.00")),
        "paid_total": sum((c.total for c in paid), Decimal("0.00")),
        "person": request.user,
        "made_at": timezone.now(),
        "period": request.GET.get("period", ""),
    }


@login_required
@require_GET
def statement(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "payments/statement.html",
        _statement_context(request) | {"pdf_available": pdf.available()},
    )


@login_required
@require_GET
def statement_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    context = _statement_context(request)
    html = render_to_string(
        "payments/statement_document.html",
        context | {"organisation": Organisation.current()},
        request=request,
    )
    document = pdf.from_html(html)
    if document is None:  # pragma: no cover
        return HttpResponse(html)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-{context["start"]:%Y-%m-%d}-to-'
        f'{context["end"]:%Y-%m-%d}.pdf"'
    )
    response["Cache-Control"] = "private, no-store"
    return response


# ---------------------------------------------------------------------------------------------
# A project's claims, for the people who lead it


@login_required
@require_GET
def project_claims(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_approver(request, pk)
    status = request.GET.get("status", ClaimStatus.SUBMITTED)
    if status not in ClaimStatus.values:
        status = ClaimStatus.SUBMITTED
    claims = Claim.objects.filter(project=access.project)
    counts = dict(claims.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    tabs = [(value, label, counts.get(value, 0)) for value, label in ClaimStatus.choices]
    return render(
        request,
        "payments/project_claims.html",
        {
            "project": access.project,
            "access": access,
            "tabs": tabs,
            "status": status,
            "page": paginate(
                request, claims.filter(status=status).select_related("user", "submitted_by")
            ),
        },
    )


@transaction.atomic
def _on_behalf_save(form: OnBehalfForm, project: Project, actor: User) -> Claim:
    """All or nothing: a claim refused leaves nothing behind in the person's log, and the
    page sent twice (its `submission_key` again) makes one claim."""
    data = form.cleaned_data
    services.claim_refuse_made_already(data["submission_key"])
    person = data["person"]
    entry = services.involvement_record(
        user=person,
        project=project,
        activity=data["activity"],
        date=data["date"],
        minutes=data["minutes"],
        preparation_minutes=data["preparation_minutes"] or 0,
        way=data["way"],
        description=data["description"],
        actor=actor,
    )
    expense_ids = []
    if data["expense_kind"]:
        expense = services.expense_record(
            user=person,
            project=project,
            kind=data["expense_kind"],
            date=data["date"],
            description=data["expense_description"],
            amount=data["expense_amount"],
            actor=actor,
        )
        expense_ids.append(expense.pk)
    return services.claim_submit(
        user=person,
        project=project,
        entry_ids=[entry.pk],
        expense_ids=expense_ids,
        actor=actor,
        submission_key=data["submission_key"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def claim_on_behalf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A leader claims for a member who asked them to, for example by phone."""
    access = get_project_for_approver(request, pk)
    people = User.objects.filter(
        memberships__project=access.project, memberships__left_at__isnull=True
    ).exclude(pk=request.user.pk)
    form = OnBehalfForm(
        request.POST if request.method == "POST" else None, people=people, project=access.project
    )
    if request.method == "POST" and form.is_valid():
        try:
            claim = _on_behalf_save(form, access.project, request.user)
        except services.AlreadyMade as error:
            form.add_error("person", str(error))
        except services.PaymentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The claim for %(person)s is made. Someone else must approve it.")
                % {"person": claim.user.full_name},
            )
            return redirect("payments:claim_detail", pk=claim.pk)
    return render(
        request,
        "payments/claim_on_behalf.html",
        {"form": form, "project": access.project, "access": access},
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Finance


@login_required
@require_GET
def finance(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_finance(request)
    waiting = Claim.objects.filter(status=ClaimStatus.APPROVED, run__isnull=True)
    summary = waiting.aggregate(n=Count("pk"), total=Sum("total"))
    runs = PaymentRun.objects.annotate(n=Count("claims")).order_by("-created_at", "-pk")
    return render(
        request,
        "payments/finance.html",
        {
            "waiting_count": summary["n"],
            "waiting_total": summary["total"] or Decimal("0.00"),
            "page": paginate(request, runs),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def rates(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_rate_setter(request)
    form = RateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.rate_add(actor=request.user, **form.cleaned_data)
        except services.PaymentError as error:
            form.add_error("effective_from", str(error))
        else:
            messages.success(request, _("The rate is saved."))
            return redirect("payments:rates")
    return render(
        request,
        "payments/rates.html",
        {"form": form, "page": paginate(request, Rate.objects.all())},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_finance(request)
    today = timezone.localdate()
    form = RunForm(
        request.POST if request.method == "POST" else None,
        initial={"period_start": today.replace(day=1), "period_end": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            run = services.payment_run_create(actor=request.user, **form.cleaned_data)
        except services.PaymentError as error:
            form.add_error("period_end", str(error))
        else:
            messages.success(request, _("The payment run is made."))
            return redirect("payments:run_detail", pk=run.pk)
    return render(
        request, "payments/run_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _run_claims(run: PaymentRun) -> QuerySet[Claim]:
    return run.claims.select_related("user", "project", "approved_by").order_by(
        "user__full_name", "pk"
    )


@login_required
@require_GET
def run_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_finance(request, pk)
    claims = _run_claims(run)
    by_choice = dict(
        claims.order_by()
        .values_list("choice")
        .annotate(total=Sum("total"))
        .values_list("choice", "total")
    )
    return render(
        request,
        "payments/run_detail.html",
        {"run": run, "page": paginate(request, claims), "by_choice": by_choice},
    )


@login_required
@require_GET
def run_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The run on one printable page, without payment details, to sign off."""
    run = get_run_for_finance(request, pk)
    return render(
        request,
        "payments/run_summary.html",
        {"run": run, "claims": _run_claims(run), "made_at": timezone.now()},
    )


def _csv(run: PaymentRun, claims: list[Claim]) -> HttpResponse:
    choices = {
        choice.user_id: choice
        for choice in PaymentChoice.objects.filter(user__in=[claim.user_id for claim in claims])
    }
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payment-run-{run.pk}.csv"'
    response["Cache-Control"] = "private, no-store"
    writer = csv.writer(response)
    writer.writerow(
        [
            "claim",
            "name",
            "group",
            "payment",
            "fees",
            "expenses",
            "total",
            "account_name",
            "sort_code",
            "account_number",
            "vouchers",
            "send_vouchers_to",
        ]
    )
    for claim in claims:
        choice = choices.get(claim.user_id)
        writer.writerow(
            [
                claim.reference,
                _safe(claim.user.full_name),
                _safe(claim.project.name),
                claim.choice,
                claim.fees,
                claim.expenses_total,
                claim.total,
                _safe(choice.account_name) if choice else "",
                choice.sort_code if choice else "",
                choice.account_number if choice else "",
                _safe(choice.voucher_shop) if choice else "",
                _safe(choice.voucher_send_to) if choice else "",
            ]
        )
    return response


def _safe(text: str) -> str:
    """Stop a spreadsheet treating a name such as "=SUM(...)" as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@require_http_methods(["GET", "POST"])
def run_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The run as CSV for the bank, with payment details: finance says why first."""
    run = get_run_for_finance(request, pk)
    form = DetailsPurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        claims = list(_run_claims(run))
        services.payment_details_viewed(
            viewer=request.user,
            people=list({claim.user_id: claim.user for claim in claims}.values()),
            purpose=form.stated_purpose(),
        )
        return _csv(run, claims)
    return render(
        request,
        "payments/run_export.html",
        {"form": form, "run": run},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_paid(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    run = get_run_for_finance(request, pk)
    if request.method == "POST":
        try:
            services.payment_run_mark_paid(run=run, actor=request.user, base_url=_base_url(request))
        except services.PaymentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The run and every claim in it are marked paid."))
        return redirect("payments:run_detail", pk=pk)
    return render(
        request,
        "payments/run_paid.html",
        {"run": run, "claims_count": run.claims.count(), "already": run.status == RunStatus.PAID},
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_details(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Someone's payment details, for finance, after saying why (recorded each time)."""
    person = get_person_for_finance(request, pk)
    if not policy.can_see_payment_details(request.user, person):  # pragma: no cover
        raise Http404
    form = DetailsPurposeForm(request.POST if request.method == "POST" else None)
    context = {"person": person, "form": form}
    if request.method == "POST" and form.is_valid():
        services.payment_details_viewed(
            viewer=request.user, people=[person], purpose=form.stated_purpose()
        )
        return render(
            request,
            "payments/person_details.html",
            context | {"choice": services.payment_choice_of(person)},
        )
    return render(
        request,
        "payments/person_details_purpose.html",
        context,
        status=400 if form.errors else 200,
    )
