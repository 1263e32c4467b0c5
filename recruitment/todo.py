"""What needs a person in recruitment: applications waiting for a first look (leaders), and
applications waiting for their score (panel members)."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from coproduce.lib.todo import Todo, Urgency
from projects.todo import led_projects, member_projects
from recruitment.models import (
    Application,
    ApplicationStatus,
    Assessment,
    Call,
    PanelMember,
)

# Stages at which the panel scores an application.
SCORED = (ApplicationStatus.RECEIVED, ApplicationStatus.SHORTLISTED)


def todos_for(user: User, *, per_project: int | None = None) -> list[Todo]:
    # A few lines at most a project: `per_project` (see `coproduce.lib.todo`) is not needed.
    del per_project
    panel_place = PanelMember.objects.filter(call=OuterRef("pk"), user=user)
    unscored = Application.objects.filter(call=OuterRef("pk"), status__in=SCORED).exclude(
        Exists(Assessment.objects.filter(application=OuterRef("pk"), assessor=user))
    )
    calls = (
        Call.objects.filter(project__in=member_projects(user))
        .annotate(
            leads=Exists(led_projects(user).filter(project_id=OuterRef("project_id"))),
            on_panel=Exists(panel_place),
            received=Count(
                "applications",
                filter=Q(applications__status=ApplicationStatus.RECEIVED),
            ),
            to_score=Count("applications", filter=Q(applications__in=unscored.values("pk"))),
        )
        .filter(Q(leads=True, received__gt=0) | Q(on_panel=True, to_score__gt=0))
        .select_related("project")
        .order_by()
    )
    todos = []
    for call in calls:
        url = reverse("recruitment:call_detail", args=[call.project_id, call.pk])
        if call.leads and call.received:
            todos.append(
                Todo(
                    project=call.project,
                    text=ngettext(
                        "%(count)d application to %(call)s is waiting for its next stage",
                        "%(count)d applications to %(call)s are waiting for their next stage",
                        call.received,
                    )
                    % {"count": call.received, "call": call.title},
                    url=url,
                    urgency=Urgency.WAITING,
                )
            )
        if call.on_panel and call.to_score:
            todos.append(
                Todo(
                    project=call.project,
                    text=_("Score the applications to %(call)s: %(count)d waiting for you")
                    % {"call": call.title, "count": call.to_score},
                    url=url,
                    urgency=Urgency.SOON,
                )
            )
    return todos
