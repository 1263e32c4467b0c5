"""What happened in a project's own rows: people joining, pausing, coming back and leaving,
roles changing, ground rules adopted and milestones met.

Each sort of event is read from where it is already kept: memberships and pauses hold their
own dates, and so do ground rules versions and milestones. A change of role is kept nowhere
but the audit log, so that is read for it. No query runs here: the history page unions these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AuditEvent
from coproduce.lib.history import Event, HistorySource, Row, Shaper, as_day, rows_by_kind
from projects.models import GroundRulesVersion, Membership, MembershipPause, Milestone, Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MEMBERS, RULES, MILESTONES = "members", "rules", "milestones"

KINDS: dict[str, StrOrPromise] = {
    MEMBERS: gettext_lazy("People joining, pausing, changing role and leaving"),
    RULES: gettext_lazy("Ground rules adopted"),
    MILESTONES: gettext_lazy("Milestones met"),
}


def rows_of(project: Project, shaped: Shaper) -> dict[str, list[QuerySet[Any]]]:
    memberships = Membership.objects.filter(project=project)
    pauses = MembershipPause.objects.filter(membership__project=project)
    return {
        MEMBERS: [
            shaped(memberships, event="joined", at="joined_at", name="user__full_name"),
            shaped(
                memberships.filter(left_at__isnull=False),
                event="left",
                at="left_at",
                name="user__full_name",
            ),
            shaped(pauses, event="paused", at="started_at", name="membership__user__full_name"),
            # A pause ends when the member comes back, or by itself on their return date.
            shaped(
                pauses.filter(Q(ended_at__isnull=False) | Q(return_on__lte=timezone.localdate())),
                event="came_back",
                at=Coalesce("ended_at", as_day("return_on")),
                name="membership__user__full_name",
            ),
            # The audit log's own words: it alone keeps the role someone had before.
            shaped(
                AuditEvent.objects.filter(project=project, action="membership.changed"),
                event="role_changed",
                at="created_at",
                detail="summary",
            ),
        ],
        RULES: [
            shaped(
                GroundRulesVersion.objects.filter(project=project),
                event="rules_adopted",
                at="adopted_at",
                name="number",
                detail="change_note",
            )
        ],
        MILESTONES: [
            shaped(
                Milestone.objects.filter(project=project, met_on__isnull=False),
                event="milestone_met",
                at=as_day("met_on"),
                name="title",
            )
        ],
    }


rows = rows_by_kind(rows_of)


def describe(row: Row, project: Project) -> Event | None:
    person = {"person": row.name}
    if row.event == "joined":
        return Event(MEMBERS, row.at, _("%(person)s joined the group") % person)
    if row.event == "left":
        return Event(MEMBERS, row.at, _("%(person)s left the group") % person)
    if row.event == "paused":
        return Event(MEMBERS, row.at, _("%(person)s paused their membership") % person)
    if row.event == "came_back":
        return Event(MEMBERS, row.at, _("%(person)s came back from a pause") % person)
    if row.event == "role_changed":
        return Event(MEMBERS, row.at, row.detail)
    if row.event == "rules_adopted":
        return Event(
            RULES,
            row.at,
            _("Version %(number)s of the ground rules was adopted. What changed: %(note)s")
            % {"number": row.name, "note": row.detail},
            reverse("projects:ground_rules_versions", args=[project.pk]),
        )
    if row.event == "milestone_met":
        return Event(
            MILESTONES,
            row.at,
            _("The milestone “%(title)s” was met") % {"title": row.name},
            reverse("projects:work_plan", args=[project.pk]),
        )
    return None


SOURCE = HistorySource(KINDS, rows, describe)
