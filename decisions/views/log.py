"""The decision log: every decision of the project, searched and filtered, as pages or as a
CSV file. Each row links to its meeting, its proposal and its actions."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.pagination import paginate
from decisions.forms import LogFilterForm
from decisions.lookups import get_group_for_user
from decisions.models import Action, GroupDecision, Response
from meetings.models import ActionPoint, Decision, InputKind, WrittenInput
from projects.models import Project


def _count(rows: QuerySet[Any], field: str) -> Any:
    """A correlated COUNT, so counting several things does not multiply the rows."""
    return Coalesce(
        Subquery(
            rows.order_by().values(field).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


def decision_rows(project: Project) -> QuerySet[GroupDecision]:
    return (
        GroupDecision.objects.filter(project=project)
        .select_related("meeting", "proposal", "agenda_item")
        .annotate(
            answers=_count(Response.objects.filter(decision=OuterRef("pk")), "decision"),
            between_actions=_count(Action.objects.filter(decision=OuterRef("pk")), "decision"),
            meeting_actions=_count(
                ActionPoint.objects.filter(agenda_item=OuterRef("agenda_item")), "agenda_item"
            ),
            unanswered=_unanswered_thoughts(),
        )
    )


def _unanswered_thoughts() -> Any:
    return _count(
        WrittenInput.objects.filter(
            meeting=OuterRef("meeting"),
            kind=InputKind.COOLING_OFF,
            considered_at__isnull=True,
        ),
        "meeting",
    )


def recorded_rows(project: Project) -> QuerySet[Decision]:
    """Decisions written into a meeting's record as free text (as every decision was before
    the group decided by a method here), newest first."""
    return (
        Decision.objects.filter(meeting__project=project)
        .select_related("meeting", "agenda_item")
        .annotate(
            meeting_actions=_count(
                ActionPoint.objects.filter(agenda_item=OuterRef("agenda_item")), "agenda_item"
            ),
            unanswered=_unanswered_thoughts(),
        )
        .order_by("-recorded_at", "-pk")
    )


def record_url(decision: Decision) -> str:
    """The decision in its meeting's record: under its agenda item, or with the others."""
    anchor = f"item-{decision.agenda_item_id}" if decision.agenda_item_id else "decisions"
    return reverse("meetings:record", args=[decision.meeting_id]) + "#" + anchor


def recorded_status_words(decision: Decision) -> str:
    if decision.meeting.decisions_provisional or decision.unanswered:  # type: ignore[attr-defined]
        return _("Written in the meeting's record, provisional")
    return _("Written in the meeting's record")


LOG_ROW_FIELDS = (
    "project_id",
    "question",
    "method",
    "created_at",
    "theme",
    "status",
    "outcome",
    "meeting__title",
    "meeting__status",
    "meeting__cooling_off_ends_at",
    "proposal__title",
    "agenda_item_id",
)


def _filtered(request: AuthenticatedHttpRequest, project: Project) -> tuple[LogFilterForm, Any]:
    themes = list(
        GroupDecision.objects.filter(project=project)
        .exclude(theme="")
        .order_by("theme")
        .values_list("theme", flat=True)
        .distinct()
    )
    form = LogFilterForm(request.GET or None, themes=themes)
    return form, form.filter(decision_rows(project))


def status_words(decision: GroupDecision) -> str:
    if decision.is_open:
        return _("Open for answers")
    if decision.provisional(decision.unanswered):  # type: ignore[attr-defined]
        return _("%(outcome)s, provisional") % {"outcome": decision.get_outcome_display()}
    return str(decision.get_outcome_display())


@login_required
@require_GET
def decision_log(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk)
    form, rows = _filtered(request, access.project)
    # Only what a row shows, not every column of four tables (5 % fewer calls a page).
    page = paginate(request, rows.only(*LOG_ROW_FIELDS))
    for decision in page.object_list:
        decision.status_words = status_words(decision)
    recorded = paginate(
        request,
        form.filter_recorded(recorded_rows(access.project)),
        param="recorded_page",
        anchor="recorded",
    )
    for old in recorded.object_list:
        old.status_words = recorded_status_words(old)
        old.record_url = record_url(old)
    return render(
        request,
        "decisions/decision_log.html",
        {
            "access": access,
            "project": access.project,
            "form": form,
            "page": page,
            "recorded": recorded,
            "csv_query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def decision_log_csv(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk)
    form, rows = _filtered(request, access.project)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="decisions-{project_pk}-{day}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Opened"),
            _("Question"),
            _("Theme"),
            _("Method"),
            _("Where"),
            _("Status"),
            _("Answers"),
            _("Closed"),
            _("Proposal"),
            _("Actions"),
            _("Address"),
        ]
    )
    root = request.build_absolute_uri("/").rstrip("/")
    for decision in rows.iterator(chunk_size=500):
        where = str(_("Between meetings"))
        if decision.meeting:
            item = decision.agenda_item.title if decision.agenda_item else ""
            where = f"{decision.meeting.title}: {item}"
        writer.writerow(
            [
                timezone.localtime(decision.created_at).date().isoformat(),
                _safe(decision.question),
                _safe(decision.theme),
                decision.method_short,
                _safe(where),
                status_words(decision),
                decision.answers,
                timezone.localtime(decision.closed_at).date().isoformat()
                if decision.closed_at
                else "",
                _safe(decision.proposal.title) if decision.proposal else "",
                decision.between_actions + decision.meeting_actions,
                root + reverse("decisions:decision_detail", args=[decision.pk]),
            ]
        )
    for old in form.filter_recorded(recorded_rows(access.project)).iterator(chunk_size=500):
        item = old.agenda_item.title if old.agenda_item else ""
        writer.writerow(
            [
                timezone.localtime(old.recorded_at).date().isoformat(),
                _safe(old.text),
                "",
                _("Written in the meeting's record"),
                _safe(f"{old.meeting.title}: {item}" if item else old.meeting.title),
                recorded_status_words(old),
                "",
                "",
                "",
                old.meeting_actions,
                root + record_url(old),
            ]
        )
    return response


def _safe(text: str) -> str:
    """Spreadsheet programs run a cell that starts with = + - or @ as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
