"""The record of a meeting: who came, the minutes, decisions, action points and who spoke.

Minutes are never overwritten: each save is a new version, and a save made from an older
version than the latest is refused, so two minute-takers cannot silently undo each other.
Contributions feed the equal-voice figures, which show the group whose voices it is hearing
and whom it has not heard from lately.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import StaleEdit, save_if_unchanged
from meetings.models import (
    PRESENT_WAYS,
    ActionPoint,
    ActionStatus,
    AgendaItem,
    AttendanceWay,
    Contribution,
    ContributionWay,
    Decision,
    Invitee,
    ItemMinutes,
    ItemPurpose,
    Meeting,
    MeetingStatus,
    MinutesVersion,
)
from meetings.services.after import minutes_ready_tell
from people.models import MemberType
from projects.models import Membership, Project


class RecordError(Exception):
    """A change to the record that cannot be made now. The message says why, for the page."""


class StaleMinutes(RecordError):
    """Someone saved a newer version of the minutes after this edit started."""


def _check(problem: str | None) -> None:
    if problem:
        raise RecordError(problem)


# ---------------------------------------------------------------------------------------------
# Attendance


def _way_fits(attended: bool | None, way: str) -> bool:
    """Whether a way of taking part goes with coming or not (the check in the database)."""
    if not way:
        return True
    if attended is True:
        return way in PRESENT_WAYS
    return attended is False and way == AttendanceWay.WRITTEN


@transaction.atomic
def attendance_save(
    *,
    meeting: Meeting,
    actor: User,
    attended: Mapping[int, bool | None],
    ways: Mapping[int, str] | None = None,
    seen: str | None = None,
) -> list[Invitee]:
    """Take the register. `attended` maps an invitee's id to whether they came (None: unsure);
    `ways`, to how they took part (an AttendanceWay value, or "" when not known).

    Without a way for someone, the one recorded before is kept while it still fits.
    `seen` is the register the form was drawn with (`register_state`): StaleEdit if another
    keeper saved it since. Returns the invitees whose entry changed.
    """
    _check(meeting.record_problem())
    invitees = list(
        Invitee.objects.select_for_update(of=("self",))
        .filter(meeting=meeting, pk__in=list(attended))
        .select_related("user")
    )
    if seen is not None and register_state(invitees) != seen:
        raise StaleEdit
    changed = []
    for invitee in invitees:
        here = attended[invitee.pk]
        way = invitee.attended_way if ways is None or invitee.pk not in ways else ways[invitee.pk]
        if not _way_fits(here, way):
            if ways is not None and invitee.pk in ways:
                raise RecordError(
                    _("How %(name)s took part does not match whether they came. Choose again")
                    % {"name": invitee.user.full_name}
                )
            way = ""
        if (invitee.attended, invitee.attended_way) != (here, way):
            invitee.attended, invitee.attended_way = here, way
            changed.append(invitee)
    if changed:
        Invitee.objects.bulk_update(changed, ["attended", "attended_way"])
        came = sum(1 for value in attended.values() if value)
        AuditEvent.record(
            actor=actor,
            action="meeting.attendance_recorded",
            summary=_("Recorded who came to “%(title)s”: %(n)s people came")
            % {"title": meeting.title, "n": came},
            project=meeting.project,
            data={"changed": len(changed)},
        )
    return changed


@transaction.atomic
def attendees_add(*, meeting: Meeting, users: Iterable[User], actor: User) -> list[Invitee]:
    """Add people who came without being invited, as invitees who attended.

    Only current members of the project can be added; people already invited are skipped.
    """
    _check(meeting.record_problem())
    memberships = Membership.objects.current().filter(
        project_id=meeting.project_id, user__in=[user.pk for user in users]
    )
    already = set(meeting.invitees.values_list("user_id", flat=True))
    added = Invitee.objects.bulk_create(
        Invitee(
            meeting=meeting,
            user_id=membership.user_id,
            member_type=membership.member_type,
            attended=True,
        )
        for membership in memberships
        if membership.user_id not in already
    )
    if added:
        AuditEvent.record(
            actor=actor,
            action="meeting.attendees_added",
            summary=_("Added %(n)s people who came to “%(title)s” without an invitation")
            % {"n": len(added), "title": meeting.title},
            project=meeting.project,
        )
    return added


# ---------------------------------------------------------------------------------------------
# The record page


def record_shown(meeting: Meeting, *, can_take_minutes: bool, user_pk: int) -> dict[str, Any]:
    """What the record page shows below its tabs, as plain values: it is drawn from these
    alone and kept (coproduce/lib/fragments.py). Only the columns shown are fetched."""
    ways = dict(AttendanceWay.choices)
    came, in_writing, did_not_come, not_recorded = [], [], [], []
    for name, attended, way in Invitee.objects.filter(meeting=meeting).values_list(
        "user__full_name", "attended", "attended_way"
    ):
        if attended is None:
            not_recorded.append(name)
        elif attended:
            came.append((name, str(ways.get(way, way)) if way else ""))
        elif way == AttendanceWay.WRITTEN:
            in_writing.append(name)
        else:
            did_not_come.append(name)
    version = (
        MinutesVersion.objects.filter(meeting=meeting)
        .order_by("-number")
        .values("pk", "number", "summary", "saved_by__full_name", "saved_at")
        .first()
    )
    minutes_problem = meeting.minutes_problem()
    # Rows come unordered and are sorted here, by their models' order led by the sort key:
    # the same order, and the query is cheaper to make.
    decisions: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    # Breaks have no record: those on an item made a break since are not shown.
    for _at, pk, item_pk, text in sorted(
        Decision.objects.filter(meeting=meeting)
        .order_by()
        .values_list("recorded_at", "pk", "agenda_item", "text")
    ):
        decisions[item_pk].append({"pk": pk, "text": text})
    actions: dict[int | None, list[dict[str, Any]]] = defaultdict(list)
    for _at, pk, item_pk, text, done_at, owner_pk, owner, due_on in sorted(
        ActionPoint.objects.filter(meeting=meeting)
        .order_by()
        .values_list(
            "recorded_at",
            "pk",
            "agenda_item",
            "text",
            "done_at",
            "owner",
            "owner__full_name",
            "due_on",
        )
    ):
        actions[item_pk].append(
            {
                "pk": pk,
                "text": text,
                "done": done_at is not None,
                "owner": owner if owner_pk is not None else None,
                "due_on": due_on,
                # Whoever keeps the record, and the person who took it on, say when it is done.
                "may_mark": can_take_minutes or owner_pk == user_pk,
            }
        )
    # Each item's notes in the latest version come with the items, in the same query.
    notes: Subquery | Value = (
        Subquery(
            ItemMinutes.objects.filter(version=version["pk"], agenda_item=OuterRef("pk")).values(
                "notes"
            )
        )
        if version
        else Value("")
    )
    sections = [
        {
            "number": number,
            "pk": pk,
            "title": title,
            "notes": item_notes or "",
            "decisions": decisions[pk],
            "actions": actions[pk],
        }
        for number, (_position, pk, title, item_notes) in enumerate(
            sorted(
                AgendaItem.objects.filter(meeting=meeting)
                .exclude(purpose=ItemPurpose.BREAK)
                .order_by()
                .values_list("position", "pk", "title", notes)
            ),
            start=1,
        )
    ]
    if decisions[None] or actions[None] or (can_take_minutes and not minutes_problem):
        sections.append({"number": 0, "decisions": decisions[None], "actions": actions[None]})
    return {
        "meeting_pk": meeting.pk,
        "can_take_minutes": can_take_minutes,
        "problem": meeting.record_problem(),
        "minutes_problem": minutes_problem,
        "approved_at": meeting.minutes_approved_at,
        "came": came,
        "in_writing": in_writing,
        "did_not_come": did_not_come,
        "not_recorded": not_recorded,
        "version": version
        and {
            "number": version["number"],
            "summary": version["summary"],
            "saved_by": version["saved_by__full_name"],
            "saved_at": version["saved_at"],
        },
        "provisional": meeting.decisions_provisional,
        "cooling_off": meeting.decisions_provisional and meeting.status == MeetingStatus.CLOSED,
        "cooling_off_ends_at": meeting.cooling_off_ends_at,
        "sections": sections,
    }


# ---------------------------------------------------------------------------------------------
# Minutes


def items_for_minutes(meeting: Meeting) -> list[AgendaItem]:
    """The agenda items that get minutes: every item but the breaks."""
    return list(AgendaItem.objects.filter(meeting=meeting).exclude(purpose=ItemPurpose.BREAK))


def minutes_latest_number(meeting: Meeting) -> int:
    """The number of the newest version of the minutes; 0 before the first is saved."""
    latest = MinutesVersion.objects.filter(meeting=meeting).aggregate(latest=Max("number"))
    return int(latest["latest"] or 0)


def minutes_version(meeting: Meeting, number: int | None = None) -> MinutesVersion | None:
    """A version of the minutes (the latest by default), with its notes per item as `notes`."""
    versions = MinutesVersion.objects.filter(meeting=meeting).select_related("saved_by")
    version = (
        versions.order_by("-number").first()
        if number is None
        else versions.filter(number=number).first()
    )
    if version is not None:
        version.notes = {  # type: ignore[attr-defined]
            row.agenda_item_id: row.notes for row in ItemMinutes.objects.filter(version=version)
        }
    return version


@transaction.atomic
def minutes_save(
    *,
    meeting: Meeting,
    actor: User,
    based_on: int,
    summary: str,
    change_note: str,
    notes: Mapping[int, str],
    base_url: str | None = None,
) -> MinutesVersion:
    """Save a new version of the minutes. Earlier versions stay as they were.

    The first version saved after every further thought has its answer tells the chair the
    minutes can be approved.

    `based_on` is the number of the version the person started from (0 for none). If a newer
    one has been saved since, StaleMinutes is raised and nothing is saved.
    """
    # Locking the meeting row makes two saves at once take turns, so the check below holds.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _check(locked.minutes_problem())
    latest = minutes_latest_number(meeting)
    if latest != based_on:
        raise StaleMinutes(
            _(
                "Someone else saved a newer version of the minutes (version %(latest)s) while "
                "you were writing. Nothing was saved. What you typed is still below: compare "
                "it with the latest version, then save again."
            )
            % {"latest": latest}
        )
    items = {item.pk for item in items_for_minutes(meeting)}
    try:
        with transaction.atomic():
            version = MinutesVersion.objects.create(
                meeting=meeting,
                number=latest + 1,
                summary=summary,
                change_note=change_note,
                saved_by=actor,
            )
    except IntegrityError:
        # Only possible on a database without row locks: the other save won.
        raise StaleMinutes(
            _("Someone else saved the minutes at the same moment. Nothing was saved.")
        ) from None
    ItemMinutes.objects.bulk_create(
        ItemMinutes(version=version, agenda_item_id=item_pk, notes=text)
        for item_pk, text in notes.items()
        if item_pk in items
    )
    AuditEvent.record(
        actor=actor,
        action="meeting.minutes_saved",
        summary=_("Saved version %(n)s of the minutes of “%(title)s”")
        % {"n": version.number, "title": meeting.title},
        project=meeting.project,
        data={"number": version.number},
    )
    minutes_ready_tell(meeting=meeting, base_url=base_url)
    return version


@dataclass(frozen=True)
class MinutesRow:
    item: AgendaItem
    notes: str
    previous: str | None  # the notes in the version before, when they differ

    @property
    def changed(self) -> bool:
        return self.previous is not None


def minutes_compare(
    items: Iterable[AgendaItem], version: MinutesVersion, previous: MinutesVersion | None
) -> list[MinutesRow]:
    """Each item's notes in `version`, with the earlier text where it changed."""
    rows = []
    now: dict[int, str] = version.notes  # type: ignore[attr-defined]
    before: dict[int, str] | None = previous.notes if previous else None  # type: ignore[attr-defined]
    for item in items:
        text = now.get(item.pk, "")
        earlier = None if before is None else before.get(item.pk, "")
        rows.append(
            MinutesRow(item=item, notes=text, previous=earlier if earlier != text else None)
        )
    return rows


# ---------------------------------------------------------------------------------------------
# Decisions and action points


def _item_title(item: AgendaItem | None) -> str:
    return item.title if item is not None else _("no item in particular")


@transaction.atomic
def decision_save(*, decision: Decision, actor: User, expected_version: int | None = None) -> None:
    """Record a new decision, or save changes to one.

    A change from a form names the version it started from: StaleEdit if someone saved first.
    """
    _check(decision.meeting.minutes_problem())
    adding = decision.pk is None
    if adding:
        decision.recorded_by = actor
    if not adding and expected_version is not None:
        fields = ["agenda_item", "text"]
        save_if_unchanged(decision, expected_version=expected_version, fields=fields)
    else:
        decision.save()
    AuditEvent.record(
        actor=actor,
        action="meeting.decision_added" if adding else "meeting.decision_changed",
        summary=(
            _("Recorded a decision on “%(item)s” at “%(title)s”")
            if adding
            else _("Changed a decision on “%(item)s” at “%(title)s”")
        )
        % {"item": _item_title(decision.agenda_item), "title": decision.meeting.title},
        project=decision.meeting.project,
        data={"decision": decision.pk},
    )


@transaction.atomic
def decision_remove(*, decision: Decision, actor: User) -> None:
    _check(decision.meeting.minutes_problem())
    AuditEvent.record(
        actor=actor,
        action="meeting.decision_removed",
        summary=_("Removed a decision on “%(item)s” from “%(title)s”: %(text)s")
        % {
            "item": _item_title(decision.agenda_item),
            "title": decision.meeting.title,
            "text": decision.text[:100],
        },
        project=decision.meeting.project,
    )
    decision.delete()


@transaction.atomic
def action_point_save(
    *, action: ActionPoint, actor: User, expected_version: int | None = None
) -> None:
    """Record a new action point, or save changes to one.

    A change from a form names the version it started from: StaleEdit if someone saved first.
    """
    _check(action.meeting.minutes_problem())
    adding = action.pk is None
    if not adding and expected_version is not None:
        fields = ["agenda_item", "text", "owner", "due_on"]
        save_if_unchanged(action, expected_version=expected_version, fields=fields)
    else:
        action.save()
    AuditEvent.record(
        actor=actor,
        action="meeting.action_added" if adding else "meeting.action_changed",
        summary=(
            _("Recorded an action point on “%(item)s” at “%(title)s”")
            if adding
            else _("Changed an action point on “%(item)s” at “%(title)s”")
        )
        % {"item": _item_title(action.agenda_item), "title": action.meeting.title},
        project=action.meeting.project,
        subject=action.owner,
        data={"action": action.pk},
    )


@transaction.atomic
def action_point_remove(*, action: ActionPoint, actor: User) -> None:
    _check(action.meeting.minutes_problem())
    AuditEvent.record(
        actor=actor,
        action="meeting.action_removed",
        summary=_("Removed an action point from “%(title)s”: %(text)s")
        % {"title": action.meeting.title, "text": action.text[:100]},
        project=action.meeting.project,
    )
    action.delete()


@transaction.atomic
def action_point_mark(*, action: ActionPoint, actor: User, done: bool) -> bool:
    """Mark an action point done or not done. Allowed after approval: work goes on.

    Returns whether anything changed.
    """
    if (action.done_at is not None) == done:
        return False
    action.done_at = timezone.now() if done else None
    action.status = ActionStatus.DONE if done else ActionStatus.NOT_STARTED
    if done:
        action.barrier = ""
    action.save(update_fields=["done_at", "status", "barrier"])
    AuditEvent.record(
        actor=actor,
        action="meeting.action_done" if done else "meeting.action_reopened",
        summary=(
            _("Marked an action point from “%(title)s” as done: %(text)s")
            if done
            else _("Marked an action point from “%(title)s” as not done yet: %(text)s")
        )
        % {"title": action.meeting.title, "text": action.text[:100]},
        project=action.meeting.project,
    )
    return True


# ---------------------------------------------------------------------------------------------
# Contributions

WAYS: list[str] = list(ContributionWay.values)
# (user id, way) -> how many contributions
Counts = dict[tuple[int, str], int]


def contribution_counts(item: AgendaItem) -> Counts:
    rows = (
        Contribution.objects.filter(agenda_item=item)
        .values_list("user_id", "way")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(user_id, way): n for user_id, way, n in rows}


def register_state(invitees: Iterable[Invitee]) -> str:
    """The register as a form was drawn with it, for a hidden field: `7:True:video;9:None:`."""
    return ";".join(
        f"{invitee.pk}:{invitee.attended}:{invitee.attended_way}"
        for invitee in sorted(invitees, key=lambda invitee: invitee.pk)
    )


def encode_counts(counts: Counts) -> str:
    """The counts a form was drawn with, for a hidden field: `7:in_room:2;9:written:1`."""
    return ";".join(f"{user}:{way}:{n}" for (user, way), n in sorted(counts.items()) if n)


def decode_counts(text: str) -> Counts:
    counts: Counts = {}
    for part in text.split(";"):
        pieces = part.split(":")
        if len(pieces) != 3 or not pieces[0].isdigit() or not pieces[2].isdigit():
            continue
        if pieces[1] in WAYS:
            counts[(int(pieces[0]), pieces[1])] = int(pieces[2])
    return counts


@transaction.atomic
def contributions_save(
    *,
    item: AgendaItem,
    actor: User,
    seen: Counts,
    wanted: Counts,
) -> int:
    """Set who contributed to an item, and how often, from the minute-taker's page.

    The page was drawn with the counts in `seen`; only the differences the person made are
    applied, so contributions someone else recorded meanwhile are kept. Only invitees count,
    with the member type they were invited as. Returns how many rows were added or removed.
    """
    meeting = item.meeting
    _check(meeting.record_problem())
    invitees = {
        invitee.user_id: invitee
        for invitee in Invitee.objects.filter(meeting=meeting).only("user_id", "member_type")
    }
    current = contribution_counts(item)
    to_add: list[Contribution] = []
    to_remove: list[int] = []
    existing: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pk, user_id, way in (
        Contribution.objects.filter(agenda_item=item)
        .order_by("-recorded_at", "-pk")
        .values_list("pk", "user_id", "way")
    ):
        existing[(user_id, way)].append(pk)
    for key in set(seen) | set(wanted):
        user_id, way = key
        if user_id not in invitees or way not in WAYS:
            continue
        change = wanted.get(key, 0) - seen.get(key, 0)
        target = max(0, current.get(key, 0) + change)
        have = current.get(key, 0)
        if target > have:
            to_add += [
                Contribution(
                    meeting=meeting,
                    agenda_item=item,
                    user_id=user_id,
                    member_type=invitees[user_id].member_type,
                    way=way,
                    recorded_by=actor,
                )
                for _each in range(target - have)
            ]
        elif target < have:
            to_remove += existing[key][: have - target]
    if to_add:
        Contribution.objects.bulk_create(to_add)
    if to_remove:
        Contribution.objects.filter(pk__in=to_remove).delete()
    if to_add or to_remove:
        AuditEvent.record(
            actor=actor,
            action="meeting.contributions_recorded",
            summary=_("Recorded who contributed to “%(item)s” at “%(title)s”")
            % {"item": item.title, "title": meeting.title},
            project=meeting.project,
            data={"added": len(to_add), "removed": len(to_remove)},
        )
    return len(to_add) + len(to_remove)


# ---------------------------------------------------------------------------------------------
# Counting live, during the meeting: a button per person present, pressed when they speak.
# Each press is a row of its own, so two people pressing at once both count: an insert
# cannot overwrite another the way updating a stored total can.


def _invitee_at_meeting(meeting: Meeting, person_id: int) -> Invitee:
    """The person's place on the register, locked so presses for one person take turns."""
    invitee = (
        Invitee.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(meeting=meeting, user_id=person_id)
        .first()
    )
    if invitee is None:
        raise RecordError(
            _(
                "That person was not invited to this meeting, so nothing was counted. If they "
                "came, add them to the register first."
            )
        )
    return invitee


def contributions_of(item: AgendaItem, person_ids: Iterable[int] | None = None) -> dict[int, int]:
    """How many contributions each person (everyone, by default) has on the item: one query."""
    contributions = Contribution.objects.filter(agenda_item=item)
    if person_ids is not None:
        contributions = contributions.filter(user_id__in=list(person_ids))
    rows = contributions.values("user_id").annotate(n=Count("pk")).order_by()
    return {row["user_id"]: row["n"] for row in rows}


@transaction.atomic
def contribution_add(*, item: AgendaItem, person_id: int, actor: User) -> int:
    """Count one contribution to the item from someone marked on the register as there.

    The way is the one they took part in. Returns their count on the item afterwards.
    """
    meeting = item.meeting
    _check(meeting.record_problem())
    invitee = _invitee_at_meeting(meeting, person_id)
    if invitee.attended is not True:
        raise RecordError(
            _(
                "%(name)s is not on the register as here, so nothing was counted. Record that "
                "they came first."
            )
            % {"name": invitee.user.full_name}
        )
    Contribution.objects.create(
        meeting=meeting,
        agenda_item=item,
        user_id=person_id,
        member_type=invitee.member_type,
        way=invitee.contribution_way,
        recorded_by=actor,
    )
    return contributions_of(item, [person_id]).get(person_id, 0)


@transaction.atomic
def contribution_take_back(*, item: AgendaItem, person_id: int, actor: User) -> int:
    """Take away the person's latest contribution to the item, counted by mistake.

    Returns their count on the item afterwards.
    """
    meeting = item.meeting
    _check(meeting.record_problem())
    invitee = _invitee_at_meeting(meeting, person_id)
    latest = (
        Contribution.objects.filter(agenda_item=item, user_id=person_id)
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if latest is None:
        raise RecordError(
            _("Nothing was taken away: no contributions from %(name)s are counted on this item.")
            % {"name": invitee.user.full_name}
        )
    latest.delete()
    AuditEvent.record(
        actor=actor,
        action="meeting.contribution_taken_back",
        summary=_("Took back a contribution by %(name)s to “%(item)s” at “%(title)s”")
        % {"name": invitee.user.full_name, "item": item.title, "title": meeting.title},
        project=meeting.project,
        subject=invitee.user,
    )
    return contributions_of(item, [person_id]).get(person_id, 0)


# ---------------------------------------------------------------------------------------------
# Equal-voice figures


@dataclass
class VoiceRow:
    """One person's, or one member type's, share of what was said."""

    label: str
    member_type: str = ""
    count: int = 0
    ways: dict[str, int] = field(default_factory=dict)
    people: int = 0  # for member types: how many of them took part
    share: int = 0  # per cent of all contributions, rounded

    @property
    def member_type_label(self) -> str:
        return str(MemberType(self.member_type).label) if self.member_type else ""

    @property
    def by_way(self) -> list[int]:
        """The counts in each way, in the order of ContributionWay, for tables."""
        return [self.ways.get(way, 0) for way in WAYS]


@dataclass
class Voice:
    members: list[VoiceRow]
    types: list[VoiceRow]
    total: int
    most: int  # the largest count of one person, for the bars


def _shares(rows: list[VoiceRow], total: int) -> None:
    for row in rows:
        row.share = round(100 * row.count / total) if total else 0


def _voice(
    people: Iterable[tuple[User, str]], counts: Mapping[tuple[int, str], int], ways_by_user: bool
) -> Voice:
    """Build the figures from (person, member type) pairs and {(user id, way): count}."""
    members: dict[int, VoiceRow] = {}
    for user, member_type in people:
        members.setdefault(user.pk, VoiceRow(label=user.full_name, member_type=member_type))
    for (user_id, way), n in counts.items():
        row = members.get(user_id)
        if row is None:
            continue
        row.count += n
        if ways_by_user:
            row.ways[way] = row.ways.get(way, 0) + n
    types: dict[str, VoiceRow] = {
        value: VoiceRow(label=str(label), member_type=value) for value, label in MemberType.choices
    }
    for row in members.values():
        kind = types[row.member_type]
        kind.people += 1
        kind.count += row.count
        for way, n in row.ways.items():
            kind.ways[way] = kind.ways.get(way, 0) + n
    total = sum(row.count for row in members.values())
    member_rows = sorted(members.values(), key=lambda row: (-row.count, row.label))
    type_rows = [row for row in types.values() if row.people]
    _shares(member_rows, total)
    _shares(type_rows, total)
    return Voice(
        members=member_rows,
        types=type_rows,
        total=total,
        most=max((row.count for row in member_rows), default=0),
    )


def meeting_voice(meeting: Meeting) -> Voice:
    """Contributions at one meeting, per person who took part and per member type.

    Everyone who came or contributed is listed, those who did not speak with 0, so the
    figures show quiet voices as well as loud ones. Two queries whatever the size.
    """
    counts = {
        (user_id, way): n
        for user_id, way, n in Contribution.objects.filter(meeting=meeting)
        .values_list("user_id", "way")
        .annotate(n=Count("pk"))
        .order_by()
    }
    contributed = {user_id for user_id, _way in counts}
    invitees = [
        invitee
        for invitee in Invitee.objects.filter(meeting=meeting).select_related("user")
        if invitee.attended or invitee.user_id in contributed
    ]
    return _voice(
        ((invitee.user, invitee.member_type) for invitee in invitees), counts, ways_by_user=True
    )


@dataclass
class QuietMember:
    """A current member who has not contributed at the last two meetings they were invited to."""

    user: User
    member_type: str
    meetings: list[tuple[Meeting, bool | None]]  # each meeting, and whether they came

    @property
    def member_type_label(self) -> str:
        return str(MemberType(self.member_type).label)


@dataclass
class ProjectVoice:
    meetings: list[Meeting]
    voice: Voice
    quiet: list[QuietMember]


# How many held meetings the project's figures look back over, by default and at most.
RECENT_MEETINGS = 6
MOST_MEETINGS = 24


def project_voice(project: Project, *, last: int = RECENT_MEETINGS) -> ProjectVoice:
    """Contributions across the project's last `last` held meetings, and who is not heard.

    Someone is "not heard from" when they are a current member and made no recorded
    contribution at either of the last two of those meetings they were invited to. A fixed
    number of queries whatever the number of meetings, people or contributions.
    """
    last = max(1, min(last, MOST_MEETINGS))
    meetings = list(
        Meeting.objects.filter(project=project, status=MeetingStatus.CLOSED).order_by(
            "-starts_at", "-pk"
        )[:last]
    )
    invitees = list(Invitee.objects.filter(meeting__in=meetings).select_related("user").order_by())
    per_meeting = {
        (meeting_id, user_id): n
        for meeting_id, user_id, n in Contribution.objects.filter(meeting__in=meetings)
        .values_list("meeting_id", "user_id")
        .annotate(n=Count("pk"))
        .order_by()
    }
    counts = {
        (user_id, way): n
        for user_id, way, n in Contribution.objects.filter(meeting__in=meetings)
        .values_list("user_id", "way")
        .annotate(n=Count("pk"))
        .order_by()
    }
    # Members who have paused are not "not heard from": they stepped back on purpose.
    current = {
        membership.user_id: membership.member_type
        for membership in Membership.objects.active().filter(project=project)
    }
    # Figures over time: anyone who came or contributed, as the type they were at the time.
    contributed = {user_id for _meeting, user_id in per_meeting}
    people: dict[int, tuple[User, str]] = {}
    for invitee in invitees:
        if invitee.attended or invitee.user_id in contributed:
            people.setdefault(invitee.user_id, (invitee.user, invitee.member_type))
    voice = _voice(people.values(), counts, ways_by_user=True)

    order = {meeting.pk: index for index, meeting in enumerate(meetings)}
    by_pk = {meeting.pk: meeting for meeting in meetings}
    invited: dict[int, list[Invitee]] = defaultdict(list)
    for invitee in invitees:
        invited[invitee.user_id].append(invitee)
    quiet = []
    for user_id, theirs in invited.items():
        if user_id not in current:
            continue
        latest_two = sorted(theirs, key=lambda invitee: order[invitee.meeting_id])[:2]
        if len(latest_two) < 2:
            continue
        if any(per_meeting.get((invitee.meeting_id, user_id)) for invitee in latest_two):
            continue
        quiet.append(
            QuietMember(
                user=latest_two[0].user,
                member_type=current[user_id],
                meetings=[(by_pk[invitee.meeting_id], invitee.attended) for invitee in latest_two],
            )
        )
    quiet.sort(key=lambda member: member.user.full_name)
    return ProjectVoice(meetings=meetings, voice=voice, quiet=quiet)
