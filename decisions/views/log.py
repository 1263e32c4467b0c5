"""The decision log: every decision of the project, searched and filtered, as pages or as a
CSV file. Each row links to its meeting, its proposal and its actions."""

from __future__ import annotations

import csv
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib import forms as lib_forms
from coproduce.lib.cache import kept_or_made
from coproduce.lib.choices import choice_labels
from coproduce.lib.fragments import ROW_TIMEOUT, rendered_rows, row_key
from coproduce.lib.pagination import Counted, LinkedPage, paginate
from coproduce.lib.queries import table
from coproduce.templatetags import govuk
from decisions.forms import LogFilterForm
from decisions.lookups import GroupAccess, get_group_for_user
from decisions.models import (
    METHOD_SHORT,
    Action,
    DecisionStatus,
    GroupDecision,
    Response,
    taken_provisionally,
)
from meetings.models import ActionPoint, Decision, InputKind, Meeting, WrittenInput
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


# What the log shows of each decision: read as values, as making the three models of each
# row cost a page of the log as much as the rest of its query.
ROW_VALUES = (
    "pk",
    "project_id",
    "question",
    "method",
    "created_at",
    "theme",
    "status",
    "outcome",
    "meeting_id",
    "meeting__title",
    "meeting__status",
    "meeting__cooling_off_ends_at",
    "proposal_id",
    "proposal__title",
    "answers",
    "between_actions",
    "meeting_actions",
    "unanswered",
)
# The spreadsheet says when each closed and at which agenda item too.
SHEET_VALUES = (*ROW_VALUES, "closed_at", "agenda_item__title")


@functools.cache
def _counted(fields: tuple[str, ...]) -> QuerySet[GroupDecision, dict[str, Any]]:
    """Every decision with what its row counts. Resolving the four subqueries cost a page of
    the log half of its query's time, so it is done once a process: each page filters a copy
    (a queryset is never changed by the copies made from it)."""
    rows: QuerySet[GroupDecision, dict[str, Any]] = GroupDecision.objects.annotate(
        answers=_count(Response.objects.filter(decision=OuterRef("pk")), "decision"),
        between_actions=_count(Action.objects.filter(decision=OuterRef("pk")), "decision"),
        meeting_actions=_count(
            ActionPoint.objects.filter(agenda_item=OuterRef("agenda_item")), "agenda_item"
        ),
        unanswered=_unanswered_thoughts(),
    ).values(*fields)
    return rows


def decision_rows(
    project: Project, fields: tuple[str, ...] = ROW_VALUES
) -> QuerySet[GroupDecision, dict[str, Any]]:
    return _counted(fields).filter(project=project)


def _unanswered_thoughts() -> Any:
    return _count(
        WrittenInput.objects.filter(
            meeting=OuterRef("meeting"),
            kind=InputKind.COOLING_OFF,
            considered_at__isnull=True,
        ),
        "meeting",
    )


@functools.cache
def _recorded_counted() -> QuerySet[Decision]:
    """Decisions written into a meeting's record with their counts, newest first, resolved
    once a process as `_counted` is."""
    return (
        Decision.objects.annotate(
            meeting_actions=_count(
                ActionPoint.objects.filter(agenda_item=OuterRef("agenda_item")), "agenda_item"
            ),
            unanswered=_unanswered_thoughts(),
        )
        .select_related("meeting", "agenda_item")
        .order_by("-recorded_at", "-pk")
    )


def recorded_rows(project: Project) -> QuerySet[Decision]:
    """Decisions written into a meeting's record as free text (as every decision was before
    the group decided by a method here), newest first."""
    return _recorded_counted().filter(meeting__project=project)


def record_url(decision: Decision) -> str:
    """The decision in its meeting's record: under its agenda item, or with the others."""
    anchor = f"item-{decision.agenda_item_id}" if decision.agenda_item_id else "decisions"
    return reverse("meetings:record", args=[decision.meeting_id]) + "#" + anchor


def recorded_status_words(decision: Decision) -> str:
    if decision.meeting.decisions_provisional or decision.unanswered:  # type: ignore[attr-defined]
        return _("Written in the meeting's record, provisional")
    return _("Written in the meeting's record")


def _summary(project: Project) -> tuple[list[str], int, int | None]:
    """The project's themes to choose from, how many decisions it has and how many its
    meeting records hold (None when it has no decisions to ask with), in one query written
    in SQL (see `coproduce.lib.queries`): the ORM took longer to compile it than the rest of
    the page took to draw. The records' count names the project, not the row, so the
    database works it out once for the query."""
    sql = (
        f"SELECT theme, COUNT(*), (SELECT COUNT(*) FROM {table(Decision)} d"  # noqa: S608  # our own tables; values go as parameters
        f" JOIN {table(Meeting)} m ON m.id = d.meeting_id WHERE m.project_id = %s)"
        f" FROM {table(GroupDecision)} WHERE project_id = %s GROUP BY theme ORDER BY theme"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [project.pk, project.pk])
        rows = cursor.fetchall()
    themes = [theme for theme, _count, _written in rows if theme]
    return themes, sum(count for _theme, count, _written in rows), rows[0][2] if rows else None


def _search(request: AuthenticatedHttpRequest, themes: list[str]) -> LogFilterForm | None:
    """The search the address asks for, if any: another page of the list is no search, and
    making a form for nothing cost the log a twentieth of its time."""
    return LogFilterForm(request.GET, themes=themes) if LogFilterForm.asked(request.GET) else None


@dataclass(frozen=True)
class RowWords:
    """What rows say of a decision's method and outcome, in one language."""

    methods: dict[str, str]
    outcomes: dict[str, str]
    open: str
    provisional: str


@functools.cache
def _row_words(language: str | None) -> RowWords:
    return RowWords(
        methods={str(method): str(label) for method, label in METHOD_SHORT.items()},
        outcomes=choice_labels(GroupDecision._meta.get_field("outcome"), language),
        open=_("Open for answers"),
        provisional=_("%(outcome)s, provisional"),
    )


def row_words() -> RowWords:
    """Worked out once a language, not for each of a page's rows."""
    return _row_words(get_language())


def status_words(row: dict[str, Any], words: RowWords) -> str:
    if row["status"] == DecisionStatus.OPEN:
        return words.open
    outcome = words.outcomes[row["outcome"]]
    meeting = (
        Meeting(
            status=row["meeting__status"], cooling_off_ends_at=row["meeting__cooling_off_ends_at"]
        )
        if row["meeting_id"] is not None
        else None
    )
    if taken_provisionally(meeting, False, row["unanswered"]):
        return words.provisional % {"outcome": outcome}
    return outcome


def log_row(row: dict[str, Any], words: RowWords) -> dict[str, Any]:
    """What one decision's row shows, as plain values: the row is drawn from these alone."""
    return {
        "pk": row["pk"],
        "project_pk": row["project_id"],
        "question": row["question"],
        "method": words.methods[row["method"]],
        "created_at": row["created_at"],
        "theme": row["theme"],
        "answers": row["answers"],
        "status": status_words(row, words),
        "meeting_pk": row["meeting_id"],
        "meeting_title": row["meeting__title"] or "",
        "proposal_pk": row["proposal_id"],
        "proposal_title": row["proposal__title"] or "",
        "actions": row["between_actions"] + row["meeting_actions"],
    }


def recorded_row(decision: Decision) -> dict[str, Any]:
    return {
        "record_url": record_url(decision),
        "text": decision.text,
        "recorded_at": decision.recorded_at,
        "status": recorded_status_words(decision),
        "meeting_pk": decision.meeting_id,
        "meeting_title": decision.meeting.title,
        "item_title": decision.agenda_item.title if decision.agenda_item else "",
        "actions": decision.meeting_actions,  # type: ignore[attr-defined]
    }


# What the kept lists are drawn with besides their own template. Rows of the lists are kept
# by what they show; these draw the rest: a release that changes one draws the lists anew.
DRAWN_WITH = (
    "projects/_header.html",
    "projects/_tabs.html",
    "includes/error_summary.html",
    "includes/fields.html",
    "includes/field.html",
    "includes/date_input.html",
    "decisions/_log_table.html",
    "decisions/_log_head.html",
    "includes/pagination.html",
    "includes/_pagination_drawn.html",
)


@functools.cache
def _drawn_with() -> str:
    sources = [get_template(name).template.source for name in DRAWN_WITH]  # type: ignore[attr-defined]
    sources += [Path(module.__file__ or "").read_text() for module in (govuk, lib_forms)]
    return hashlib.sha256("\n".join(sources).encode()).hexdigest()[:16]


def _lists(
    request: AuthenticatedHttpRequest,
    access: GroupAccess,
    form: LogFilterForm | None,
    themes: list[str],
    page: LinkedPage,
    recorded: LinkedPage,
) -> tuple[str, str]:
    """The page's breadcrumbs and its content, kept drawn by everything they show: the
    project, what the person may do, the address (the search, the pages asked for), the
    themes to choose from, how many decisions match and the rows' own values. Drawing the
    search form's fields alone took a fifth of the page's time."""
    words = row_words()
    rows = [log_row(decision, words) for decision in page]
    # Even an empty page of them costs Django compiling a query.
    old_rows = [recorded_row(decision) for decision in recorded] if recorded.paginator.count else []
    shown = {
        "project": (access.project.pk, access.project.name),
        "can_decide": access.can_decide,
        "query": request.GET.urlencode(),
        "themes": themes,
        "pages": (page.paginator.count, page.number, recorded.paginator.count, recorded.number),
        # Made here of text, numbers, times and None alone, so their repr is the same in
        # every process: hashing it spares checking each value, 7 % of the page's calls.
        "rows": hashlib.sha256(repr((rows, old_rows)).encode()).hexdigest(),
        "drawn_with": _drawn_with(),
    }
    template = "decisions/_log_lists.html"

    def draw() -> tuple[str, str]:
        context = {
            "request": request,
            "access": access,
            "project": access.project,
            "form": form or LogFilterForm(None, themes=themes),
            "page": page,
            "recorded": recorded,
            "rows": rendered_rows("decisions/_log_row.html", rows),
            "recorded_rows": rendered_rows("decisions/_recorded_row.html", old_rows),
            "csv_query": request.GET.urlencode(),
        }
        header = get_template("projects/_header.html").render(context)
        return header, get_template(template).render(context)

    return kept_or_made(row_key(template, shown), tuple, draw, ROW_TIMEOUT)


@login_required
@require_GET
def decision_log(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk)
    themes, total, written = _summary(access.project)
    form = _search(request, themes)
    rows, number, old_number = decision_rows(access.project), total, written
    old_bare = Decision.objects.filter(meeting__project=access.project)
    if form is not None:
        rows = form.filter(rows)
        number = form.filter(GroupDecision.objects.filter(project=access.project)).count()
        old_bare, old_number = form.filter_recorded(old_bare), None
    if old_number is None:
        old_number = old_bare.count()
    # Most projects have none written in records: their query is not even made then.
    old_rows = recorded_rows(access.project) if old_number else Decision.objects.none()
    if form is not None and old_number:
        old_rows = form.filter_recorded(old_rows)
    page = paginate(request, Counted(rows, number))
    recorded = paginate(
        request, Counted(old_rows, old_number), param="recorded_page", anchor="recorded"
    )
    header, lists = _lists(request, access, form, themes, page, recorded)
    return render(
        request,
        "decisions/decision_log.html",
        {
            "project": access.project,
            # The layout asks the form for errors; no search has none.
            "form": form,
            # Drawn by our templates, which escape what they show.
            "header": mark_safe(header),  # noqa: S308
            "lists": mark_safe(lists),  # noqa: S308
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def decision_log_csv(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk)
    form = LogFilterForm(request.GET or None, themes=_summary(access.project)[0])
    rows = form.filter(decision_rows(access.project, SHEET_VALUES))
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
    words = row_words()
    for row in rows.iterator(chunk_size=500):
        where = str(_("Between meetings"))
        if row["meeting_id"] is not None:
            where = f"{row['meeting__title']}: {row['agenda_item__title'] or ''}"
        writer.writerow(
            [
                timezone.localtime(row["created_at"]).date().isoformat(),
                _safe(row["question"]),
                _safe(row["theme"]),
                words.methods[row["method"]],
                _safe(where),
                status_words(row, words),
                row["answers"],
                timezone.localtime(row["closed_at"]).date().isoformat() if row["closed_at"] else "",
                _safe(row["proposal__title"]) if row["proposal_id"] is not None else "",
                row["between_actions"] + row["meeting_actions"],
                root + reverse("decisions:decision_detail", args=[row["pk"]]),
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
