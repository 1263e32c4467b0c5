"""Decisions taken as equals: proposals anyone drafts, decisions by a method chosen first,
the project-wide action log and "you said, we did".

A proposal moves through fixed stages, and each step keeps the text as it stood, who took
the step and when. A decision asks the group one question, by consensus, consent or a
majority vote, at a meeting (against an agenda item) or between meetings (with a closing
date); every member answers once, whatever their role. The action log puts a meeting's
action points (`meetings.ActionPoint`, which keep their own progress) beside the actions
agreed between meetings (`Action`, here).
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.choices import CachedChoiceLabels
from meetings.models import ActionStatus, AgendaItem, Meeting, WrittenInput
from people.models import MemberType
from projects.models import Project

# ---------------------------------------------------------------------------------------------
# Proposals


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for comment")
    RESPONDED = "responded", _("Response from the decision-makers")
    REVISED = "revised", _("Revised")
    AGREED = "agreed", _("Agreed")
    NOT_AGREED = "not_agreed", _("Not agreed")
    IN_PROGRESS = "in_progress", _("Being put in place")
    DONE = "done", _("Done")


# Where each stage may go next. The author (or a leader) opens and revises; the people who
# lead the group respond, agree or not, and see it put in place.
NEXT_STAGES: dict[str, tuple[str, ...]] = {
    Stage.DRAFT: (Stage.OPEN,),
    Stage.OPEN: (Stage.RESPONDED,),
    Stage.RESPONDED: (Stage.REVISED, Stage.AGREED, Stage.NOT_AGREED),
    Stage.REVISED: (Stage.OPEN, Stage.AGREED, Stage.NOT_AGREED),
    Stage.AGREED: (Stage.IN_PROGRESS,),
    Stage.NOT_AGREED: (),
    Stage.IN_PROGRESS: (Stage.DONE,),
    Stage.DONE: (),
}
AUTHOR_STAGES = frozenset({Stage.OPEN, Stage.REVISED})
# Stages at which what was agreed, and by when, must be written down.
AGREED_STAGES = (Stage.AGREED, Stage.IN_PROGRESS, Stage.DONE)


class Proposal(CachedChoiceLabels, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("title"), max_length=150)
    theme = models.CharField(
        _("theme (optional)"),
        max_length=80,
        blank=True,
        help_text=_("A word or two the group files it under, such as “crisis pages”."),
    )
    text = models.TextField(
        _("what you propose"),
        max_length=10000,
        help_text=_("In plain words: what should change, and why."),
    )
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="proposals"
    )
    timescale = models.CharField(_("by when it will be done"), max_length=200, blank=True)
    reasons = models.TextField(_("why it was not agreed"), blank=True, max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-stage_changed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="proposal_stage_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(stage__in=AGREED_STAGES) | ~models.Q(timescale=""),
                name="proposal_agreed_has_a_timescale",
            ),
            models.CheckConstraint(
                condition=~models.Q(stage=Stage.NOT_AGREED) | ~models.Q(reasons=""),
                name="proposal_not_agreed_says_why",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def next_stages(self) -> tuple[str, ...]:
        return NEXT_STAGES[self.stage]

    @property
    def open_for_comment(self) -> bool:
        return self.stage == Stage.OPEN

    @property
    def text_can_change(self) -> bool:
        return self.stage == Stage.DRAFT


class ProposalVersion(models.Model):
    """The proposal as it stood when it reached a stage, who moved it there and when."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    stage = models.CharField(max_length=12, choices=Stage.choices)
    title = models.CharField(max_length=150)
    text = models.TextField(max_length=10000)
    # What was said with the step: the decision-makers' response, the timescale, the reasons.
    note = models.TextField(blank=True, max_length=5000)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["proposal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "number"], name="proposal_version_once"),
            models.CheckConstraint(
                condition=models.Q(stage__in=Stage.values), name="proposal_version_stage_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: version {self.number}"


class Comment(models.Model):
    """A member's comment on a proposal open for comment, shown with what they bring."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_comments"
    )
    # What they bring, as it was when they commented.
    member_type = models.CharField(max_length=20, choices=MemberType.choices)
    text = models.TextField(_("your comment"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="comment_member_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.proposal}"


# ---------------------------------------------------------------------------------------------
# Decisions


class Method(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus: everyone agrees, stands aside, or blocks")
    CONSENT = "consent", _("Consent: it goes ahead unless someone objects, with a reason")
    MAJORITY = "majority", _("Majority vote")


METHOD_SHORT = {
    Method.CONSENSUS: _("Consensus"),
    Method.CONSENT: _("Consent"),
    Method.MAJORITY: _("Majority vote"),
}


class Choice(models.TextChoices):
    AGREE = "agree", _("I agree")
    STAND_ASIDE = "stand_aside", _("I stand aside")
    BLOCK = "block", _("I block it")
    CONSENT = "consent", _("I consent")
    OBJECT = "object", _("I object")
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    ABSTAIN = "abstain", _("I abstain")


CHOICES_FOR_METHOD: dict[str, tuple[str, ...]] = {
    Method.CONSENSUS: (Choice.AGREE, Choice.STAND_ASIDE, Choice.BLOCK),
    Method.CONSENT: (Choice.CONSENT, Choice.OBJECT),
    Method.MAJORITY: (Choice.FOR, Choice.AGAINST, Choice.ABSTAIN),
}
# Answers that stop a decision, and so must say why.
NEEDS_A_REASON = (Choice.BLOCK, Choice.OBJECT)


class DecisionStatus(models.TextChoices):
    OPEN = "open", _("Open for responses")
    CLOSED = "closed", _("Outcome recorded")


class Outcome(models.TextChoices):
    NONE = "", _("Not decided yet")
    AGREED = "agreed", _("Agreed")
    NOT_AGREED = "not_agreed", _("Not agreed")


class GroupDecision(CachedChoiceLabels, models.Model):
    """One question the group decides together, by a method chosen before it opens."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="decisions")
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("proposal (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
    )
    # Taken at a meeting, against an agenda item; or between meetings, with a closing date.
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="group_decisions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="group_decisions",
    )
    question = models.TextField(
        _("what the group is deciding"),
        max_length=2000,
        help_text=_("One question, in plain words, that people can answer."),
    )
    theme = models.CharField(_("theme (optional)"), max_length=80, blank=True)
    method = models.CharField(_("how the group decides"), max_length=10, choices=Method.choices)
    closes_at = models.DateTimeField(_("closing date"), null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=DecisionStatus.choices, default=DecisionStatus.OPEN
    )
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(
        _("anything to add to the outcome (optional)"), blank=True, max_length=2000
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(method__in=Method.values), name="decision_method_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DecisionStatus.values), name="decision_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=Outcome.values), name="decision_outcome_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(meeting__isnull=True) | models.Q(closes_at__isnull=False),
                name="decision_between_meetings_has_a_closing_date",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=DecisionStatus.OPEN, outcome="", closed_at__isnull=True)
                    | (
                        models.Q(status=DecisionStatus.CLOSED, closed_at__isnull=False)
                        & ~models.Q(outcome="")
                    )
                ),
                name="decision_closed_has_an_outcome",
            ),
        ]
        # A page of the log reads a project's decisions newest first: with this the database
        # reads just that page's rows (and counts their answers and actions for those alone).
        indexes = [
            models.Index(fields=["project", "-created_at", "-id"], name="decision_log_order")
        ]

    def __str__(self) -> str:
        return self.question[:80]

    @property
    def is_open(self) -> bool:
        return self.status == DecisionStatus.OPEN

    @property
    def method_short(self) -> str:
        return str(METHOD_SHORT[Method(self.method)])

    @property
    def at_meeting(self) -> bool:
        return self.meeting_id is not None

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(value, str(Choice(value).label)) for value in CHOICES_FOR_METHOD[self.method]]

    def responses_open(self) -> bool:
        if not self.is_open:
            return False
        return self.closes_at is None or timezone.now() < self.closes_at

    def provisional(self, unanswered_thoughts: int) -> bool:
        return taken_provisionally(self.meeting, self.is_open, unanswered_thoughts)


def taken_provisionally(meeting: Meeting | None, is_open: bool, unanswered_thoughts: int) -> bool:
    """A decision taken at a meeting waits for its window for further thoughts to close and
    every thought sent in it to be answered, as the meeting's other decisions do."""
    if meeting is None or is_open:
        return False
    return meeting.decisions_provisional or unanswered_thoughts > 0


class ResponseWay(models.TextChoices):
    ONLINE = "online", _("Here, online")
    IN_ROOM = "in_room", _("At the meeting")
    IN_WRITING = "in_writing", _("In writing, entered for them")


class Response(models.Model):
    """One member's answer. Each person answers once: every voice counts the same."""

    decision = models.ForeignKey(GroupDecision, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="decision_responses"
    )
    member_type = models.CharField(max_length=20, choices=MemberType.choices)
    choice = models.CharField(_("your answer"), max_length=12, choices=Choice.choices)
    reason = models.TextField(_("your reason"), blank=True, max_length=5000)
    way = models.CharField(max_length=12, choices=ResponseWay.choices, default=ResponseWay.ONLINE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    responded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["responded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["decision", "user"], name="response_once_per_person"),
            models.CheckConstraint(
                condition=models.Q(choice__in=Choice.values), name="response_choice_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(way__in=ResponseWay.values), name="response_way_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="response_member_type_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(choice__in=NEEDS_A_REASON) | ~models.Q(reason=""),
                name="response_block_or_objection_says_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.decision}"


# ---------------------------------------------------------------------------------------------
# Actions agreed between meetings (a meeting's own are meetings.ActionPoint)


class Action(CachedChoiceLabels, models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(
        GroupDecision,
        verbose_name=_("the decision behind it (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
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
    status = models.CharField(
        _("where it has got to"),
        max_length=12,
        choices=ActionStatus.choices,
        default=ActionStatus.NOT_STARTED,
    )
    barrier = models.TextField(_("what is in the way"), blank=True, max_length=2000)
    done_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Changing what the action is, who does it or by when is refused on a stale copy.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ActionStatus.BLOCKED) | ~models.Q(barrier=""),
                name="action_blocked_says_why",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ActionStatus.DONE, done_at__isnull=False)
                | (~models.Q(status=ActionStatus.DONE) & models.Q(done_at__isnull=True)),
                name="action_done_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]


# ---------------------------------------------------------------------------------------------
# You said, we did


class PublicPage(models.Model):
    """A project's "you said, we did" page, and whether it is public."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="public_page")
    is_published = models.BooleanField(
        _("show this page to everyone, without signing in"), default=False
    )
    introduction = models.TextField(
        _("a few words at the top of the page (optional)"), blank=True, max_length=2000
    )
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"You said, we did: {self.project}"


class EntrySource(models.TextChoices):
    FURTHER_THOUGHT = "further_thought", _("A thought sent after a meeting")
    PROPOSAL = "proposal", _("A proposal")
    MEETING = "meeting", _("Something said at a meeting")
    OTHER = "other", _("Something else")


class ChangeStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("Happening now")
    DONE = "done", _("Done")
    NOT_DOING = "not_doing", _("Not going ahead")


class Entry(CachedChoiceLabels, models.Model):
    """One "you said, we did" entry: what people said, what was decided, what changed."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="entries")
    source = models.CharField(
        _("where it came from"),
        max_length=16,
        choices=EntrySource.choices,
        default=EntrySource.MEETING,
    )
    you_said = models.TextField(
        _("you said"),
        max_length=3000,
        help_text=_("What people said, in plain words. No names: people choose to be named."),
    )
    we_did = models.TextField(
        _("we did"), max_length=3000, help_text=_("What was decided and what changed.")
    )
    change_status = models.CharField(
        _("where the change has got to"),
        max_length=12,
        choices=ChangeStatus.choices,
        default=ChangeStatus.PLANNED,
    )
    decision = models.ForeignKey(
        GroupDecision,
        verbose_name=_("the decision behind it (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("the proposal behind it (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="entries",
    )
    thought = models.ForeignKey(
        WrittenInput,
        verbose_name=_("the further thought behind it (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    helpful_yes = models.PositiveIntegerField(default=0)
    helpful_no = models.PositiveIntegerField(default=0)
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "entries"
        # The public page and the group's list read a project's entries newest first.
        indexes = [models.Index(fields=["project", "-created_at", "-id"], name="entry_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(source__in=EntrySource.values), name="entry_source_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(change_status__in=ChangeStatus.values),
                name="entry_change_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.you_said[:80]


class Credit(models.Model):
    """A member whose thought led to an entry. Named on the page only if they agree."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="credits")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="entry_credits"
    )
    name_shown = models.BooleanField(_("show my name with this entry"), default=False)
    told_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "user"], name="credit_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.entry}"


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Subscriber(models.Model):
    """Someone who asked by email to hear of new entries. No account needed.

    Nothing is sent until they confirm from the first email (double opt-in); the link in
    every email unsubscribes them in one step.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="subscribers")
    email = models.EmailField(_("email address"))
    confirm_token = models.CharField(max_length=64, unique=True, default=new_token)
    unsubscribe_token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "project",
                Lower("email"),
                condition=models.Q(unsubscribed_at__isnull=True),
                name="subscriber_once_per_address",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} for {self.project}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
