"""What needs a person in payments: involvement the register says to confirm, claims sent back
to them; claims to approve (leaders); approved claims not yet in a payment run (finance)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from coproduce.lib.todo import Todo, Urgency
from payments.models import Claim, ClaimStatus
from payments.services import involvement_proposals
from projects.todo import led_projects


def todos_for(user: User, *, per_project: int | None = None) -> list[Todo]:
    # A few lines at most a project: `per_project` (see `coproduce.lib.todo`) is not needed.
    del per_project
    todos = [
        Todo(
            project=proposal.meeting.project,
            text=_("Confirm your time at %(meeting)s") % {"meeting": proposal.meeting.title},
            url=reverse("payments:mine"),
            urgency=Urgency.WAITING,
        )
        for proposal in involvement_proposals(user)
    ]
    claims = (
        Claim.objects.filter(
            Q(user=user, status=ClaimStatus.QUERIED)
            | Q(project__in=led_projects(user), status=ClaimStatus.SUBMITTED)
        )
        .select_related("project")
        .order_by()
    )
    todos += [
        Todo(
            project=claim.project,
            text=_("Answer the question about your claim")
            if claim.status == ClaimStatus.QUERIED
            else _("Approve or send back a claim"),
            url=reverse("payments:claim_detail", args=[claim.pk]),
            urgency=Urgency.SOON,
        )
        for claim in claims
        # Leaders approve others' claims, never their own nor one they made for someone.
        if claim.status == ClaimStatus.QUERIED
        or user.pk not in (claim.user_id, claim.submitted_by_id)
    ]
    if user.is_finance:
        waiting = Claim.objects.filter(status=ClaimStatus.APPROVED, run__isnull=True).aggregate(
            n=Count("pk")
        )["n"]
        if waiting:
            todos.append(
                Todo(
                    project=None,
                    text=ngettext(
                        "%(count)d approved claim is waiting for a payment run",
                        "%(count)d approved claims are waiting for a payment run",
                        waiting,
                    )
                    % {"count": waiting},
                    url=reverse("payments:finance"),
                    urgency=Urgency.SOON,
                )
            )
    return todos
