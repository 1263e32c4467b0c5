"""When the group looked for new members: each call for members, from the day it opened.
Read from the calls themselves; no query runs here (the history page unions these).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.lib.history import Event, HistorySource, Row, history_rows, wanted
from projects.models import Project
from recruitment.models import Call

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CALLS = "calls"

KINDS: dict[str, StrOrPromise] = {CALLS: gettext_lazy("Calls for new members")}


def rows(
    project: Project,
    *,
    kinds: Collection[str],
    since: datetime.date | None,
    until: datetime.date | None,
) -> list[QuerySet[Any]]:
    if not wanted(kinds, CALLS):
        return []
    calls = Call.objects.filter(project=project)
    return [
        history_rows(
            calls, event="call_opened", at="created_at", name="title", since=since, until=until
        )
    ]


def describe(row: Row, project: Project) -> Event | None:
    if row.event != "call_opened":
        return None
    # No link: a call's own page is for the people who run recruitment, not the whole group.
    return Event(
        CALLS, row.at, _("A call for new members opened: “%(title)s”") % {"title": row.name}
    )


SOURCE = HistorySource(KINDS, rows, describe)
