"""One thing a person could do next, as the home page lists it.

Each app says what needs its people (`<app>/todo.py`, `todos_for(user)`), in a bounded number
of queries whatever the data; the home page gathers, groups and sorts them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, cast

from django.db.models import Count, F, Model, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.functional import Promise


class Urgency(IntEnum):
    """Lower comes first: late things, then things due soon, then things that can wait."""

    OVERDUE = 0
    SOON = 1
    WAITING = 2


# What "soon" means for a date: within a week.
SOON = datetime.timedelta(days=7)


@dataclass(frozen=True)
class Todo:
    """One line on the home page: what to do, where it is done, and when by.

    `project` is None for work that belongs to no group (finance's payment runs).
    """

    project: Any
    text: str | Promise
    url: str
    due: datetime.datetime | None = None
    urgency: Urgency = Urgency.WAITING
    # Lines of the same kind in the same project left in the database (see `first_per_project`):
    # the home page counts them in "See all" without fetching them.
    not_fetched: int = 0

    @property
    def sort_key(self) -> tuple[int, float, str]:
        due = self.due.timestamp() if self.due is not None else float("inf")
        return (int(self.urgency), due, str(self.text))


def urgency_of(
    due: datetime.datetime | None, now: datetime.datetime, *, default: Urgency = Urgency.WAITING
) -> Urgency:
    """Late things are overdue, things due within a week are soon, the rest keep `default`."""
    if due is None:
        return default
    if due < now:
        return Urgency.OVERDUE
    if due - now <= SOON:
        return Urgency.SOON
    return default


def day_end(day: datetime.date) -> datetime.datetime:
    """A due date as the moment it passes: the end of that day, in the local time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def first_per_project[M: Model](
    rows: QuerySet[M, M], *, project: str, order_by: Sequence[Any], limit: int | None
) -> QuerySet[M, M]:
    """At most `limit` rows a project, the first by `order_by`, so the home page fetches only
    what it shows however many there are. Each row has `place` (1 for the first) and
    `in_project`, how many the project has in all. `order_by` must put the rows in the order
    their lines sort in (`Todo.sort_key`): by due date, soonest first, none last.
    """
    if limit is None:
        return rows
    first = rows.annotate(
        place=Window(RowNumber(), partition_by=[F(project)], order_by=list(order_by)),
        in_project=Window(Count("pk"), partition_by=[F(project)]),
    ).filter(place__lte=limit)
    return cast("QuerySet[M, M]", first)


def not_fetched(row: Any, limit: int | None) -> int:
    """How many of a project's rows `first_per_project` left behind, told once (on its first)."""
    if limit is None or getattr(row, "place", None) != 1:
        return 0
    return max(0, int(row.in_project) - limit)
