"""Calls for new members, the applications they bring in, and how a panel selects from them."""

from __future__ import annotations

import functools
import operator
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.choices import CachedChoiceLabels
from projects.models import Project

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CallStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Call(CachedChoiceLabels, models.Model):
    """A call for new members of a project, which anyone can read and answer."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(
        _("what the group does and what members will do"),
        max_length=3000,
        help_text=_("Use plain language. Say how often the group meets and what it is for."),
    )
    closes_on = models.DateField(_("closing date"))
    places = models.PositiveIntegerField(_("number of places"))
    status = models.CharField(
        _("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CallStatus.values), name="call_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(places__gte=1), name="call_has_places"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == CallStatus.OPEN and self.closes_on >= timezone.localdate()

    @property
    def can_reopen(self) -> bool:
        """Closed by hand, with the closing date still to come."""
        return self.status == CallStatus.CLOSED and self.closes_on > timezone.localdate()

    def panel_state(self) -> str:
        """Who is on the selection panel, as the panel page carries it: a page drawn with an
        older panel is refused rather than saved over it (`call_panel_set`)."""
        return ",".join(str(pk) for pk in sorted(self.panel.values_list("user_id", flat=True)))


class QuestionKind(models.TextChoices):
    SHORT = "short", _("Short answer")
    LONG = "long", _("Long answer")
    CHOICE = "choice", _("Choose one")


class CallQuestion(CachedChoiceLabels, models.Model):
    """A question people answer when they apply to a call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(default=0)
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind of answer"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.LONG
    )
    choices = models.TextField(_("choices, one per line"), blank=True, max_length=2000)
    required = models.BooleanField(_("people must answer this question"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=QuestionKind.values), name="call_question_kind_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=QuestionKind.CHOICE) | ~models.Q(choices=""),
                name="call_question_choice_has_choices",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]


class ApplicationChannel(models.TextChoices):
    WEB = "web", _("Online")
    PHONE = "phone", _("By phone")
    PAPER = "paper", _("On paper")


class ApplicationStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    SHORTLISTED = "shortlisted", _("Shortlisted")
    INVITED = "invited", _("Invited to talk")
    OFFERED = "offered", _("Offered a place")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    NOT_SELECTED = "not_selected", _("Not selected")


S = ApplicationStatus
# Where an application can go from each stage. Some groups offer a place straight from the
# shortlist without a talk; an offer ends with the applicant's answer, entered by a leader.
NEXT_STATUSES: dict[str, tuple[ApplicationStatus, ...]] = {
    S.RECEIVED: (S.SHORTLISTED, S.NOT_SELECTED),
    S.SHORTLISTED: (S.INVITED, S.OFFERED, S.NOT_SELECTED),
    S.INVITED: (S.OFFERED, S.NOT_SELECTED),
    S.OFFERED: (S.ACCEPTED, S.DECLINED),
    S.ACCEPTED: (),
    S.DECLINED: (),
    S.NOT_SELECTED: (),
}

# The stages at which the applicant gets a letter from us.
LETTER_STATUSES = frozenset({S.INVITED, S.OFFERED, S.NOT_SELECTED})

# What a leader chooses on the "what happens next" page, in words that say what it does.
STATUS_ACTIONS: dict[str, StrOrPromise] = {
    S.SHORTLISTED: _("Shortlist them"),
    S.INVITED: _("Invite them to talk with us"),
    S.OFFERED: _("Offer them a place"),
    S.ACCEPTED: _("They accepted the offer"),
    S.DECLINED: _("They turned down the offer"),
    S.NOT_SELECTED: _("Do not offer them a place this time"),
}

STATUS_MOVED = _(
    "Someone else moved this application on while you were looking at it. Check where it is "
    "now before you change it."
)

STATUS_TAG_CLASSES = {
    S.RECEIVED: "govuk-tag--blue",
    S.SHORTLISTED: "govuk-tag--light-blue",
    S.INVITED: "govuk-tag--turquoise",
    S.OFFERED: "govuk-tag--purple",
    S.ACCEPTED: "govuk-tag--green",
    S.DECLINED: "govuk-tag--yellow",
    S.NOT_SELECTED: "govuk-tag--grey",
}


class Application(CachedChoiceLabels, models.Model):
    """Someone asking to join a project through a call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="applications")
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone number (optional)"), max_length=40, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications_entered",
    )
    channel = models.CharField(
        max_length=10, choices=ApplicationChannel.choices, default=ApplicationChannel.WEB
    )
    status = models.CharField(
        max_length=20, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED
    )

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint("call", Lower("email"), name="application_once_per_call"),
            models.CheckConstraint(
                condition=models.Q(channel__in=ApplicationChannel.values),
                name="application_channel_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ApplicationStatus.values),
                name="application_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} for {self.call}"

    def next_statuses(self) -> tuple[ApplicationStatus, ...]:
        return NEXT_STATUSES[self.status]

    def can_move_to(self, status: str) -> bool:
        return status in self.next_statuses()

    @property
    def status_tag_class(self) -> str:
        return STATUS_TAG_CLASSES[ApplicationStatus(self.status)]


class PanelMember(models.Model):
    """A member of the project who reads and scores the applications to one call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="panel")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="panel_places"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="panel_member_once_per_call"),
        ]

    def __str__(self) -> str:
        return f"{self.user} on the panel for {self.call}"


class Score(models.IntegerChoices):
    """How well an application matches what the call asks for."""

    ONE = 1, _("1: does not match what we asked for")
    TWO = 2, _("2: matches a little")
    THREE = 3, _("3: matches in some ways")
    FOUR = 4, _("4: matches well")
    FIVE = 5, _("5: matches very well")


class Assessment(CachedChoiceLabels, models.Model):
    """One panel member's score and notes for one application. Only they change it."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assessments"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=Score.choices)
    note = models.TextField(_("your notes (optional)"), max_length=3000, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessor__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "assessor"], name="assessment_once_per_panel_member"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="assessment_score_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor} scored {self.application}"


class ApplicationStatusChange(CachedChoiceLabels, models.Model):
    """One step of an application through selection, and the letter sent about it, if any."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    to_status = models.CharField(max_length=20, choices=ApplicationStatus.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True, max_length=2000)
    letter_subject = models.CharField(max_length=200, blank=True)
    letter_body = models.TextField(blank=True, max_length=6000)
    letter_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        constraints = [
            # Only the steps in NEXT_STATUSES, so no route can record any other.
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (
                        models.Q(from_status=before, to_status=after)
                        for before, afters in NEXT_STATUSES.items()
                        for after in afters
                    ),
                ),
                name="application_status_change_is_a_valid_step",
            ),
            models.CheckConstraint(
                condition=models.Q(letter_sent_at__isnull=True)
                | (~models.Q(letter_subject="") & ~models.Q(letter_body="")),
                name="application_letter_sent_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} to {self.to_status}"

    @property
    def letter_due(self) -> bool:
        return self.to_status in LETTER_STATUSES and self.letter_sent_at is None
