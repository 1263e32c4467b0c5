"""Changes to meetings. Each one is atomic and leaves an audit record."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.ordering import move_in_order
from meetings.models import (
    FORMAT_FOR_NEED,
    AgendaItem,
    Meeting,
    Paper,
    PaperFormat,
    PaperVersion,
)
from people.models import AccessNeed
from projects.models import Membership

if TYPE_CHECKING:
    from collections.abc import Iterable

# ---------------------------------------------------------------------------------------------
# Agenda, papers, invitations and replies: the agenda


def duration_words(minutes: int) -> str:
    """2 hours 10 minutes, 1 hour, 45 minutes."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", rest) % {"n": rest})
    return " ".join(parts)


@dataclass(frozen=True)
class AgendaRow:
    item: AgendaItem
    number: int
    # When the item starts, counting from the meeting's start; None until it has a date.
    starts_at: datetime.datetime | None


def agenda_rows(meeting: Meeting, items: Iterable[AgendaItem]) -> list[AgendaRow]:
    rows = []
    offset = 0
    number = 0
    for item in items:
        if not item.is_break:
            number += 1
        starts_at = (
            meeting.starts_at + datetime.timedelta(minutes=offset)
            if meeting.starts_at is not None
            else None
        )
        rows.append(AgendaRow(item=item, number=number, starts_at=starts_at))
        offset += item.minutes
    return rows


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
    invited = list(meeting.invitees.values_list("user_id", flat=True))
    people = invited or list(
        Membership.objects.current()
        .filter(project_id=meeting.project_id)
        .values_list("user_id", flat=True)
    )
    details = AccessNeed.objects.filter(
        user__in=people, need_type__code="regular-breaks"
    ).values_list("detail", flat=True)
    minutes = [int(detail) for detail in details if detail.strip().isdigit() and int(detail) > 0]
    return min(minutes) if minutes else None


def longest_stretch_without_break(items: Iterable[AgendaItem]) -> tuple[int, int]:
    """The longest run of items with no break between them: (minutes, minutes from start)."""
    longest, longest_from = 0, 0
    current, current_from, offset = 0, 0, 0
    for item in items:
        if item.is_break:
            current, current_from = 0, offset + item.minutes
        else:
            current += item.minutes
            if current > longest:
                longest, longest_from = current, current_from
        offset += item.minutes
    return longest, longest_from


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
def agenda_item_update(*, item: AgendaItem, actor: User, changed: list[str]) -> None:
    if not changed:
        return
    item.save(update_fields=changed)
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


# ---------------------------------------------------------------------------------------------
# Agenda, papers, invitations and replies: papers


def papers_due_at(meeting: Meeting) -> datetime.datetime | None:
    return meeting.papers_due_at(Organisation.current().papers_notice_days)


def formats_needed(meeting: Meeting) -> dict[str, int]:
    """How many people invited need each alternative format, by format. Counts only.

    Before anyone is invited, the project's current members count instead.
    """
    invited = list(meeting.invitees.values_list("user_id", flat=True))
    people = invited or list(
        Membership.objects.current()
        .filter(project_id=meeting.project_id)
        .values_list("user_id", flat=True)
    )
    pairs = AccessNeed.objects.filter(
        user__in=people, need_type__code__in=list(FORMAT_FOR_NEED)
    ).values_list("user_id", "need_type__code")
    # A person counts once per format, even if two of their needs lead to the same one.
    people_formats = {(user, str(FORMAT_FOR_NEED[code])) for user, code in pairs}
    counts = Counter(paper_format for _user, paper_format in people_formats)
    return {fmt: counts[fmt] for fmt in PaperFormat.values if counts[fmt]}


def _store(version: PaperVersion, upload: UploadedFile, name: str) -> None:
    version.file.save(name, upload, save=False)


@transaction.atomic
def paper_add(*, paper: Paper, upload: UploadedFile, stored_name: str, actor: User) -> None:
    """Publish a paper with its standard file. After the notice period it is marked late."""
    now = timezone.now()
    due = papers_due_at(paper.meeting)
    paper.added_by = actor
    paper.published_at = now
    paper.late = due is not None and now > due
    paper.save()
    version = PaperVersion(paper=paper, format=PaperFormat.STANDARD, added_by=actor)
    _store(version, upload, stored_name)
    version.save()
    AuditEvent.record(
        actor=actor,
        action="paper.added",
        summary=_("Added the paper “%(paper)s” to “%(title)s”%(late)s")
        % {
            "paper": paper.title,
            "title": paper.meeting.title,
            "late": _(", after papers were due") if paper.late else "",
        },
        project=paper.meeting.project,
    )


@transaction.atomic
def paper_update(
    *,
    paper: Paper,
    actor: User,
    changed: list[str],
    upload: UploadedFile | None = None,
    stored_name: str = "",
) -> None:
    """Save changed details; a new standard file replaces the old one (which is deleted)."""
    if changed:
        paper.save(update_fields=changed)
    if upload is not None:
        paper_version_add(
            paper=paper,
            paper_format=PaperFormat.STANDARD,
            upload=upload,
            stored_name=stored_name,
            actor=actor,
            audit=False,
        )
    if changed or upload is not None:
        AuditEvent.record(
            actor=actor,
            action="paper.updated",
            summary=_("Changed the paper “%(paper)s” for “%(title)s”")
            % {"paper": paper.title, "title": paper.meeting.title},
            project=paper.meeting.project,
            data={"changed": sorted(changed), "new_file": upload is not None},
        )


def _delete_files_after_commit(names: list[str | None], storage: Storage) -> None:
    # Files go only once the rows are gone for good, so a rollback never leaves a row
    # pointing at a missing file.
    def delete() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def paper_remove(*, paper: Paper, actor: User) -> None:
    versions = list(paper.versions.all())
    AuditEvent.record(
        actor=actor,
        action="paper.removed",
        summary=_("Removed the paper “%(paper)s” from “%(title)s”")
        % {"paper": paper.title, "title": paper.meeting.title},
        project=paper.meeting.project,
    )
    if versions:
        _delete_files_after_commit(
            [version.file.name for version in versions if version.file],
            versions[0].file.storage,
        )
    paper.delete()


@transaction.atomic
def paper_version_add(
    *,
    paper: Paper,
    paper_format: str,
    upload: UploadedFile,
    stored_name: str,
    actor: User,
    audit: bool = True,
) -> PaperVersion:
    """Add the paper in another format, replacing any file it already had in that format."""
    version = PaperVersion.objects.filter(paper=paper, format=paper_format).first()
    if version is not None and version.file:
        _delete_files_after_commit([version.file.name], version.file.storage)
    if version is None:
        version = PaperVersion(paper=paper, format=paper_format)
    version.added_by = actor
    version.added_at = timezone.now()
    _store(version, upload, stored_name)
    version.save()
    if audit:
        AuditEvent.record(
            actor=actor,
            action="paper.version_added",
            summary=_("Added the %(format)s version of “%(paper)s”")
            % {"format": PaperFormat(paper_format).label.lower(), "paper": paper.title},
            project=paper.meeting.project,
        )
    return version


@transaction.atomic
def paper_version_remove(*, version: PaperVersion, actor: User) -> None:
    AuditEvent.record(
        actor=actor,
        action="paper.version_removed",
        summary=_("Removed the %(format)s version of “%(paper)s”")
        % {"format": PaperFormat(version.format).label.lower(), "paper": version.paper.title},
        project=version.paper.meeting.project,
    )
    if version.file:
        _delete_files_after_commit([version.file.name], version.file.storage)
    version.delete()
