"""What the group decided by a method (consent, consensus, a vote): each decision once its
outcome is recorded. Read from the decisions themselves; no query runs here (the history
page unions these).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from coproduce.lib.history import Event, HistorySource, Row, history_rows, wanted
from decisions.models import DecisionStatus, GroupDecision, Outcome
from meetings.history import DECISIONS, QUOTE_LENGTH
from meetings.history import KINDS as MEETING_KINDS
from projects.models import Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The same kind as the decisions that minutes record: a reader looks for "decisions".
KINDS: dict[str, StrOrPromise] = {DECISIONS: MEETING_KINDS[DECISIONS]}


def rows(
    project: Project,
    *,
    kinds: Collection[str],
    since: datetime.date | None,
    until: datetime.date | None,
) -> list[QuerySet[Any]]:
    if not wanted(kinds, DECISIONS):
        return []
    return [
        history_rows(
            GroupDecision.objects.filter(project=project, status=DecisionStatus.CLOSED),
            event="decision_closed",
            at="closed_at",
            name="question",
            detail="outcome",
            since=since,
            until=until,
        )
    ]


def describe(row: Row, project: Project) -> Event | None:
    if row.event != "decision_closed":
        return None
    words = {"question": Truncator(row.name).chars(QUOTE_LENGTH)}
    text = (
        _("Agreed: %(question)s") % words
        if row.detail == Outcome.AGREED
        else _("Not agreed: %(question)s") % words
    )
    return Event(DECISIONS, row.at, text, reverse("decisions:decision_detail", args=[row.ref]))


SOURCE = HistorySource(KINDS, rows, describe)
