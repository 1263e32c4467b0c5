"""What needs a person in their groups' decisions: decisions waiting for their response, actions
they own that are due, and (for leaders) blocked actions."""

from __future__ import annotations

import datetime

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from accounts.models import User
from coproduce.lib.todo import Todo, Urgency, day_end, first_per_project, not_fetched, urgency_of
from decisions.models import Action, DecisionStatus, GroupDecision, Response
from meetings.models import ActionStatus
from projects.todo import led_projects, member_projects

# A one-line item: long questions and actions are cut short, the link has the rest.
WORDS = 12


def todos_for(user: User, *, per_project: int | None = None) -> list[Todo]:
    """`per_project` fetches only the first so many of each kind in each project."""
    now = timezone.now()
    return [*_decisions(user, now, per_project), *_actions(user, now, per_project)]


def _decisions(user: User, now: datetime.datetime, limit: int | None) -> list[Todo]:
    decisions = first_per_project(
        GroupDecision.objects.filter(project__in=member_projects(user), status=DecisionStatus.OPEN)
        .exclude(Exists(Response.objects.filter(decision=OuterRef("pk"), user=user)))
        .select_related("project")
        .order_by(),
        project="project_id",
        order_by=[F("closes_at").asc(nulls_last=True), F("pk").asc()],
        limit=limit,
    )
    return [
        Todo(
            project=decision.project,
            text=_("Give your answer: %(question)s")
            % {"question": Truncator(decision.question).words(WORDS)},
            url=reverse("decisions:decision_detail", args=[decision.pk]),
            due=decision.closes_at,
            urgency=urgency_of(decision.closes_at, now, default=Urgency.SOON),
            not_fetched=not_fetched(decision, limit),
        )
        for decision in decisions
    ]


def _actions(user: User, now: datetime.datetime, limit: int | None) -> list[Todo]:
    horizon = timezone.localdate(now) + datetime.timedelta(days=7)
    actions = first_per_project(
        Action.objects.filter(project__in=member_projects(user), done_at__isnull=True)
        .exclude(status=ActionStatus.DONE)
        .filter(
            Q(owner=user, due_on__lte=horizon)
            | Q(status=ActionStatus.BLOCKED, project__in=led_projects(user))
        )
        .select_related("project")
        .order_by(),
        project="project_id",
        order_by=[F("due_on").asc(nulls_last=True), F("pk").asc()],
        limit=limit,
    )
    todos = []
    for action in actions:
        due = day_end(action.due_on) if action.due_on is not None else None
        text = Truncator(action.text).words(WORDS)
        if action.status == ActionStatus.BLOCKED and action.owner_id != user.pk:
            line = _("Blocked action: %(text)s") % {"text": text}
        else:
            line = _("Your action: %(text)s") % {"text": text}
        todos.append(
            Todo(
                project=action.project,
                text=line,
                url=reverse("decisions:actions", args=[action.project_id]),
                due=due,
                urgency=urgency_of(due, now),
                not_fetched=not_fetched(action, limit),
            )
        )
    return todos
