"""The decisions part of `make bench`: a thousand decisions, each with answers and an entry
on a public "you said, we did" page, and the two pages that list them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from decisions.models import (
    Choice,
    DecisionStatus,
    Entry,
    GroupDecision,
    Method,
    Outcome,
    PublicPage,
    Response,
)
from projects.bench import Data, Page
from projects.models import Membership, Project

DECISIONS = 1000


def decision_data(*, project: Project, coordinator: User) -> dict[str, Any]:
    if not GroupDecision.objects.filter(project=project).exists():
        now = timezone.now()
        methods = [Method.CONSENSUS, Method.CONSENT, Method.MAJORITY]
        decisions = GroupDecision.objects.bulk_create(
            GroupDecision(
                project=project,
                question=f"Bench decision {n}: do we change page {n}?",
                theme=f"theme {n % 7}",
                method=methods[n % 3],
                closes_at=now,
                status=DecisionStatus.CLOSED,
                outcome=Outcome.AGREED,
                closed_at=now,
                created_by=coordinator,
            )
            for n in range(DECISIONS)
        )
        members = list(Membership.objects.current().filter(project=project)[:5])
        answer = {Method.CONSENSUS: Choice.AGREE, Method.CONSENT: Choice.CONSENT}
        Response.objects.bulk_create(
            Response(
                decision=decision,
                user_id=member.user_id,
                member_type=member.member_type,
                choice=answer.get(Method(decision.method), Choice.FOR),
            )
            for decision in decisions
            for member in members
        )
        Entry.objects.bulk_create(
            Entry(
                project=project,
                you_said=f"People said page {n} was hard to read.",
                we_did=f"We rewrote page {n}.",
                decision=decision,
            )
            for n, decision in enumerate(decisions)
        )
        PublicPage.objects.update_or_create(project=project, defaults={"is_published": True})
    return {}


def _project_url(name: str) -> Any:
    return lambda d: reverse(name, args=[d.project.pk])


def _member(d: Data) -> User:
    return d.member


def decision_key_pages() -> list[Page]:
    """The decisions pages timed over HTTP too (scripts/http_bench.py): the two that list
    every decision, one for members and one for anonymous visitors."""
    return [
        Page("Decision log", _project_url("decisions:decision_log"), _member),
        Page("You said, we did (public)", _project_url("decisions:public_page"), lambda d: None),
    ]


def decision_pages() -> list[Page]:
    return [
        *decision_key_pages(),
        Page("Action log", _project_url("decisions:actions"), _member),
    ]
