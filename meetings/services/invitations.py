"""Invitations to meetings, with calendar files, the updates that follow changes, replies,
written input sent in advance, and the reminders before a meeting.

Every change here is atomic and audited. Emails go through `meetings.notify.members_tell`,
which hands back the people who asked to be contacted by text, phone or post instead, so
the organiser's page can list them.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.urls import site_root
from meetings.access_plan import PersonalNeed, access_plan
from meetings.calendar import meeting_ics
from meetings.models import (
    AgendaItem,
    AttendanceWay,
    InputKind,
    Invitee,
    Meeting,
    Reply,
    WrittenInput,
)
from meetings.notify import members_tell
from people.models import Profile
from projects.models import Membership

# Reminders go this many days before the start. The last one counts as essential, so even
# people who want one message a week at most get it (see meetings.notify).
REMINDER_DAYS_BEFORE = (3, 1)
# Two reminders closer together than this are one too many (a reminder rescheduled for the
# same time after a change of venue, say): the second is skipped.
REMINDER_GAP = datetime.timedelta(hours=12)


class InvitationError(Exception):
    """Something about the meeting stops invitations or replies; the message says what."""


def meeting_urls(meeting: Meeting, base_url: str | None) -> dict[str, str]:
    root = site_root(base_url)
    return {
        "meeting_url": root + reverse("meetings:detail", args=[meeting.pk]),
        "agenda_url": root + reverse("meetings:agenda", args=[meeting.pk]),
        "papers_url": root + reverse("meetings:papers", args=[meeting.pk]),
        "reply_url": root + reverse("meetings:reply", args=[meeting.pk]),
        "advance_input_url": root + reverse("meetings:advance_input", args=[meeting.pk]),
        "calendar_url": root + reverse("meetings:calendar", args=[meeting.pk]),
    }


def ways_allowed(meeting: Meeting) -> list[str]:
    """The ways of taking part this meeting's format allows. Written input always works.

    Phone goes with the video call, which people can dial into.
    """
    ways = []
    if meeting.meets_in_person:
        ways.append(AttendanceWay.IN_PERSON.value)
    if meeting.meets_online:
        ways += [AttendanceWay.VIDEO.value, AttendanceWay.PHONE.value]
    ways.append(AttendanceWay.WRITTEN.value)
    return ways


def way_from_profile(meeting: Meeting, profile: Profile | None) -> str:
    """The way someone usually takes part, among those this meeting allows."""
    allowed = ways_allowed(meeting)
    if profile is None:
        return allowed[0]
    preferred = [
        (profile.written_only, AttendanceWay.WRITTEN),
        (profile.attends_in_person, AttendanceWay.IN_PERSON),
        (profile.attends_by_video, AttendanceWay.VIDEO),
        (profile.attends_by_phone, AttendanceWay.PHONE),
    ]
    for chosen, way in preferred:
        if chosen and way in allowed:
            return way.value
    return allowed[0]


def _tell_invitees(
    *,
    meeting: Meeting,
    users: Iterable[User],
    template: str,
    base_url: str | None,
    cancelled: bool = False,
    essential: bool = True,
    extra: Mapping[str, Any] | None = None,
    invitees: Iterable[Invitee] = (),
) -> list[User]:
    """Tell these people about the meeting. Each of `invitees` (people being invited or
    reminded) also reads their own access requirements and whether each is met, from one
    access plan built for them all."""
    root = site_root(base_url)
    root_access = root + reverse("people:access")
    needs: dict[int, list[PersonalNeed]] = {}
    if invitees:
        plan = access_plan(meeting)
        needs = {invitee.user_id: plan.needs_of(invitee) for invitee in invitees}

    def ics(person: User) -> str:
        return meeting_ics(meeting=meeting, base_url=root, attendee=person, cancelled=cancelled)

    return members_tell(
        users=users,
        template=template,
        context={"meeting": meeting, **meeting_urls(meeting, base_url), **(extra or {})},
        essential=essential,
        ics=ics if meeting.starts_at is not None else None,
        personal=lambda person: {"my_needs": needs.get(person.pk), "access_url": root_access},
    )


# ---------------------------------------------------------------------------------------------
# Who is invited


def paused_members(meeting: Meeting) -> QuerySet[Membership, int]:
    """The people in the meeting's group who have paused: no invitations or reminders."""
    return (
        Membership.objects.paused()
        .filter(project_id=meeting.project_id)
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def invitees_add(*, meeting: Meeting, users: Iterable[User], actor: User) -> list[Invitee]:
    """Invite current members of the meeting's project; people already invited are skipped."""
    memberships = {
        membership.user_id: membership
        for membership in Membership.objects.active().filter(
            project_id=meeting.project_id, user__in=[user.pk for user in users]
        )
    }
    already = set(meeting.invitees.values_list("user_id", flat=True))
    added = Invitee.objects.bulk_create(
        Invitee(meeting=meeting, user_id=user_id, member_type=membership.member_type)
        for user_id, membership in memberships.items()
        if user_id not in already
    )
    if added:
        AuditEvent.record(
            actor=actor,
            action="meeting.invitees_added",
            summary=_("Added %(n)s people to the invitations for “%(title)s”")
            % {"n": len(added), "title": meeting.title},
            project=meeting.project,
        )
    return added


@transaction.atomic
def invitee_remove(*, invitee: Invitee, actor: User) -> None:
    AuditEvent.record(
        actor=actor,
        action="meeting.invitee_removed",
        summary=_("Took %(person)s off the invitations for “%(title)s”")
        % {"person": invitee.user.full_name, "title": invitee.meeting.title},
        project=invitee.meeting.project,
        subject=invitee.user,
    )
    invitee.delete()


# ---------------------------------------------------------------------------------------------
# Sending invitations and updates


@transaction.atomic
def invitations_send(*, meeting: Meeting, actor: User, base_url: str | None) -> list[User]:
    """Invite everyone on the list not yet invited, with the calendar file.

    Returns the people to contact by text, phone or post. They count as invited too: the
    organiser's page tells whoever sent the invitations to contact them.
    """
    if problem := meeting.invitation_problem():
        raise InvitationError(problem)
    # Members who have paused are left on the list, not invited, until they come back.
    waiting = list(
        meeting.invitees.filter(invited_at__isnull=True)
        .exclude(user__in=paused_members(meeting))
        .select_related("user")
    )
    if not waiting:
        raise InvitationError(_("Everyone on the list has already been invited."))
    first_time = not meeting.invitees.filter(invited_at__isnull=False).exists()
    to_contact = _tell_invitees(
        meeting=meeting,
        users=[invitee.user for invitee in waiting],
        template="meeting_invitation",
        base_url=base_url,
        invitees=waiting,
    )
    Invitee.objects.filter(pk__in=[invitee.pk for invitee in waiting]).update(
        invited_at=timezone.now()
    )
    if first_time:
        reminders_schedule(meeting=meeting, base_url=base_url)
    AuditEvent.record(
        actor=actor,
        action="meeting.invitations_sent",
        summary=_("Sent %(n)s invitations to “%(title)s”")
        % {"n": len(waiting), "title": meeting.title},
        project=meeting.project,
    )
    return to_contact


@transaction.atomic
def invitation_resend(*, invitee: Invitee, actor: User, base_url: str | None) -> list[User]:
    """Send one person their invitation again, with the current calendar file."""
    meeting = invitee.meeting
    if problem := meeting.invitation_problem():
        raise InvitationError(problem)
    to_contact = _tell_invitees(
        meeting=meeting,
        users=[invitee.user],
        template="meeting_invitation",
        base_url=base_url,
        invitees=[invitee],
    )
    invitee.invited_at = timezone.now()
    invitee.save(update_fields=["invited_at"])
    AuditEvent.record(
        actor=actor,
        action="meeting.invitation_resent",
        summary=_("Sent the invitation to “%(title)s” again to %(person)s")
        % {"title": meeting.title, "person": invitee.user.full_name},
        project=meeting.project,
        subject=invitee.user,
    )
    return to_contact


def meeting_changed(
    *, meeting: Meeting, cancelled: bool = False, base_url: str | None = None
) -> list[User]:
    """Call after a meeting's date, time, place or format changes, or it is cancelled.

    Calendar programs apply an update only when its sequence number is higher than the last,
    so the sequence goes up first. Everyone already invited then gets the update (or the
    cancellation, METHOD:CANCEL) with the calendar file, and reminders are set for the new
    time: those set for the old one find the start has moved and do nothing. Returns the
    people to contact by text, phone or post.
    """
    with transaction.atomic():
        Meeting.objects.filter(pk=meeting.pk).update(calendar_sequence=F("calendar_sequence") + 1)
        meeting.refresh_from_db(fields=["calendar_sequence"])
        invited = [
            invitee.user
            for invitee in meeting.invitees.filter(invited_at__isnull=False).select_related("user")
        ]
        if not invited or meeting.starts_at is None:
            return []
        to_contact = _tell_invitees(
            meeting=meeting,
            users=invited,
            template="meeting_cancelled" if cancelled else "meeting_updated",
            base_url=base_url,
            cancelled=cancelled,
            extra={"reason": meeting.cancel_reason},
        )
        if not cancelled:
            reminders_schedule(meeting=meeting, base_url=base_url)
        return to_contact


# ---------------------------------------------------------------------------------------------
# Reminders


def reminder_times(
    meeting: Meeting, *, now: datetime.datetime | None = None
) -> list[datetime.datetime]:
    """When reminders go: 3 days and 1 day before the start, leaving out times already past."""
    if meeting.starts_at is None:
        return []
    now = now or timezone.now()
    times = [meeting.starts_at - datetime.timedelta(days=days) for days in REMINDER_DAYS_BEFORE]
    return [when for when in times if when > now]


def reminders_schedule(*, meeting: Meeting, base_url: str | None = None) -> list[datetime.datetime]:
    """Queue the reminder tasks, each to run at its time, in the database task queue.

    Each task carries the start time it was set for, so one left over from before a change
    of date finds the meeting has moved and does nothing. A task backend that cannot wait
    (the immediate backend tests use) would send them at once, so nothing is queued there.
    """
    if meeting.starts_at is None or not meeting.is_open:
        return []
    if not meeting_reminders_send.get_backend().supports_defer:
        return []
    times = reminder_times(meeting)
    for when in times:
        meeting_reminders_send.using(run_after=when).enqueue(
            meeting_id=meeting.pk,
            starts_at_iso=meeting.starts_at.isoformat(),
            base_url=site_root(base_url),
        )
    return times


def reminders_send(
    *, meeting_id: int, starts_at_iso: str, base_url: str = "", now: datetime.datetime | None = None
) -> int:
    """Remind everyone invited who has not sent apologies. Returns how many were reminded.

    Does nothing when the meeting has gone, is cancelled or over, or no longer starts at
    `starts_at_iso`. The reminder the day before is essential; earlier ones are not.
    """
    now = now or timezone.now()
    meeting = Meeting.objects.select_related("project", "venue").filter(pk=meeting_id).first()
    if meeting is None or meeting.starts_at is None:
        return 0
    if not meeting.is_open:
        return 0
    if meeting.starts_at != datetime.datetime.fromisoformat(starts_at_iso):
        return 0
    if meeting.starts_at <= now:
        return 0
    last = meeting.starts_at - now <= datetime.timedelta(days=1, hours=12)
    reminded: list[Invitee] = []
    candidates = (
        meeting.invitees.filter(invited_at__isnull=False)
        .exclude(reply=Reply.APOLOGIES)
        .exclude(user__in=paused_members(meeting))
        .select_related("user")
    )
    for invitee in candidates:
        # Claiming each person with one UPDATE means two copies of the task running at once
        # cannot both remind them.
        claimed = (
            Invitee.objects.filter(pk=invitee.pk)
            .exclude(reminded_at__gt=now - REMINDER_GAP)
            .update(reminded_at=now)
        )
        if claimed:
            reminded.append(invitee)
    _tell_invitees(
        meeting=meeting,
        users=[invitee.user for invitee in reminded],
        template="meeting_reminder",
        base_url=base_url,
        essential=last,
        invitees=reminded,
        extra={"days_to_go": max(1, round((meeting.starts_at - now).total_seconds() / 86400))},
    )
    return len(reminded)


@task()
def meeting_reminders_send(meeting_id: int, starts_at_iso: str, base_url: str = "") -> int:
    """Remind a meeting's invitees, if it still starts when this reminder was set for.

    A task in the database queue (`db_worker` runs it), so a restart loses none.
    """
    return reminders_send(meeting_id=meeting_id, starts_at_iso=starts_at_iso, base_url=base_url)


# ---------------------------------------------------------------------------------------------
# Replies and written input in advance


@transaction.atomic
def reply_save(*, invitee: Invitee, reply: str, way: str) -> None:
    meeting = invitee.meeting
    if not meeting.replies_open():
        raise InvitationError(_("Replies closed when the meeting started."))
    if reply == Reply.COMING and way not in ways_allowed(meeting):
        raise InvitationError(_("Choose a way of taking part that this meeting offers."))
    invitee.reply = reply
    invitee.way = way if reply == Reply.COMING else ""
    invitee.replied_at = timezone.now()
    invitee.save(update_fields=["reply", "way", "replied_at"])
    AuditEvent.record(
        actor=invitee.user,
        action="meeting.replied",
        summary=_("%(person)s replied to “%(title)s”: %(reply)s")
        % {
            "person": invitee.user.full_name,
            "title": meeting.title,
            "reply": Reply(reply).label,
        },
        project=meeting.project,
        subject=invitee.user,
    )


@transaction.atomic
def advance_input_save(*, invitee: Invitee, texts: Mapping[int, str]) -> int:
    """Keep one written input per agenda item, as typed now; an emptied box removes it.

    Returns how many items have input after saving.
    """
    meeting = invitee.meeting
    if not meeting.replies_open():
        raise InvitationError(_("Written input before the meeting closed when it started."))
    items = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
    existing = {
        written.agenda_item_id: written
        for written in WrittenInput.objects.filter(
            meeting=meeting, author=invitee.user, kind=InputKind.ADVANCE
        )
    }
    kept = 0
    for item_id, item in items.items():
        text = texts.get(item_id, "").strip()
        written = existing.get(item_id)
        if not text:
            if written is not None:
                written.delete()
            continue
        kept += 1
        if written is None:
            WrittenInput.objects.create(
                meeting=meeting,
                agenda_item=item,
                author=invitee.user,
                kind=InputKind.ADVANCE,
                text=text,
            )
        elif written.text != text:
            written.text = text
            written.sent_at = timezone.now()
            written.save(update_fields=["text", "sent_at"])
    AuditEvent.record(
        actor=invitee.user,
        action="meeting.advance_input_saved",
        summary=_("%(person)s sent written input for “%(title)s”")
        % {"person": invitee.user.full_name, "title": meeting.title},
        project=meeting.project,
        subject=invitee.user,
    )
    return kept
