"""What happened at a project's meetings: the meetings held, and the decisions their minutes
record. Read from the meetings themselves; no query runs here (the history page unions these).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.lib.history import Event, HistorySource, Row, Shaper, rows_by_kind
from meetings.models import Decision, Meeting, MeetingStatus
from projects.models import Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MEETINGS, DECISIONS = "meetings", "decisions"

# Decisions come from this app (recorded in minutes) and from `decisions` (taken by a
# method): one kind in the filter, under the same name in both.
KINDS: dict[str, StrOrPromise] = {
    MEETINGS: gettext_lazy("Meetings held"),
    DECISIONS: gettext_lazy("Decisions taken"),
}

# Long enough to recognise a decision, short enough to keep the list readable.
QUOTE_LENGTH = 160


def rows_of(project: Project, shaped: Shaper) -> dict[str, list[QuerySet[Any]]]:
    return {
        # When it took place; a meeting held without a date set counts from its closing.
        MEETINGS: [
            shaped(
                Meeting.objects.filter(project=project, status=MeetingStatus.CLOSED),
                event="meeting_held",
                at=Coalesce("starts_at", "closed_at"),
                name="title",
            )
        ],
        DECISIONS: [
            shaped(
                Decision.objects.filter(
                    meeting__project=project, meeting__status=MeetingStatus.CLOSED
                ),
                event="minuted_decision",
                at=Coalesce("meeting__starts_at", "recorded_at"),
                ref="meeting_id",
                name="text",
                detail="meeting__title",
            )
        ],
    }


rows = rows_by_kind(rows_of)


def describe(row: Row, project: Project) -> Event | None:
    if row.event == "meeting_held":
        return Event(
            MEETINGS,
            row.at,
            _("The meeting “%(title)s” was held") % {"title": row.name},
            reverse("meetings:detail", args=[row.ref]),
        )
    if row.event == "minuted_decision":
        return Event(
            DECISIONS,
            row.at,
            _("Decided at “%(meeting)s”: %(text)s")
            % {"meeting": row.detail, "text": Truncator(row.name).chars(QUOTE_LENGTH)},
            reverse("meetings:detail", args=[row.ref]),
        )
    return None


SOURCE = HistorySource(KINDS, rows, describe)
