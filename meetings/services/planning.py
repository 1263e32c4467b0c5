"""Planning meetings: creating, changing and cancelling them, venues, and finding a date.

Each change is atomic and audited. When a meeting people were already invited to moves
(date, time, place or format) or is cancelled, `meetings.services.invitations.meeting_changed`
sends everyone the update with its calendar file.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import save_if_unchanged
from meetings.models import (
    OPEN_STATUSES,
    Availability,
    DateAnswer,
    DateOption,
    Meeting,
    MeetingStatus,
    Venue,
)
from meetings.services.invitations import meeting_changed
from projects.models import Project

# The changes invitees must hear about, with a new calendar file.
MOVING_FIELDS = frozenset(
    {"starts_at", "ends_at", "venue", "format", "video_link", "phone_dial_in"}
)


class PlanningError(Exception):
    """A change cannot be made; the message says why, in words for the page."""


def venue_feature_labels(venue: Venue) -> list[str]:
    """What the venue offers for access, in the order pages list it."""
    labels = []
    for name in Venue.FEATURES:
        field = Venue._meta.get_field(name)
        if getattr(venue, name) and isinstance(field, models.Field):
            labels.append(capfirst(str(field.verbose_name)))
    return labels


def papers_notice_warning(
    starts_at: datetime.datetime | None, *, now: datetime.datetime | None = None
) -> str | None:
    """What planning a meeting to start at `starts_at` means for its papers, when that is
    too soon for the organisation's notice period. A warning, never a refusal: an urgent
    meeting may be right, but the leader should know the cost before people do."""
    if starts_at is None:
        return None
    days = Organisation.current().papers_notice_days
    if starts_at - datetime.timedelta(days=days) > (now or timezone.now()):
        return None
    return ngettext(
        "This meeting is less than %(n)s day away, so papers cannot be sent %(n)s day "
        "before, as people are promised. Every paper will show as late, and people who "
        "need easy read, large print or other formats will have less time. Send papers as "
        "soon as you can.",
        "This meeting is less than %(n)s days away, so papers cannot be sent %(n)s days "
        "before, as people are promised. Every paper will show as late, and people who "
        "need easy read, large print or other formats will have less time. Send papers as "
        "soon as you can.",
        days,
    ) % {"n": days}


# ---------------------------------------------------------------------------------------------
# Venue bookings


def booking_clash(
    *,
    venue: Venue,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    meeting: Meeting | None = None,
) -> Meeting | None:
    """Another meeting, of any project, at the venue at an overlapping time; else None.

    Online meetings do not take a room, and cancelled ones have given theirs up.
    """
    others = (
        Meeting.objects.filter(venue=venue, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .exclude(format="online")
        .order_by("starts_at", "pk")
    )
    if meeting is not None and meeting.pk is not None:
        others = others.exclude(pk=meeting.pk)
    return others.first()


def clash_message(venue: Venue, other: Meeting) -> str:
    assert other.starts_at is not None
    assert other.ends_at is not None
    start, end = timezone.localtime(other.starts_at), timezone.localtime(other.ends_at)
    return _(
        "%(venue)s is already booked for “%(title)s” from %(start)s to %(end)s on %(day)s. "
        "Choose another time or venue."
    ) % {
        "venue": venue.name,
        "title": other.title,
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "day": formats.date_format(start, "j F"),
    }


def _check_venue_free(meeting: Meeting) -> None:
    """Check again with the venue locked, so two people cannot book the same slot at once."""
    if meeting.venue_id is None or meeting.starts_at is None or meeting.ends_at is None:
        return
    if not meeting.meets_in_person:
        return
    venue = Venue.objects.select_for_update().get(pk=meeting.venue_id)
    other = booking_clash(
        venue=venue, starts_at=meeting.starts_at, ends_at=meeting.ends_at, meeting=meeting
    )
    if other is not None:
        raise PlanningError(clash_message(venue, other))


# ---------------------------------------------------------------------------------------------
# Meetings


def meeting_create(*, meeting: Meeting, project: Project, actor: User) -> None:
    meeting.project = project
    meeting.created_by = actor
    with transaction.atomic():
        _check_venue_free(meeting)
        meeting.save()
        AuditEvent.record(
            actor=actor,
            action="meeting.created",
            summary=_("Planned the meeting “%(title)s”") % {"title": meeting.title},
            project=project,
            data={"meeting": meeting.pk},
        )


def meeting_update(
    *,
    meeting: Meeting,
    actor: User,
    changes: dict[str, Any],
    expected_version: int,
    base_url: str | None = None,
) -> list[User]:
    """Save the changed fields; raises StaleEdit if someone saved first, PlanningError on a
    clash. Returns the invitees to tell by text, phone or post when the meeting moved."""
    if problem := meeting.change_problem():
        raise PlanningError(problem)
    if not changes:
        return []
    for name, value in changes.items():
        setattr(meeting, name, value)
    fields = ["venue_id" if name == "venue" else name for name in changes]
    with transaction.atomic():
        _check_venue_free(meeting)
        save_if_unchanged(meeting, expected_version=expected_version, fields=fields)
        AuditEvent.record(
            actor=actor,
            action="meeting.updated",
            summary=_("Changed the meeting “%(title)s”: %(fields)s")
            % {"title": meeting.title, "fields": ", ".join(sorted(changes))},
            project=meeting.project,
            data={"meeting": meeting.pk, "changed": sorted(changes)},
        )
    if MOVING_FIELDS & set(changes):
        return meeting_changed(meeting=meeting, base_url=base_url)
    return []


def meeting_cancel(
    *, meeting: Meeting, actor: User, reason: str, base_url: str | None = None
) -> list[User]:
    """Cancel the meeting, keeping why, and send everyone invited a calendar cancellation."""
    with transaction.atomic():
        cancelled = meeting.change_status(
            expected=OPEN_STATUSES,
            new=MeetingStatus.CANCELLED,
            cancelled_at=timezone.now(),
            cancel_reason=reason,
        )
        if not cancelled:
            raise PlanningError(_("Only a meeting that has not happened yet can be cancelled."))
        AuditEvent.record(
            actor=actor,
            action="meeting.cancelled",
            summary=_("Cancelled the meeting “%(title)s”") % {"title": meeting.title},
            project=meeting.project,
            data={"meeting": meeting.pk, "reason": reason},
        )
    return meeting_changed(meeting=meeting, cancelled=True, base_url=base_url)


# ---------------------------------------------------------------------------------------------
# Venues


def venue_create(*, venue: Venue, actor: User) -> None:
    with transaction.atomic():
        venue.save()
        AuditEvent.record(
            actor=actor,
            action="venue.created",
            summary=_("Added the venue “%(name)s”") % {"name": venue.name},
            data={"venue": venue.pk},
        )


def venue_update(*, venue: Venue, actor: User, changed: list[str], expected_version: int) -> None:
    """Save the changed fields; raises StaleEdit if someone saved first."""
    if not changed:
        return
    with transaction.atomic():
        save_if_unchanged(venue, expected_version=expected_version, fields=changed)
        AuditEvent.record(
            actor=actor,
            action="venue.updated",
            summary=_("Changed the venue “%(name)s”: %(fields)s")
            % {"name": venue.name, "fields": ", ".join(sorted(changed))},
            data={"venue": venue.pk, "changed": sorted(changed)},
        )


def venue_retire(*, venue: Venue, actor: User) -> None:
    """Stop offering a venue for new meetings. Meetings already there keep it: a venue
    is never deleted, so past meetings still say where they were."""
    with transaction.atomic():
        Venue.objects.filter(pk=venue.pk).update(
            is_active=False, version=models.F("version") + 1, updated_at=timezone.now()
        )
        venue.refresh_from_db()
        AuditEvent.record(
            actor=actor,
            action="venue.retired",
            summary=_("Stopped offering the venue “%(name)s” for new meetings")
            % {"name": venue.name},
            data={"venue": venue.pk},
        )


def venue_restore(*, venue: Venue, actor: User) -> None:
    with transaction.atomic():
        Venue.objects.filter(pk=venue.pk).update(
            is_active=True, version=models.F("version") + 1, updated_at=timezone.now()
        )
        venue.refresh_from_db()
        AuditEvent.record(
            actor=actor,
            action="venue.restored",
            summary=_("Offered the venue “%(name)s” for new meetings again") % {"name": venue.name},
            data={"venue": venue.pk},
        )


# ---------------------------------------------------------------------------------------------
# Finding a date


@dataclass
class OptionResult:
    """One date option with the answers given, for the poll page."""

    option: DateOption
    yes: list[User]
    if_need_be: list[User]
    no: list[User]
    is_best: bool = False

    @property
    def is_past(self) -> bool:
        return self.option.starts_at <= timezone.now()

    @property
    def when(self) -> str:
        return when_words(self.option.starts_at, self.option.ends_at)


def poll_results(options: Iterable[DateOption]) -> list[OptionResult]:
    """Each option's answers (prefetched with their people), and the best option marked.

    The best is the one most people can come to; among those, the one most could come to
    if need be; then the earliest. Options already past, or no one can come to, are not best.
    """
    results = []
    for option in options:
        by_answer: dict[str, list[User]] = {value: [] for value in Availability.values}
        for answer in option.answers.all():
            by_answer[answer.answer].append(answer.user)
        results.append(
            OptionResult(
                option=option,
                yes=by_answer[Availability.YES],
                if_need_be=by_answer[Availability.IF_NEED_BE],
                no=by_answer[Availability.NO],
            )
        )
    candidates = [
        result for result in results if not result.is_past and (result.yes or result.if_need_be)
    ]
    if candidates:
        best = max(
            candidates,
            key=lambda result: (
                len(result.yes),
                len(result.if_need_be),
                -result.option.starts_at.timestamp(),
            ),
        )
        best.is_best = True
    return results


def date_option_add(*, option: DateOption, actor: User) -> None:
    with transaction.atomic():
        option.save()
        AuditEvent.record(
            actor=actor,
            action="meeting.date_option_added",
            summary=_("Offered %(when)s as a date for “%(title)s”")
            % {"when": when_words(option.starts_at, option.ends_at), "title": option.meeting.title},
            project=option.meeting.project,
            data={"meeting": option.meeting_id, "option": option.pk},
        )


def date_option_remove(*, option: DateOption, actor: User) -> None:
    with transaction.atomic():
        option.delete()
        AuditEvent.record(
            actor=actor,
            action="meeting.date_option_removed",
            summary=_("Took %(when)s off the dates offered for “%(title)s”")
            % {"when": when_words(option.starts_at, option.ends_at), "title": option.meeting.title},
            project=option.meeting.project,
            data={"meeting": option.meeting_id},
        )


def date_answers_save(*, meeting: Meeting, user: User, answers: Mapping[int, str]) -> int:
    """Save one person's answers (option id to answer); returns how many were saved."""
    saved = 0
    with transaction.atomic():
        for option_pk, answer in answers.items():
            DateAnswer.objects.update_or_create(
                option_id=option_pk, user=user, defaults={"answer": answer}
            )
            saved += 1
    return saved


def date_choose(
    *, meeting: Meeting, option: DateOption, actor: User, base_url: str | None = None
) -> list[User]:
    """Give the meeting the date chosen from the poll, and tell anyone already invited.

    The options and answers stay, as a record of how the date was found.
    Raises PlanningError if the venue is booked then, or the date has passed.
    """
    if option.starts_at <= timezone.now():
        raise PlanningError(_("That date has passed. Choose another one."))
    if not meeting.is_open:
        raise PlanningError(_("This meeting cannot be changed any more."))
    meeting.starts_at, meeting.ends_at = option.starts_at, option.ends_at
    with transaction.atomic():
        _check_venue_free(meeting)
        # Only while the meeting still has no date: two leaders choosing at once do not
        # silently overwrite each other.
        updated = Meeting.objects.filter(
            pk=meeting.pk, starts_at__isnull=True, status=MeetingStatus.PLANNING
        ).update(
            starts_at=option.starts_at,
            ends_at=option.ends_at,
            version=models.F("version") + 1,
            updated_at=timezone.now(),
        )
        if not updated:
            raise PlanningError(_("Someone has already set the date of this meeting."))
        AuditEvent.record(
            actor=actor,
            action="meeting.date_chosen",
            summary=_("Chose %(when)s as the date of “%(title)s”")
            % {"when": when_words(option.starts_at, option.ends_at), "title": meeting.title},
            project=meeting.project,
            data={"meeting": meeting.pk, "option": option.pk},
        )
    return meeting_changed(meeting=meeting, base_url=base_url)


def when_words(starts_at: datetime.datetime, ends_at: datetime.datetime) -> str:
    """Tuesday 3 March 2027, 14:00 to 16:00."""
    start, end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    return _("%(day)s, %(start)s to %(end)s") % {
        "day": formats.date_format(start, "l j F Y"),
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
    }
