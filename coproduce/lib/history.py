"""One line of a project's history, as its history page lists it, and the shape every app's
history rows share.

Each app says what happened in a project from the rows it already keeps (and the audit log),
in `<app>/history.py`: `KINDS` (what a reader can filter by), `rows(project, ...)` (lazy
querysets, one per sort of event, each shaped by `history_rows`; `rows_by_kind` builds it
from one function giving them by kind) and `describe(row)` (the sentence a reader sees). The history
page unions the querysets and lets the database sort and slice them, so no app keeps a
second log by hand and no page reads more than it shows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from django import forms
from django.db.models import (
    CharField,
    DateTimeField,
    Expression,
    ExpressionWrapper,
    F,
    IntegerField,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The columns every source selects, in this order, so their querysets can be unioned. The
# prefix keeps them clear of the models' own field names (a project has a `name`).
COLUMNS = (
    "history_event",
    "history_at",
    "history_id",
    "history_ref",
    "history_name",
    "history_detail",
)


@dataclass(frozen=True)
class Row:
    """One event as the database returns it: what happened, when, the row it comes from (`id`),
    what it links to (`ref`), and two pieces of text to word it with."""

    event: str
    at: datetime.datetime
    id: int
    ref: int
    name: str
    detail: str

    @classmethod
    def from_values(cls, values: dict[str, Any]) -> Row:
        at = values["history_at"]
        # SQLite may hand back a computed moment (a day's noon) without its time zone.
        if timezone.is_naive(at):
            at = timezone.make_aware(at, datetime.UTC)
        return cls(
            event=values["history_event"],
            at=at,
            id=values["history_id"],
            ref=values["history_ref"],
            name=values["history_name"] or "",
            detail=values["history_detail"] or "",
        )


@dataclass(frozen=True)
class Event:
    """One line of the history: its kind (for the filter), when, what, and where to read more."""

    kind: str
    at: datetime.datetime
    text: str | Promise
    url: str = ""

    @property
    def day(self) -> datetime.date:
        return timezone.localtime(self.at).date()

    @property
    def month(self) -> datetime.date:
        return self.day.replace(day=1)


class RowsFor(Protocol):
    def __call__(
        self,
        project: Any,
        *,
        kinds: Collection[str],
        since: datetime.date | None,
        until: datetime.date | None,
    ) -> list[QuerySet[Any]]: ...


@dataclass(frozen=True)
class HistorySource:
    """One app's part of the history: its kinds, its rows, and its words for them."""

    kinds: dict[str, StrOrPromise]
    rows: RowsFor
    describe: Callable[[Row, Any], Event | None]


def as_text(expression: str | Expression) -> Expression:
    """A column as text, whatever its type, so every source's column has the same type."""
    return Cast(F(expression) if isinstance(expression, str) else expression, CharField())


def as_moment(expression: str | Expression) -> Expression:
    """A datetime column as it is, typed the same in every source, so sources sort together."""
    return Cast(F(expression) if isinstance(expression, str) else expression, DateTimeField())


# A day kept without a time is placed at its noon in UTC: that moment falls on the same day in
# every time zone from UTC-11 to UTC+11, so the history shows it on the day it was kept.
NOON = datetime.timedelta(hours=12)


def as_day(field: str) -> Expression:
    """A date column as a moment on that day, to sort among the sources that keep times."""
    return ExpressionWrapper(
        Cast(F(field), DateTimeField()) + Value(NOON), output_field=DateTimeField()
    )


def history_rows(
    rows: QuerySet[Any],
    *,
    event: str,
    at: str | Expression,
    since: datetime.date | None,
    until: datetime.date | None,
    ref: str = "pk",
    name: str | Expression = "",
    detail: str | Expression = "",
) -> QuerySet[Any]:
    """The events of one sort, in the shape of `COLUMNS`, within the days asked for.

    `ref` is what the event links to (its own row unless said); `name` and `detail` are
    column names or expressions, and an empty string leaves them empty.
    """

    def column(value: str | Expression) -> Expression:
        return as_text(value) if value else Value("", output_field=CharField())

    shaped = rows.annotate(
        history_event=Value(event, output_field=CharField()),
        history_at=as_moment(at),
        history_id=Cast(F("pk"), IntegerField()),
        history_ref=Cast(F(ref), IntegerField()),
        history_name=column(name),
        history_detail=column(detail),
    )
    if since is not None:
        shaped = shaped.filter(history_at__date__gte=since)
    if until is not None:
        shaped = shaped.filter(history_at__date__lte=until)
    values: QuerySet[Any] = shaped.order_by().values(*COLUMNS)
    return values


def wanted(kinds: Collection[str], kind: str) -> bool:
    """No kind chosen means every kind."""
    return not kinds or kind in kinds


class Shaper(Protocol):
    """`history_rows` with the days asked for already given."""

    def __call__(
        self,
        events: QuerySet[Any],
        /,
        *,
        event: str,
        at: str | Expression,
        ref: str = "pk",
        name: str | Expression = "",
        detail: str | Expression = "",
    ) -> QuerySet[Any]: ...


# A project's events by kind: for each kind, one queryset per sort of event, each shaped by
# the `Shaper`. Building a queryset runs no query, so the kinds not asked for cost nothing.
RowsByKind = Callable[[Any, Shaper], Mapping[str, list[QuerySet[Any]]]]


def rows_by_kind(rows_of: RowsByKind) -> RowsFor:
    """An app's `rows`: the events of each kind asked for (every kind when none is), all kept
    to the days asked for."""

    def rows(
        project: Any,
        *,
        kinds: Collection[str],
        since: datetime.date | None,
        until: datetime.date | None,
    ) -> list[QuerySet[Any]]:
        def shaped(events: QuerySet[Any], /, **columns: Any) -> QuerySet[Any]:
            return history_rows(events, since=since, until=until, **columns)

        by_kind = rows_of(project, shaped)
        return [found for kind in by_kind if wanted(kinds, kind) for found in by_kind[kind]]

    return rows


def union_of(sources: Iterable[QuerySet[Any]]) -> QuerySet[Any] | None:
    """Every source's events as one queryset, newest first; None when there is no source.

    Why one UNION and not a fetch per source merged in Python: the database sorts and slices
    across every source at once, so a page costs two queries (the count and the page) however
    many sources there are and however deep the page, and the count is exact, so the usual
    numbered page links work. Ties keep a fixed order, so no event shows on two pages.
    """
    found = list(sources)
    if not found:
        return None
    first, *others = found
    combined = first.union(*others, all=True) if others else first
    ordered: QuerySet[Any] = combined.order_by("-history_at", "history_event", "-history_id")
    return ordered


def history_of(
    sources: Sequence[HistorySource],
    project: Any,
    *,
    kinds: Collection[str] = (),
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Any] | None:
    """The events of `sources` in one project, of the kinds and days asked for, unrun."""
    return union_of(
        rows
        for source in sources
        for rows in source.rows(project, kinds=kinds, since=since, until=until)
    )


def events_of(
    sources: Sequence[HistorySource], values: Iterable[dict[str, Any]], project: Any
) -> list[Event]:
    """The rows, in the words of the source each came from."""
    found = []
    for value in values:
        row = Row.from_values(value)
        for source in sources:
            if (event := source.describe(row, project)) is not None:
                found.append(event)
                break
    return found


class HistoryFilterForm(SpecificErrorsMixin, forms.Form):
    """What to show: some kinds of events, between two days. Everything when left empty."""

    kind = forms.MultipleChoiceField(
        label=_("What to show"),
        help_text=_("Leave them all unticked to see everything."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, kinds: dict[str, StrOrPromise], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = list(kinds.items())  # type: ignore[attr-defined]
        # "from" is a Python keyword, so these fields are added here, not declared above.
        self.fields["from"] = GovukDateField(
            label=_("From"), help_text=_("For example, 27 3 2026"), required=False
        )
        self.fields["to"] = GovukDateField(
            label=_("To"), help_text=_("For example, 27 3 2026"), required=False
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("from"), cleaned.get("to")
        if since and until and until < since:
            self.add_error("to", _("“To” must be the same day as “From” or after it"))
        return cleaned

    @property
    def choice(self) -> tuple[list[str], datetime.date | None, datetime.date | None]:
        """The kinds and days asked for; everything when the form is empty or has errors."""
        if not self.is_bound or not self.is_valid():
            return [], None, None
        data = self.cleaned_data
        return list(data["kind"]), data.get("from"), data.get("to")
