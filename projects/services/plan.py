"""Changes to a group's outcomes, tasks, milestones and phases. Each leaves an audit record."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import save_if_unchanged
from projects.models import (
    Milestone,
    MilestoneStatus,
    Outcome,
    OutcomeTask,
    Phase,
    PhaseKind,
    Project,
    Theme,
    WorkStatus,
)

# What each kind of item is called in the audit log.
KINDS: dict[type[models.Model], str] = {
    Outcome: "outcome",
    OutcomeTask: "outcome_task",
    Milestone: "milestone",
    Phase: "phase",
    Theme: "theme",
}


def _project_of(item: models.Model) -> Project:
    if isinstance(item, OutcomeTask):
        return item.outcome.project
    project: Project = item.project  # type: ignore[attr-defined]
    return project


def _note_met(item: models.Model, changed: list[str]) -> list[str]:
    """A milestone remembers the day it was met, for the work plan and the group's history."""
    if not isinstance(item, Milestone) or "status" not in changed:
        return changed
    item.met_on = timezone.localdate() if item.status == MilestoneStatus.MET else None
    return [*changed, "met_on"]


@transaction.atomic
def plan_item_add(*, item: models.Model, actor: User) -> None:
    _note_met(item, ["status"])
    item.save()
    AuditEvent.record(
        actor=actor,
        action=f"{KINDS[type(item)]}.added",
        summary=_("Added “%(title)s” to the plan") % {"title": str(item)},
        project=_project_of(item),
    )


@transaction.atomic
def plan_item_update(
    *, item: models.Model, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields; raises StaleEdit if someone else saved first."""
    if not changed:
        return
    fields = _note_met(item, changed)
    save_if_unchanged(item, expected_version=expected_version, fields=fields)
    met = isinstance(item, Milestone) and item.status == MilestoneStatus.MET and "status" in changed
    AuditEvent.record(
        actor=actor,
        action=f"{KINDS[type(item)]}.{'met' if met else 'updated'}",
        summary=(_("Met the milestone “%(title)s”") if met else _("Changed “%(title)s”"))
        % {"title": str(item)},
        project=_project_of(item),
        data={"changed": changed},
    )


@dataclass(frozen=True)
class Resources:
    """How a project's staff time and budget are spread, and whether enough is left to act."""

    staff_days: Decimal
    budget: Decimal
    implement_days_percent: Decimal | None
    implement_budget_percent: Decimal | None
    share_needed: int

    @property
    def too_little_to_act(self) -> bool:
        shares = [self.implement_days_percent, self.implement_budget_percent]
        return any(share is not None and share < self.share_needed for share in shares)


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (100 * (part or Decimal(0)) / whole).quantize(Decimal("0.1"))


def _per_project(rows: models.QuerySet[Any], value: Count | Sum) -> Coalesce:
    """One number about the outer project's rows, as a subquery: the overview gets every
    figure of the plan in one query, whatever the size of the plan."""
    subquery = (
        rows.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(value=value)
        .values("value")
    )
    output = models.IntegerField() if isinstance(value, Count) else models.DecimalField()
    return Coalesce(Subquery(subquery, output_field=output), 0, output_field=output)


@dataclass(frozen=True)
class PlanFigures:
    outcomes: int
    outcomes_done: int
    milestones: int
    milestones_met: int
    overdue: int
    resources: Resources


def plan_figures(project: Project, *, organisation: Organisation | None = None) -> PlanFigures:
    """The counts and resources the project's overview shows, in two queries (one when the
    caller passes the organisation it has)."""
    today = timezone.localdate()
    outcomes = Outcome.objects.all()
    milestones = Milestone.objects.all()
    met = Q(status=MilestoneStatus.MET)
    phases = Phase.objects.all()
    implement = phases.filter(kind=PhaseKind.IMPLEMENT)
    row = (
        Project.objects.filter(pk=project.pk)
        .annotate(
            n_outcomes=_per_project(outcomes, Count("pk")),
            n_outcomes_done=_per_project(outcomes.filter(status=WorkStatus.DONE), Count("pk")),
            n_milestones=_per_project(milestones, Count("pk")),
            n_met=_per_project(milestones.filter(met), Count("pk")),
            n_overdue=_per_project(milestones.exclude(met).filter(due_on__lt=today), Count("pk")),
            all_days=_per_project(phases, Sum("staff_days")),
            all_budget=_per_project(phases, Sum("budget")),
            implement_days=_per_project(implement, Sum("staff_days")),
            implement_budget=_per_project(implement, Sum("budget")),
        )
        .values(
            "n_outcomes",
            "n_outcomes_done",
            "n_milestones",
            "n_met",
            "n_overdue",
            "all_days",
            "all_budget",
            "implement_days",
            "implement_budget",
        )
        .get()
    )
    return PlanFigures(
        outcomes=row["n_outcomes"],
        outcomes_done=row["n_outcomes_done"],
        milestones=row["n_milestones"],
        milestones_met=row["n_met"],
        overdue=row["n_overdue"],
        resources=Resources(
            staff_days=Decimal(row["all_days"]),
            budget=Decimal(row["all_budget"]),
            implement_days_percent=_percent(row["implement_days"], row["all_days"]),
            implement_budget_percent=_percent(row["implement_budget"], row["all_budget"]),
            share_needed=(organisation or Organisation.current()).implementation_share_percent,
        ),
    )
