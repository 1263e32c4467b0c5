"""Changes to a group's outcomes, tasks, milestones and phases. Each leaves an audit record."""

from dataclasses import dataclass
from decimal import Context, Decimal

from django.db import connection, models, transaction
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


@dataclass(frozen=True)
class PlanFigures:
    outcomes: int
    outcomes_done: int
    milestones: int
    milestones_met: int
    overdue: int
    resources: Resources


def _decimal(value: Decimal | float) -> Decimal:
    """A sum as the ORM gives it: PostgreSQL's exact decimal, or SQLite's float kept to the
    15 digits SQLite holds."""
    if isinstance(value, Decimal):
        return value
    return Context(prec=15).create_decimal_from_float(value)


# One row, whatever the size of the plan. Each aggregate without GROUP BY gives one row,
# also for a project with no outcomes, milestones or phases.
FIGURES_SQL = (
    "SELECT o.n, o.done, m.n, m.met, m.overdue, p.days, p.budget, p.implement_days,"
    " p.implement_budget FROM"
    " (SELECT COUNT(*) AS n, COUNT(CASE WHEN status = %s THEN 1 END) AS done"
    " FROM projects_outcome WHERE project_id = %s) o,"
    " (SELECT COUNT(*) AS n, COUNT(CASE WHEN status = %s THEN 1 END) AS met,"
    " COUNT(CASE WHEN status <> %s AND due_on < %s THEN 1 END) AS overdue"
    " FROM projects_milestone WHERE project_id = %s) m,"
    " (SELECT COALESCE(SUM(staff_days), 0) AS days, COALESCE(SUM(budget), 0) AS budget,"
    " SUM(CASE WHEN kind = %s THEN staff_days END) AS implement_days,"
    " SUM(CASE WHEN kind = %s THEN budget END) AS implement_budget"
    " FROM projects_phase WHERE project_id = %s) p"
)


def plan_figures(project: Project, *, organisation: Organisation | None = None) -> PlanFigures:
    """The counts and resources the project's overview shows, in one query (two unless the
    caller passes the organisation it has), whatever the size of the plan.

    Written in SQL: the ORM took longer to compile these nine counts and sums than the
    whole rest of the overview took to draw."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute(
            FIGURES_SQL,
            [
                *(WorkStatus.DONE, project.pk),
                *(MilestoneStatus.MET, MilestoneStatus.MET, today, project.pk),
                *(PhaseKind.IMPLEMENT, PhaseKind.IMPLEMENT, project.pk),
            ],
        )
        outcomes, done, milestones, met, overdue, days, budget, *implement = cursor.fetchone()
    days, budget = _decimal(days), _decimal(budget)
    # Each is None when the plan has no implement phase.
    implement_days, implement_budget = (None if v is None else _decimal(v) for v in implement)
    return PlanFigures(
        outcomes=outcomes,
        outcomes_done=done,
        milestones=milestones,
        milestones_met=met,
        overdue=overdue,
        resources=Resources(
            staff_days=days,
            budget=budget,
            implement_days_percent=_percent(implement_days, days),
            implement_budget_percent=_percent(implement_budget, budget),
            share_needed=(organisation or Organisation.current()).implementation_share_percent,
        ),
    )
