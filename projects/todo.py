"""What needs a person in their projects' own work: ground rules to agree to."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from coproduce.lib.todo import Todo, Urgency
from projects.models import LEADING_ROLES, GroundRulesAnswer, GroundRulesVersion, Membership


def member_projects(user: User) -> QuerySet[Membership, Any]:
    """The ids of the projects the person belongs to now, as a subquery (no query of its own)."""
    return Membership.objects.current().filter(user=user).values("project_id")


def led_projects(user: User) -> QuerySet[Membership, Any]:
    """The ids of the projects the person chairs or coordinates now, as a subquery."""
    return (
        Membership.objects.current().filter(user=user, role__in=LEADING_ROLES).values("project_id")
    )


def todos_for(user: User, *, per_project: int | None = None) -> list[Todo]:
    # A few lines at most a project: `per_project` (see `coproduce.lib.todo`) is not needed.
    del per_project
    # The newest version of each group's rules is the one to agree to.
    newer = GroundRulesVersion.objects.filter(
        project=OuterRef("project"), number__gt=OuterRef("number")
    )
    answered = GroundRulesAnswer.objects.filter(version=OuterRef("pk"), user=user)
    versions = (
        GroundRulesVersion.objects.filter(project__in=member_projects(user))
        .exclude(Exists(newer))
        .exclude(Exists(answered))
        .select_related("project")
    )
    return [
        Todo(
            project=version.project,
            text=_("Read and agree to the ground rules"),
            url=reverse("projects:ground_rules", args=[version.project_id]),
            urgency=Urgency.WAITING,
        )
        for version in versions
    ]
