"""Changes to a meeting's agenda, and what the agenda page works out: each item's start,
an agenda longer than the meeting, and stretches longer than people can go without a break.

Each change is atomic and leaves an audit record.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import save_if_unchanged
from coproduce.lib.ordering import move_in_order
from meetings.models import AgendaItem, Invitee, Meeting
from meetings.timing import duration_words, longest_stretch_without_break
from people.models import AccessNeed
from projects.models import Membership


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    number: int
    # When the item starts, counting from the meeting's start; None until it has a date.
    starts_at: datetime.datetime | None

    @property
    def minutes_words(self) -> str:
        """ "10 minutes": worked out here rather than by a plural in the template, which
        costs several times as much for each item of the agenda."""
        minutes = self.item.minutes
        return ngettext("%(counter)s minute", "%(counter)s minutes", minutes) % {"counter": minutes}


def item_starts(
    meeting: Meeting, items: Iterable[tuple[int, bool]]
) -> list[tuple[int, datetime.datetime | None]]:
    """Each item's number (a break takes none of its own) and when it starts, from each
    item's (minutes, is a break): pages that fetch only a few values need no items."""
    starts = []
    offset = 0
    number = 0
    for minutes, is_break in items:
        if not is_break:
            number += 1
        starts_at = (
            meeting.starts_at + datetime.timedelta(minutes=offset)
            if meeting.starts_at is not None
            else None
        )
        starts.append((number, starts_at))
        offset += minutes
    return starts


def agenda_rows(meeting: Meeting, items: Iterable[AgendaItem]) -> list[AgendaRow]:
    items = list(items)
    starts = item_starts(meeting, [(item.minutes, item.is_break) for item in items])
    return [
        AgendaRow(item=item, number=number, starts_at=starts_at)
        for item, (number, starts_at) in zip(items, starts, strict=True)
    ]


def agenda_overrun(meeting: Meeting, total_minutes: int) -> str | None:
    """The error when the agenda would take longer than the meeting, else None."""
    length = meeting.duration_minutes
    if length is None or total_minutes <= length:
        return None
    return _(
        "The agenda would last %(total)s but the meeting is %(length)s. Shorten or remove an "
        "item, or make the meeting longer."
    ) % {"total": duration_words(total_minutes), "length": duration_words(length)}


def break_interval_needed(meeting: Meeting) -> int | None:
    """The shortest gap between breaks anyone invited has asked for, in minutes.

    Before anyone is invited, the project's current members count instead. Only the number
    comes out of here: pages never say whose requirement it is.
    """
    invited = Invitee.objects.filter(meeting_id=meeting.pk)
    members = Membership.objects.current().filter(project_id=meeting.project_id)
    # One query, either way round.
    details = AccessNeed.objects.filter(
        Q(user__in=invited.values("user_id"))
        | (Q(user__in=members.values("user_id")) & ~Exists(invited)),
        need_type__code="regular-breaks",
    ).values_list("detail", flat=True)
    minutes = [int(detail) for detail in details if detail.strip().isdigit() and int(detail) > 0]
    return min(minutes) if minutes else None


def agenda_break_warning(
    meeting: Meeting, items: Iterable[AgendaItem], needed: int | None
) -> str | None:
    if needed is None:
        return None
    stretch, from_offset = longest_stretch_without_break(items)
    if stretch <= needed:
        return None
    values = {"needed": duration_words(needed), "stretch": duration_words(stretch)}
    if meeting.starts_at is not None:
        starts = timezone.localtime(meeting.starts_at + datetime.timedelta(minutes=from_offset))
        values["time"] = starts.strftime("%H:%M")
        return (
            _(
                "Someone invited needs a break at least every %(needed)s, but from %(time)s "
                "the agenda goes %(stretch)s without one. Add a break or move one."
            )
            % values
        )
    return (
        _(
            "Someone invited needs a break at least every %(needed)s, but the agenda goes "
            "%(stretch)s without one. Add a break or move one."
        )
        % values
    )


@transaction.atomic
def agenda_item_add(*, item: AgendaItem, actor: User) -> None:
    """Add an item at the end of the meeting's agenda."""
    last = AgendaItem.objects.filter(meeting=item.meeting).aggregate(last=Max("position"))
    item.position = (last["last"] or 0) + 1
    item.save()
    AuditEvent.record(
        actor=actor,
        action="agenda.item_added",
        summary=_("Added “%(item)s” to the agenda of “%(title)s”")
        % {"item": item.title, "title": item.meeting.title},
        project=item.meeting.project,
    )


@transaction.atomic
def agenda_item_update(
    *, item: AgendaItem, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields; raises StaleEdit if someone else saved first."""
    if not changed:
        return
    save_if_unchanged(item, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="agenda.item_updated",
        summary=_("Changed “%(item)s” on the agenda of “%(title)s”")
        % {"item": item.title, "title": item.meeting.title},
        project=item.meeting.project,
        data={"changed": sorted(changed)},
    )


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, actor: User) -> None:
    """Take an item off. Its papers stay with the meeting; written input on it goes."""
    AuditEvent.record(
        actor=actor,
        action="agenda.item_removed",
        summary=_("Removed “%(item)s” from the agenda of “%(title)s”")
        % {"item": item.title, "title": item.meeting.title},
        project=item.meeting.project,
    )
    item.delete()


@transaction.atomic
def agenda_item_move(*, item: AgendaItem, actor: User, up: bool) -> None:
    """Swap an item with the one before (`up`) or after it."""
    if not move_in_order(AgendaItem.objects.filter(meeting_id=item.meeting_id), item, up=up):
        return
    AuditEvent.record(
        actor=actor,
        action="agenda.item_moved",
        summary=_("Moved “%(item)s” %(direction)s the agenda of “%(title)s”")
        % {
            "item": item.title,
            "direction": _("up") if up else _("down"),
            "title": item.meeting.title,
        },
        project=item.meeting.project,
    )
