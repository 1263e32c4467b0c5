"""Meetings: where co-production happens or fails.

A meeting is planned (a date found, a venue chosen, support booked, an agenda and papers
prepared), marked ready once everyone invited can take part, held, and closed. Closing opens
a cooling-off window for written thoughts; decisions stay provisional until it ends, and the
minutes are approved only once every thought sent in that window has been considered.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Collection
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.choices import CachedChoiceLabels
from meetings.timing import time_on_day
from people.contact import ContactWay, Notice
from people.models import AccessNeedType, MemberType
from projects.models import Project

# ---------------------------------------------------------------------------------------------
# Venues


class Venue(models.Model):
    """A place the organisation meets, with what it offers for access. Shared by all projects."""

    name = models.CharField(_("name"), max_length=150)
    address = models.TextField(_("address"), max_length=500)
    directions = models.TextField(
        _("how to get there (optional)"),
        max_length=2000,
        blank=True,
        help_text=_("Entrances, bus routes, where to park, who meets people at the door."),
    )
    capacity = models.PositiveSmallIntegerField(
        _("how many people fit"), validators=[MinValueValidator(1)]
    )
    step_free = models.BooleanField(_("step-free access throughout"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    quiet_room = models.BooleanField(_("a quiet room to take a break in"), default=False)
    parking = models.BooleanField(_("accessible parking"), default=False)
    public_transport = models.BooleanField(_("near public transport"), default=False)
    good_lighting = models.BooleanField(_("good, adjustable lighting"), default=False)
    wheelchair_space = models.BooleanField(_("space for wheelchairs at the table"), default=False)
    assistance_dogs = models.BooleanField(_("assistance dogs welcome, with water"), default=False)
    notes = models.TextField(_("anything else (optional)"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("offered for new meetings"), default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # The venue's features, in the order pages list them.
    FEATURES = (
        "step_free",
        "wheelchair_space",
        "hearing_loop",
        "accessible_toilet",
        "quiet_room",
        "parking",
        "public_transport",
        "good_lighting",
        "assistance_dogs",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="venue_name_unique"),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="venue_capacity"),
        ]

    def __str__(self) -> str:
        return self.name


# ---------------------------------------------------------------------------------------------
# Meetings


class MeetingFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online, by video call")
    HYBRID = "hybrid", _("Hybrid: in person and by video call")


class MeetingStatus(models.TextChoices):
    PLANNING = "planning", _("Being planned")
    READY = "ready", _("Ready")
    CLOSED = "closed", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# Not held and not cancelled: the meeting can still change, and people can still reply.
OPEN_STATUSES = (MeetingStatus.PLANNING, MeetingStatus.READY)


def _coming(now: datetime.datetime) -> models.Q:
    """Not held or cancelled, and not over (or with no date yet)."""
    return (models.Q(starts_at__isnull=True) | models.Q(ends_at__gte=now)) & models.Q(
        status__in=OPEN_STATUSES
    )


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def upcoming(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        return self.filter(_coming(now or timezone.now()))

    def past(self, now: datetime.datetime | None = None) -> MeetingQuerySet:
        """Every meeting `upcoming` leaves out (as of the same `now`): held, cancelled or over."""
        return self.exclude(_coming(now or timezone.now()))

    def counted(self, now: datetime.datetime) -> tuple[int, int]:
        """How many are `upcoming` and how many `past` as of `now`, in one query."""
        found = self.aggregate(
            every=models.Count("pk"), coming=models.Count("pk", filter=_coming(now))
        )
        return found["coming"], found["every"] - found["coming"]


class Meeting(CachedChoiceLabels, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=150)
    purpose = models.TextField(
        _("what the meeting is for"),
        max_length=2000,
        blank=True,
        help_text=_("In plain words, so people can decide whether and how to take part."),
    )
    # Empty while the group is still finding a date.
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    format = models.CharField(
        _("how people meet"),
        max_length=10,
        choices=MeetingFormat.choices,
        default=MeetingFormat.IN_PERSON,
    )
    venue = models.ForeignKey(
        Venue,
        verbose_name=_("venue"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
    )
    video_link = models.URLField(_("video call link"), blank=True)
    # People who take part by phone dial into the video call: only meetings online offer it.
    phone_dial_in = models.CharField(
        _("phone dial-in number"),
        max_length=40,
        blank=True,
        help_text=_(
            "For online and hybrid meetings, so people can join by phone. For example, "
            "020 7946 0000. Add any meeting code in the purpose."
        ),
    )
    video_captions = models.BooleanField(
        _("the video call shows live captions"),
        default=False,
        help_text=_("Automatic captions from the video call service."),
    )
    agenda_shows_ground_rules = models.BooleanField(
        _("show the group's ground rules at the top of the agenda"),
        default=False,
        help_text=_("A reminder of how the group works together, read out at the start."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNING
    )
    ready_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("why it was cancelled"), blank=True, max_length=2000)
    # Set when the meeting closes: until then, written thoughts can still come in.
    cooling_off_ends_at = models.DateTimeField(null=True, blank=True)
    cooling_off_closed_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When members were told the window had closed.")
    )
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    # When the chair was told nothing stands in the way of approving the minutes: once only.
    minutes_ready_told_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Calendar programs match updates to the event by UID and apply the highest SEQUENCE.
    calendar_uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [models.F("starts_at").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=MeetingStatus.values), name="meeting_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=MeetingFormat.values), name="meeting_format_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_at__isnull=True, ends_at__isnull=True)
                | models.Q(ends_at__gt=models.F("starts_at")),
                name="meeting_ends_after_it_starts",
            ),
            # A meeting cannot be ready, or held, without a date.
            models.CheckConstraint(
                condition=models.Q(status=MeetingStatus.PLANNING)
                | models.Q(status=MeetingStatus.CANCELLED)
                | models.Q(starts_at__isnull=False),
                name="meeting_ready_has_a_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=MeetingStatus.CLOSED)
                | models.Q(closed_at__isnull=False, cooling_off_ends_at__isnull=False),
                name="meeting_closed_has_a_window",
            ),
            models.CheckConstraint(
                condition=models.Q(minutes_approved_at__isnull=True)
                | models.Q(status=MeetingStatus.CLOSED),
                name="meeting_minutes_approved_after_closing",
            ),
            models.CheckConstraint(
                condition=models.Q(phone_dial_in="")
                | models.Q(format__in=[MeetingFormat.ONLINE, MeetingFormat.HYBRID]),
                name="meeting_dial_in_only_online",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def duration_minutes(self) -> int | None:
        if self.starts_at is None or self.ends_at is None:
            return None
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def meets_in_person(self) -> bool:
        return self.format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID)

    @property
    def meets_online(self) -> bool:
        return self.format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID)

    def papers_due_at(self, notice_days: int) -> datetime.datetime | None:
        """When papers must be out: the organisation's notice period before the start."""
        if self.starts_at is None:
            return None
        return self.starts_at - datetime.timedelta(days=notice_days)

    @property
    def cooling_off_open(self) -> bool:
        return (
            self.status == MeetingStatus.CLOSED
            and self.cooling_off_ends_at is not None
            and timezone.now() < self.cooling_off_ends_at
        )

    @property
    def decisions_provisional(self) -> bool:
        """Decisions wait for the cooling-off window, so late thoughts can still change them."""
        return self.status != MeetingStatus.CLOSED or self.cooling_off_open

    # -----------------------------------------------------------------------------------------
    # The status: the one way it changes

    def change_status(self, *, expected: Collection[str], new: str, **fields: Any) -> bool:
        """Move the meeting from one of the `expected` statuses to `new`, with the fields that
        go with the step, in one conditional UPDATE. Returns whether it happened.

        Nothing changes when the stored status is no longer one of `expected`: someone else
        got there first, so two people clicking at once (or a task run twice) cannot both do
        it. When it happens the version goes up, so an edit begun before it is refused, and
        this object gets what was saved.
        """
        values = {"status": new, "updated_at": timezone.now(), **fields}
        changed = Meeting.objects.filter(pk=self.pk, status__in=list(expected)).update(
            version=models.F("version") + 1, **values
        )
        if changed:
            self.refresh_from_db(fields=[*values, "version"])
        return bool(changed)

    # -----------------------------------------------------------------------------------------
    # Whether each step may happen now: None (or nothing) when it may, else why not, in words
    # for the page

    @property
    def is_open(self) -> bool:
        """Being planned or ready: not held or cancelled, so it can still change."""
        return self.status in OPEN_STATUSES

    def change_problem(self) -> str | None:
        """Why the meeting can no longer be changed or cancelled."""
        if self.is_open:
            return None
        if self.status == MeetingStatus.CANCELLED:
            return gettext("This meeting is cancelled, so it cannot be changed.")
        return gettext("This meeting has been held, so it cannot be changed.")

    @property
    def needs_a_date(self) -> bool:
        """Only a meeting being planned may be without a date (see meeting_ready_has_a_date)."""
        return self.status != MeetingStatus.PLANNING

    @property
    def date_poll_open(self) -> bool:
        """Dates are offered, answered and chosen while a meeting being planned has none."""
        return self.starts_at is None and self.status == MeetingStatus.PLANNING

    def ready_problem(self) -> str | None:
        """Why the meeting cannot be marked ready, its access plan aside."""
        if self.status != MeetingStatus.PLANNING:
            return gettext(
                "Only a meeting that is being planned can be marked ready. This one is: %(status)s."
            ) % {"status": self.get_status_display().lower()}
        # The database refuses a ready meeting without a date; say so in words first.
        if self.starts_at is None:
            return gettext("Set the meeting's date and time before marking it ready.")
        return None

    def invitation_problem(self, *, now: datetime.datetime | None = None) -> str | None:
        """Why invitations cannot go out now."""
        if self.status in (MeetingStatus.CANCELLED, MeetingStatus.CLOSED):
            return gettext("This meeting is cancelled or over, so invitations cannot go.")
        if self.starts_at is None:
            return gettext(
                "Set the meeting's date and time before sending invitations, so people can plan."
            )
        if self.starts_at <= (now or timezone.now()):
            return gettext("This meeting has started, so invitations cannot go.")
        return None

    def replies_open(self, *, now: datetime.datetime | None = None) -> bool:
        """People reply, and send thoughts in advance, until the meeting starts."""
        if not self.is_open:
            return False
        return self.starts_at is None or (now or timezone.now()) < self.starts_at

    def record_problem(self, *, now: datetime.datetime | None = None) -> str | None:
        """Why the record (who came, the minutes, contributions) cannot be kept yet, or any
        more."""
        now = now or timezone.now()
        if self.status == MeetingStatus.CANCELLED:
            return gettext("This meeting was cancelled, so it has no record to keep.")
        if self.starts_at is None:
            return gettext(
                "This meeting has no date yet. Its record can be kept once it has started."
            )
        if now < self.starts_at:
            local = timezone.localtime(self.starts_at)
            return gettext(
                "This meeting has not started yet. You can record who came, the minutes and "
                "who contributed from %(time)s on %(day)s."
            ) % {"time": local.strftime("%H:%M"), "day": local.strftime("%A %-d %B %Y")}
        return None

    def minutes_problem(self, *, now: datetime.datetime | None = None) -> str | None:
        """Why the minutes (and the decisions and actions in them) cannot be changed."""
        if self.minutes_approved_at is not None:
            return gettext(
                "The minutes of this meeting are approved, so they can no longer be changed."
            )
        return self.record_problem(now=now)

    def close_problem(self, *, now: datetime.datetime | None = None) -> str | None:
        """Why the meeting cannot be closed yet."""
        now = now or timezone.now()
        if self.status == MeetingStatus.CLOSED:
            return gettext("This meeting is already closed.")
        if self.status == MeetingStatus.CANCELLED:
            return gettext("This meeting was cancelled, so it cannot be closed.")
        if self.starts_at is None:
            return gettext("This meeting has no date yet, so it cannot have been held.")
        if self.starts_at > now:
            return gettext("You can close the meeting once it has started, from %(when)s.") % {
                "when": time_on_day(self.starts_at)
            }
        return None

    def cooling_off_problem(self) -> str | None:
        """Why further thoughts cannot be sent now: None while the window is open."""
        if self.cooling_off_open:
            return None
        if self.status != MeetingStatus.CLOSED or self.cooling_off_ends_at is None:
            return gettext(
                "You can add further thoughts here once the meeting has been held and closed."
            )
        return gettext("The window for further thoughts closed at %(when)s.") % {
            "when": time_on_day(self.cooling_off_ends_at)
        }

    def minutes_approval_problems(self) -> list[str]:
        """Everything still in the way of approving the minutes; empty when they can be."""
        if self.minutes_approved_at is not None:
            return [gettext("The minutes are already approved.")]
        if self.status != MeetingStatus.CLOSED:
            return [gettext("The meeting has not been closed yet.")]
        problems = []
        if self.cooling_off_open and self.cooling_off_ends_at is not None:
            problems.append(
                gettext("The window for further thoughts is open until %(when)s.")
                % {"when": time_on_day(self.cooling_off_ends_at)}
            )
        counts = self.written_inputs.aggregate(
            waiting=models.Count(
                "pk",
                filter=models.Q(kind=InputKind.COOLING_OFF, considered_at__isnull=True),
            ),
        )
        if waiting := counts["waiting"]:
            problems.append(
                ngettext(
                    "%(n)s further thought has not been answered yet.",
                    "%(n)s further thoughts have not been answered yet.",
                    waiting,
                )
                % {"n": waiting}
            )
        if not MinutesVersion.objects.filter(meeting=self).exists():
            problems.append(gettext("Nobody has written the minutes yet."))
        return problems

    def attendees(self) -> list[User]:
        """Who came: those marked present, or, if no register was taken, those who said they
        were coming."""
        invitees = list(Invitee.objects.filter(meeting=self).select_related("user"))
        if any(invitee.attended is not None for invitee in invitees):
            return [invitee.user for invitee in invitees if invitee.attended]
        return [invitee.user for invitee in invitees if invitee.reply == Reply.COMING]

    def check_problem(self, user: User) -> str | None:
        """Why this person cannot answer the after-meeting check."""
        if self.status != MeetingStatus.CLOSED:
            return gettext("The check opens when the meeting has been held and closed.")
        if user not in self.attendees():
            return gettext("The check is for the people who came to the meeting.")
        if CheckReceipt.objects.filter(meeting=self, user=user).exists():
            return gettext("You have already answered the check for this meeting. Thank you.")
        return None


# ---------------------------------------------------------------------------------------------
# Finding a date


class DateOption(models.Model):
    """One date and time offered while the group finds a date for a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="date_options")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "starts_at"], name="date_option_once"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="date_option_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.starts_at:%Y-%m-%d %H:%M}"


class Availability(models.TextChoices):
    YES = "yes", _("Yes, I can come")
    IF_NEED_BE = "if_need_be", _("If need be")
    NO = "no", _("No, I cannot come")


class DateAnswer(CachedChoiceLabels, models.Model):
    option = models.ForeignKey(DateOption, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=12, choices=Availability.choices)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["option", "user"], name="date_answer_once"),
            models.CheckConstraint(
                condition=models.Q(answer__in=Availability.values), name="date_answer_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.option}: {self.answer}"


# ---------------------------------------------------------------------------------------------
# Invitations, replies and attendance


class Reply(models.TextChoices):
    NONE = "", _("Not replied yet")
    COMING = "coming", _("Coming")
    APOLOGIES = "apologies", _("Sent apologies")


class AttendanceWay(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    VIDEO = "video", _("By video call")
    PHONE = "phone", _("By phone")
    WRITTEN = "written", _("Written input only")


# The ways of being at the meeting itself; writing in is taking part without coming.
PRESENT_WAYS = [AttendanceWay.IN_PERSON, AttendanceWay.VIDEO, AttendanceWay.PHONE]


class Invitee(CachedChoiceLabels, models.Model):
    """Someone invited to a meeting: their reply, how they will take part, and if they came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_invitations"
    )
    # What they bring, as it was when invited, so equal-voice figures stay true over time.
    member_type = models.CharField(max_length=20, choices=MemberType.choices)
    reply = models.CharField(
        _("reply"), max_length=10, choices=Reply.choices, blank=True, default=Reply.NONE
    )
    way = models.CharField(
        _("how you will take part"), max_length=10, choices=AttendanceWay.choices, blank=True
    )
    replied_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True, help_text=_("When it was sent."))
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When they last opened the meeting's papers page: papers published after it are new to
    # them, and their home page says so.
    papers_seen_at = models.DateTimeField(null=True, blank=True)
    # Recorded at the meeting: None until the register is taken.
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # How they took part, from the register: in the room, by video or phone for those who
    # came, in writing for those who did not. Blank when the register does not say.
    attended_way = models.CharField(
        _("how they took part"), max_length=10, choices=AttendanceWay.choices, blank=True
    )

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="invitee_once_per_meeting"),
            models.CheckConstraint(
                condition=models.Q(reply__in=Reply.values), name="invitee_reply_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(way="") | models.Q(way__in=AttendanceWay.values),
                name="invitee_way_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(reply=Reply.COMING) | ~models.Q(way=""),
                name="invitee_coming_says_how",
            ),
            models.CheckConstraint(
                condition=models.Q(attended_way="")
                | models.Q(attended=True, attended_way__in=PRESENT_WAYS)
                | models.Q(attended=False, attended_way=AttendanceWay.WRITTEN),
                name="invitee_attended_way_fits",
            ),
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="invitee_member_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.meeting}"

    @property
    def contribution_way(self) -> str:
        """How what they say at the meeting is counted: from the register, or their reply."""
        way = self.attended_way or self.way
        if way in (AttendanceWay.VIDEO, AttendanceWay.PHONE):
            return ContributionWay.REMOTE
        if way == AttendanceWay.WRITTEN and not self.attended:
            return ContributionWay.WRITTEN
        return ContributionWay.IN_ROOM


# ---------------------------------------------------------------------------------------------
# Support booked, and needs that cannot be met


class ArrangementKind(models.TextChoices):
    BSL_INTERPRETER = "bsl_interpreter", _("British Sign Language interpreter")
    CAPTIONER = "captioner", _("Captioner (speech to text)")
    LIPSPEAKER = "lipspeaker", _("Lipspeaker")
    NOTE_TAKER = "note_taker", _("Note-taker")
    LANGUAGE_INTERPRETER = "language_interpreter", _("Interpreter for a spoken language")
    PORTABLE_LOOP = "portable_loop", _("Portable hearing loop")
    TRAVEL = "travel", _("Travel booked or paid for")
    CATERING = "catering", _("Food and drink for dietary needs")
    SUPPORT_WORKER = "support_worker", _("Place for a support worker")
    OTHER = "other", _("Something else")


class Arrangement(CachedChoiceLabels, models.Model):
    """Support booked for a meeting, such as an interpreter or a captioner."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="arrangements")
    kind = models.CharField(_("what is booked"), max_length=24, choices=ArrangementKind.choices)
    detail = models.CharField(
        _("details (optional)"),
        max_length=200,
        blank=True,
        help_text=_("For example, who is booked, or which language."),
    )
    confirmed = models.BooleanField(
        _("the booking is confirmed"), default=False, help_text=_("Not just requested.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ArrangementKind.values), name="arrangement_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return str(ArrangementKind(self.kind).label)


class UnmetNeedReason(models.Model):
    """Why a need could not be met at a meeting and what was offered instead.

    Without one for every unmet need, a meeting cannot be marked ready.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="unmet_reasons")
    need_type = models.ForeignKey(AccessNeedType, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("why it cannot be met"), max_length=2000)
    offered_instead = models.TextField(_("what was offered instead"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "need_type"], name="unmet_reason_once"),
            models.CheckConstraint(
                condition=~models.Q(reason="") & ~models.Q(offered_instead=""),
                name="unmet_reason_says_why_and_what_instead",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need_type} at {self.meeting}"


# ---------------------------------------------------------------------------------------------
# Agenda and papers


class ItemPurpose(models.TextChoices):
    INFORMATION = "information", _("For information")
    DISCUSSION = "discussion", _("For discussion")
    DECISION = "decision", _("For decision")
    BREAK = "break", _("Break")


class AgendaItem(CachedChoiceLabels, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=ItemPurpose.choices, default=ItemPurpose.DISCUSSION
    )
    minutes = models.PositiveSmallIntegerField(
        _("how long, in minutes"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenter (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(
        _("more about this item (optional)"), blank=True, max_length=2000
    )
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purpose__in=ItemPurpose.values), name="agenda_item_purpose_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1), name="agenda_item_takes_time"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_break(self) -> bool:
        return self.purpose == ItemPurpose.BREAK


class PaperFormat(models.TextChoices):
    STANDARD = "standard", _("Standard")
    EASY_READ = "easy_read", _("Easy read")
    LARGE_PRINT = "large_print", _("Large print")
    AUDIO = "audio", _("Audio")
    BRAILLE_READY = "braille_ready", _("Braille-ready")
    PLAIN_TEXT = "plain_text", _("Plain text")


# Standard first, then the other formats in the order the catalogue lists them.
PAPER_FORMAT_ORDER = {value: index for index, value in enumerate(PaperFormat.values)}


# Which paper format meets which access requirement in the catalogue (people.AccessNeedType).
FORMAT_FOR_NEED: dict[str, PaperFormat] = {
    "easy-read": PaperFormat.EASY_READ,
    "large-print": PaperFormat.LARGE_PRINT,
    "audio": PaperFormat.AUDIO,
    "braille": PaperFormat.BRAILLE_READY,
    "screen-reader": PaperFormat.PLAIN_TEXT,
}


def paper_upload_to(instance: PaperVersion, filename: str) -> str:
    """A random name that says nothing about the paper or who sent it, keeping only the
    ending, which the upload's content was checked against."""
    ending = PurePath(filename).suffix.lower()
    return f"papers/{instance.paper.meeting_id}/{uuid.uuid4().hex}{ending}"


class Paper(models.Model):
    """A paper for a meeting. Its files, one per format, are its versions."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="papers")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="papers",
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary in plain words (optional)"), blank=True, max_length=2000)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # When the first file went out, and whether that was after the notice period.
    published_at = models.DateTimeField(default=timezone.now)
    late = models.BooleanField(default=False)
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["agenda_item__position", "pk"]

    def __str__(self) -> str:
        return self.title


class PaperVersion(CachedChoiceLabels, models.Model):
    """A paper in one format: the standard file, easy read, large print, audio and so on."""

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="versions")
    format = models.CharField(_("format"), max_length=16, choices=PaperFormat.choices)
    file = models.FileField(_("file"), upload_to=paper_upload_to)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    # Goes up each time the file is replaced, so an upload begun before that is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["paper", "format"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "format"], name="paper_version_per_format"),
            models.CheckConstraint(
                condition=models.Q(format__in=PaperFormat.values), name="paper_version_format_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paper} ({PaperFormat(self.format).label})"


# How a paper notice reaches its person: the way every app's messages go.
NoticeWay = ContactWay


class DigestKind(models.TextChoices):
    DAILY = "daily", _("Daily message")
    WEEKLY = "weekly", _("Weekly message")


class Digest(CachedChoiceLabels, models.Model):
    """One daily or weekly message to one person, carrying everything held for them.

    It is written, its held items claimed and its email queued in one transaction
    (`meetings.digest.digests_send`), so an email is queued exactly when a digest exists.
    One per person per time it was due, so running the hourly command twice sends nothing
    more.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digests"
    )
    kind = models.CharField(max_length=10, choices=DigestKind.choices)
    # The person's chosen time this digest was for, and when its email was queued.
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user", "-due_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "due_at"], name="digest_once_per_time"),
            models.CheckConstraint(
                condition=models.Q(kind__in=DigestKind.values), name="digest_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} for {self.due_at:%Y-%m-%d %H:%M}"


class PaperNotice(Notice):
    """That one person invited is told about a paper published after invitations went out.

    One per person per paper, so publishing again never tells anyone twice. An email goes at
    once (`sent_at` set); for people who asked for one message a day or a week at most it is
    held, `sent_at` and `digest` empty, until their digest carries it and sets both; people
    who take no email are listed on the papers page for the organisers to phone or write to.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="notices")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="paper_notices"
    )
    # The one digest that carried it: a foreign key, so never two.
    digest = models.ForeignKey(
        Digest, on_delete=models.CASCADE, null=True, blank=True, related_name="paper_notices"
    )

    class Meta:
        ordering = ["paper", "user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "user"], name="paper_notice_once"),
            models.CheckConstraint(
                condition=models.Q(way__in=NoticeWay.values), name="paper_notice_way_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(digest__isnull=True)
                | models.Q(way=NoticeWay.DIGEST, sent_at__isnull=False),
                name="paper_notice_in_a_digest_is_held_and_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.paper} to {self.user}"


class HeldMessage(models.Model):
    """A message that was not urgent, held for someone who asked for one a day or a week at
    most (`meetings.notify.members_tell`). Their next digest lists it: its subject, when it
    came and where to read more."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="held_messages"
    )
    subject = models.CharField(max_length=300)
    link = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The one digest that carried it: a foreign key, so never two.
    digest = models.ForeignKey(
        Digest, on_delete=models.CASCADE, null=True, blank=True, related_name="held_messages"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(
                fields=["user"],
                condition=models.Q(digest__isnull=True),
                name="held_message_waiting",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} for {self.user}"


# ---------------------------------------------------------------------------------------------
# Written input: before the meeting from those who cannot come, and after it, while cooling off


class InputKind(models.TextChoices):
    ADVANCE = "advance", _("Sent before the meeting")
    COOLING_OFF = "cooling_off", _("Sent during the cooling-off window")


class WrittenInput(CachedChoiceLabels, models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="written_inputs")
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="written_inputs",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="written_inputs"
    )
    kind = models.CharField(max_length=12, choices=InputKind.choices)
    text = models.TextField(_("your thoughts"), max_length=5000)
    sent_at = models.DateTimeField(default=timezone.now)
    # Every thought sent while cooling off is considered, and answered, before approval.
    considered_at = models.DateTimeField(null=True, blank=True)
    considered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response = models.TextField(_("response"), blank=True, max_length=5000)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=InputKind.values), name="written_input_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(considered_at__isnull=True) | ~models.Q(response=""),
                name="written_input_considered_has_a_response",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.meeting}"


# ---------------------------------------------------------------------------------------------
# Minutes, decisions, actions and contributions


class MinutesVersion(models.Model):
    """One saved version of a meeting's minutes. Earlier versions are kept."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="minutes_versions")
    number = models.PositiveIntegerField()
    summary = models.TextField(_("summary (optional)"), blank=True, max_length=5000)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(default=timezone.now)
    change_note = models.CharField(_("what changed (optional)"), max_length=200, blank=True)

    class Meta:
        ordering = ["meeting", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="minutes_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: minutes version {self.number}"


class ItemMinutes(models.Model):
    """What was said about one agenda item, in one version of the minutes."""

    version = models.ForeignKey(MinutesVersion, on_delete=models.CASCADE, related_name="items")
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="+")
    notes = models.TextField(blank=True, max_length=20000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "agenda_item"], name="item_minutes_once"),
        ]

    def __str__(self) -> str:
        return f"{self.agenda_item} ({self.version})"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="decisions"
    )
    text = models.TextField(_("what was decided"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    """Where an action has got to. A blocked one says what is in the way."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", _("Done")


class ActionPoint(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_points")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, null=True, blank=True, related_name="action_points"
    )
    text = models.TextField(_("what needs doing"), max_length=2000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who will do it (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("by when (optional)"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    # Progress after the meeting, shown in the project's action log.
    status = models.CharField(
        _("where it has got to"),
        max_length=12,
        choices=ActionStatus.choices,
        default=ActionStatus.NOT_STARTED,
    )
    barrier = models.TextField(_("what is in the way"), blank=True, max_length=2000)
    # The day its owner was last reminded that it is overdue: once a day at most.
    reminded_on = models.DateField(null=True, blank=True)
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values),
                name="action_point_status_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ActionStatus.BLOCKED) | ~models.Q(barrier=""),
                name="action_point_blocked_says_why",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ActionStatus.DONE, done_at__isnull=False)
                | (~models.Q(status=ActionStatus.DONE) & models.Q(done_at__isnull=True)),
                name="action_point_done_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


class ContributionWay(models.TextChoices):
    IN_ROOM = "in_room", _("Spoke in the room")
    REMOTE = "remote", _("Spoke by video or phone")
    WRITTEN = "written", _("In writing")


class Contribution(CachedChoiceLabels, models.Model):
    """Someone contributed to an agenda item. Counted for the equal-voice figures."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="contributions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="contributions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contributions"
    )
    member_type = models.CharField(max_length=20, choices=MemberType.choices)
    way = models.CharField(max_length=10, choices=ContributionWay.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(way__in=ContributionWay.values), name="contribution_way_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="contribution_member_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.agenda_item}"


# ---------------------------------------------------------------------------------------------
# After-meeting check


class Rating(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Not at all")
    A_LITTLE = 2, _("A little")
    PARTLY = 3, _("Partly")
    MOSTLY = 4, _("Mostly")
    COMPLETELY = 5, _("Completely")


class AfterMeetingCheck(CachedChoiceLabels, models.Model):
    """One person's answers after a meeting. Anonymous answers keep no link to the person.

    The key is random and the date has no time, so neither the order nor the moment of
    answering matches a `CheckReceipt` or the audit log.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="checks")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_full_review = models.BooleanField(default=False)
    co_producing = models.PositiveSmallIntegerField(
        _("Are we really co-producing this work?"), choices=Rating.choices
    )
    ground_rules = models.PositiveSmallIntegerField(
        _("Are our ground rules being respected?"), choices=Rating.choices
    )
    work_plan = models.PositiveSmallIntegerField(
        _("Are we following our work-plan?"), choices=Rating.choices
    )
    worried = models.TextField(_("Is anyone worried about anything?"), blank=True, max_length=2000)
    went_well = models.TextField(_("What went well?"), blank=True, max_length=2000)
    not_working = models.TextField(_("What is not working?"), blank=True, max_length=2000)
    learnt = models.TextField(_("What have we learnt?"), blank=True, max_length=2000)
    could_help = models.TextField(_("What else could help?"), blank=True, max_length=2000)
    submitted_on = models.DateField(default=timezone.localdate)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(co_producing__gte=1, co_producing__lte=5)
                & models.Q(ground_rules__gte=1, ground_rules__lte=5)
                & models.Q(work_plan__gte=1, work_plan__lte=5),
                name="after_meeting_check_ratings_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"After-meeting check for {self.meeting}"


class CheckReceipt(models.Model):
    """That someone answered a meeting's check, kept apart from what they answered."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="check_receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="check_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} answered the check for {self.meeting}"
