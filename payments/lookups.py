"""The only way payments views fetch claims, receipts, runs and people's details.

A claim is seen by its claimant, by the people who lead its project (who approve it) and by
finance; anyone else gets "Page not found", so a guessed address says nothing about whether
someone claimed. Finance's own pages answer "You cannot do this" to everyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent, User
from payments import policy
from payments.models import Claim, Expense, InvolvementEntry, PaymentRun
from projects.lookups import ProjectAccess, get_project_for_user
from projects.models import Membership


@dataclass(frozen=True)
class ClaimAccess:
    claim: Claim
    is_claimant: bool
    can_approve: bool
    is_finance: bool


def _approves(user: User, claim: Claim) -> bool:
    membership = Membership.objects.current().filter(project=claim.project, user=user).first()
    return policy.can_approve_claims(user, membership) and claim.user_id != user.pk


def get_claim_for_user(request: AuthenticatedHttpRequest, pk: int) -> ClaimAccess:
    user = request.user
    claim = (
        Claim.objects.select_related("user", "project", "submitted_by", "approved_by", "run")
        .filter(pk=pk)
        .first()
    )
    if claim is None:
        raise Http404
    is_claimant = claim.user_id == user.pk
    can_approve = _approves(user, claim)
    if not (is_claimant or can_approve or user.is_finance):
        raise Http404
    return ClaimAccess(
        claim=claim, is_claimant=is_claimant, can_approve=can_approve, is_finance=user.is_finance
    )


def get_expense_for_user(request: AuthenticatedHttpRequest, pk: int) -> Expense:
    """An expense (for its receipt): the person's own, or one in a claim the viewer may see."""
    user = request.user
    expense = Expense.objects.select_related("project").filter(pk=pk).first()
    if expense is None:
        raise Http404
    if expense.user_id == user.pk or user.is_finance:
        return expense
    claim = Claim.objects.filter(lines__expense=expense).select_related("project").first()
    if claim is None or not _approves(user, claim):
        raise Http404
    return expense


def get_entry_for_owner(request: AuthenticatedHttpRequest, pk: int) -> InvolvementEntry:
    """One of the person's own involvement entries, to change or remove; anyone else's is
    "Page not found", even for those who approve it."""
    entry = (
        InvolvementEntry.objects.select_related("project", "meeting", "user", "claim_line__claim")
        .filter(pk=pk, user=request.user)
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def get_expense_for_owner(request: AuthenticatedHttpRequest, pk: int) -> Expense:
    """One of the person's own expenses, to change or remove."""
    expense = (
        Expense.objects.select_related("project", "user", "claim_line__claim")
        .filter(pk=pk, user=request.user)
        .first()
    )
    if expense is None:
        raise Http404
    return expense


def require_finance(request: AuthenticatedHttpRequest) -> None:
    if not policy.is_finance(request.user):
        raise PermissionDenied


def require_rate_setter(request: AuthenticatedHttpRequest) -> None:
    if not policy.can_set_rates(request.user):
        raise PermissionDenied


def get_run_for_finance(request: AuthenticatedHttpRequest, pk: int) -> PaymentRun:
    require_finance(request)
    run = PaymentRun.objects.select_related("created_by", "paid_by").filter(pk=pk).first()
    if run is None:
        raise Http404
    return run


def get_person_for_finance(request: AuthenticatedHttpRequest, pk: int) -> User:
    require_finance(request)
    person = User.objects.filter(pk=pk).first()
    if person is None:
        raise Http404
    return person


def get_project_for_approver(request: AuthenticatedHttpRequest, pk: int) -> ProjectAccess:
    """A project's claims, for the people who lead it."""
    return get_project_for_user(request, pk, manage=True)


def get_withdrawn_claim_project_for_approver(
    request: AuthenticatedHttpRequest, pk: int
) -> ProjectAccess:
    """The project of a claim withdrawn since, for someone who leads it, so an approver who
    pressed "Approve" on an old page is told what happened; anyone else gets "Page not
    found", as for a claim that never was."""
    project_id = (
        AuditEvent.objects.filter(action="payments.claim_withdrawn", data__claim=pk)
        .values_list("project_id", flat=True)
        .first()
    )
    if project_id is None or Claim.objects.filter(pk=pk).exists():
        raise Http404
    try:
        return get_project_for_user(request, project_id, manage=True)
    except PermissionDenied as refused:
        raise Http404 from refused
