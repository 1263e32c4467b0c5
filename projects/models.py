from __future__ import annotations

import datetime
import hashlib
import secrets
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.choices import CachedChoiceLabels
from people.contact import ContactWay, Notice
from people.models import MemberType

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ProjectRole(models.TextChoices):
    CHAIR = "chair", _("Chair")
    CO_CHAIR = "co_chair", _("Co-chair")
    MINUTE_TAKER = "minute_taker", _("Minute-taker")
    COORDINATOR = "coordinator", _("Coordinator")
    MEMBER = "member", _("Member")
    VISITING_EXPERT = "visiting_expert", _("Visiting expert")
    OBSERVER = "observer", _("Observer")


# Roles whose holders run the group: they invite, change roles and edit the project.
LEADING_ROLES = frozenset({ProjectRole.CHAIR, ProjectRole.CO_CHAIR, ProjectRole.COORDINATOR})


class ProjectStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


def membership_of(user: models.Model, through: str = "") -> models.FilteredRelation:
    """`user`'s current membership of the project (reached `through` a relation, if given),
    for `select_related`: every page of a project asks for both in the same query. At most
    one, by constraint; the attribute is unset when there is none."""
    path = f"{through}__memberships" if through else "memberships"
    # As MembershipQuerySet.current().
    return models.FilteredRelation(
        path, condition=models.Q(**{f"{path}__user": user, f"{path}__left_at__isnull": True})
    )


class ProjectQuerySet(models.QuerySet["Project"]):
    def with_membership_of(self, user: models.Model) -> ProjectQuerySet:
        """Each project with `user`'s current membership as `membership_of_viewer`."""
        return self.annotate(  # type: ignore[misc]  # the stubs do not know FilteredRelation
            membership_of_viewer=membership_of(user)
        ).select_related("membership_of_viewer")


class Project(CachedChoiceLabels, models.Model):
    """A co-production group working together on one piece of work."""

    name = models.CharField(_("name"), max_length=150)
    purpose = models.TextField(
        _("purpose"),
        max_length=2000,
        help_text=_("In plain words: what the group is for and what it wants to change."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    # The make-up the group aims for: big enough to be diverse, small enough for everyone to
    # be heard, and with people who use services or care for someone at least as many.
    target_min_members = models.PositiveSmallIntegerField(
        _("smallest size the group aims for"), default=10
    )
    target_max_members = models.PositiveSmallIntegerField(
        _("largest size the group aims for"), default=15
    )
    target_lived_experience_percent = models.PositiveSmallIntegerField(
        _("share of members with lived experience or caring experience, in per cent"),
        default=50,
        validators=[MaxValueValidator(100)],
        help_text=_("The group aims for at least this share."),
    )
    # Meetings: how long members have after a meeting to add thoughts in writing, and how
    # often the short after-meeting check becomes a fuller review.
    cooling_off_hours = models.PositiveSmallIntegerField(
        _("cooling-off window after each meeting, in hours"),
        default=48,
        help_text=_("Members can add thoughts in writing for this long after a meeting closes."),
    )
    full_review_every = models.PositiveSmallIntegerField(
        _("fuller review every how many meetings"),
        default=4,
        help_text=_("Every this many meetings, the after-meeting check asks for a fuller review."),
    )
    # Payments: the preparation time the group agreed to pay for each meeting someone attends.
    preparation_minutes = models.PositiveSmallIntegerField(
        _("preparation time paid for each meeting, in minutes"),
        default=60,
        validators=[MaxValueValidator(480)],
        help_text=_("Reading the papers and getting ready. Use 0 if the group agreed none."),
    )
    # What co-production means here: the organisation's words, unless the group adapted them.
    coproduction_meaning = models.TextField(
        _("what co-production means in this group"),
        max_length=5000,
        blank=True,
        help_text=_(
            "Leave it empty to use the organisation's words. Members are asked to read it "
            "when they join."
        ),
    )
    # Members rank the project's themes until a leader closes the ranking.
    themes_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_min_members__lte=models.F("target_max_members")),
                name="project_target_size_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(target_lived_experience_percent__lte=100),
                name="project_target_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(cooling_off_hours__gte=1, cooling_off_hours__lte=336),
                name="project_cooling_off_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(full_review_every__gte=1), name="project_review_every_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(preparation_minutes__lte=480),
                name="project_preparation_time_sane",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def composition(self, counts_by_type: dict[str, int]) -> dict[str, object]:
        """How the group's make-up compares with its targets, from counts per member type."""
        total = sum(counts_by_type.values())
        lived = counts_by_type.get(MemberType.LIVED_EXPERIENCE, 0) + counts_by_type.get(
            MemberType.CARER, 0
        )
        percent = round(100 * lived / total) if total else 0
        return {
            "total": total,
            "size_ok": self.target_min_members <= total <= self.target_max_members,
            "lived": lived,
            "lived_percent": percent,
            "lived_ok": total > 0 and percent >= self.target_lived_experience_percent,
        }


class MembershipQuerySet(models.QuerySet["Membership"]):
    def current(self) -> MembershipQuerySet:
        return self.filter(left_at__isnull=True)

    def active(self) -> MembershipQuerySet:
        """Current members who have not paused: the people to invite and remind."""
        return self.current().exclude(
            pk__in=MembershipPause.objects.in_effect().values("membership_id")
        )

    def paused(self) -> MembershipQuerySet:
        return self.current().filter(
            pk__in=MembershipPause.objects.in_effect().values("membership_id")
        )


class Membership(CachedChoiceLabels, models.Model):
    """A person's place in a project. Kept after they leave so records can name them."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    member_type = models.CharField(_("member type"), max_length=20, choices=MemberType.choices)
    role = models.CharField(
        _("role"), max_length=20, choices=ProjectRole.choices, default=ProjectRole.MEMBER
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    # The onboarding checklist: when each step was done (empty: not yet).
    welcomed_at = models.DateTimeField(_("welcome sent"), null=True, blank=True)
    inducted_at = models.DateTimeField(_("induction done"), null=True, blank=True)
    payment_preference_at = models.DateTimeField(
        _("payment preference recorded"), null=True, blank=True
    )
    # Set by the member themselves, like agreeing to the ground rules.
    meaning_read_at = models.DateTimeField(
        _("read what co-production means here"), null=True, blank=True
    )
    # Goes up on every change, so a save on a stale copy is refused (coproduce.lib.concurrency).
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"],
                condition=models.Q(left_at__isnull=True),
                name="membership_one_current_per_person_and_project",
            ),
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="membership_member_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=ProjectRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.project}"

    @property
    def is_current(self) -> bool:
        return self.left_at is None

    # The steps a coordinator ticks. Members record their own access requirements and agree
    # to the ground rules themselves (`GroundRulesAnswer`).
    ONBOARDING_STEPS = (
        "welcomed_at",
        "inducted_at",
        "payment_preference_at",
    )

    @property
    def leads(self) -> bool:
        return self.is_current and self.role in LEADING_ROLES


class MembershipPauseQuerySet(models.QuerySet["MembershipPause"]):
    def in_effect(self, today: datetime.date | None = None) -> MembershipPauseQuerySet:
        """Pauses not ended, whose return date (if any) has not come yet."""
        today = today or timezone.localdate()
        return self.filter(ended_at__isnull=True).filter(
            models.Q(return_on__isnull=True) | models.Q(return_on__gt=today)
        )


class MembershipPause(models.Model):
    """A member stepping back for a while, such as around a health crisis.

    While it is in effect they get no meeting invitations or reminders. It ends when they
    come back, or by itself on the return date they gave; either way, nobody need invite
    them again. No reason is kept: it is nobody's business but theirs.
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="pauses")
    started_at = models.DateTimeField(default=timezone.now)
    return_on = models.DateField(_("return date (optional)"), null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    objects = MembershipPauseQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership"],
                condition=models.Q(ended_at__isnull=True),
                name="membership_pause_one_open",
            ),
        ]

    def __str__(self) -> str:
        return f"Pause of membership {self.membership_id}"

    @property
    def back_on(self) -> datetime.date | None:
        """The day the member came back or will come back, if known."""
        if self.ended_at is not None:
            return timezone.localtime(self.ended_at).date()
        return self.return_on


class Level(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Involvement(models.TextChoices):
    """How far a stakeholder takes part, from hearing about the work to sharing it."""

    INFORM = "inform", _("We keep them informed")
    CONSULT = "consult", _("We ask their views")
    INVOLVE = "involve", _("They take part in the work")
    PARTNER = "partner", _("They are a partner")


class Stakeholder(CachedChoiceLabels, models.Model):
    """A person or organisation with an interest in what the project changes."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(_("name"), max_length=150)
    is_organisation = models.BooleanField(_("this is an organisation"), default=True)
    interest = models.TextField(
        _("their interest"),
        max_length=1000,
        help_text=_("What they care about in this work, or how it affects them."),
    )
    influence = models.CharField(
        _("how much influence they have over the work"),
        max_length=10,
        choices=Level.choices,
        default=Level.MEDIUM,
    )
    involvement = models.CharField(
        _("how involved they are now"),
        max_length=10,
        choices=Involvement.choices,
        default=Involvement.INFORM,
    )
    contact = models.CharField(
        _("contact (optional)"),
        max_length=200,
        blank=True,
        help_text=_("A name, email address or phone number."),
    )
    should_become_partner = models.BooleanField(_("they should become a partner"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("name"), name="stakeholder_name_once_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(influence__in=Level.values), name="stakeholder_influence_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(involvement__in=Involvement.values),
                name="stakeholder_involvement_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class GapPlan(models.TextChoices):
    NONE = "", _("No plan yet")
    VISITING_EXPERT = "visiting_expert", _("Invite a visiting expert")
    TRAINING = "training", _("Training needed")


class Skill(CachedChoiceLabels, models.Model):
    """Something the group needs to know or be able to do for its work."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="skills")
    name = models.CharField(_("skill or knowledge"), max_length=120)
    description = models.CharField(
        _("what it is for (optional)"),
        max_length=300,
        blank=True,
        help_text=_("For example, “to check the site works with screen readers”."),
    )
    gap_plan = models.CharField(
        _("if nobody in the group brings it"),
        max_length=20,
        choices=GapPlan.choices,
        blank=True,
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint("project", Lower("name"), name="skill_name_once_per_project"),
            models.CheckConstraint(
                condition=models.Q(gap_plan__in=GapPlan.values), name="skill_gap_plan_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SkillOffer(models.Model):
    """A member saying they bring a skill the group needs."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="offers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_offers"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["skill", "user"], name="skill_offer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} brings {self.skill}"


PREFER_NOT_TO_SAY = "prefer_not_to_say"


class AgeBand(models.TextChoices):
    AGE_16_24 = "16_24", _("16 to 24")
    AGE_25_34 = "25_34", _("25 to 34")
    AGE_35_44 = "35_44", _("35 to 44")
    AGE_45_54 = "45_54", _("45 to 54")
    AGE_55_64 = "55_64", _("55 to 64")
    AGE_65_74 = "65_74", _("65 to 74")
    AGE_75_PLUS = "75_plus", _("75 or over")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class Ethnicity(models.TextChoices):
    ASIAN = "asian", _("Asian or Asian British")
    BLACK = "black", _("Black, African, Caribbean or Black British")
    MIXED = "mixed", _("Mixed or multiple ethnic groups")
    WHITE = "white", _("White")
    OTHER = "other", _("Another ethnic group")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    OTHER = "other", _("In another way")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class SexualOrientation(models.TextChoices):
    BISEXUAL = "bisexual", _("Bisexual")
    GAY_OR_LESBIAN = "gay_or_lesbian", _("Gay or lesbian")
    HETEROSEXUAL = "heterosexual", _("Heterosexual or straight")
    OTHER = "other", _("In another way")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


class Religion(models.TextChoices):
    NONE = "none", _("No religion")
    CHRISTIAN = "christian", _("Christian")
    MUSLIM = "muslim", _("Muslim")
    HINDU = "hindu", _("Hindu")
    SIKH = "sikh", _("Sikh")
    JEWISH = "jewish", _("Jewish")
    BUDDHIST = "buddhist", _("Buddhist")
    OTHER = "other", _("Another religion or belief")
    PREFER_NOT_TO_SAY = PREFER_NOT_TO_SAY, _("Prefer not to say")


# Each question: the field, its wording and its answers, in the order people see them.
EQUALITY_QUESTIONS: tuple[tuple[str, StrOrPromise, type[models.TextChoices]], ...] = (
    ("age_band", _("How old are you?"), AgeBand),
    (
        "disability",
        _(
            "Do you consider yourself to be disabled, or have a long-term health condition "
            "that affects your day-to-day life?"
        ),
        YesNo,
    ),
    ("ethnicity", _("What is your ethnic group?"), Ethnicity),
    ("gender", _("How do you describe your gender?"), Gender),
    ("sexual_orientation", _("What is your sexual orientation?"), SexualOrientation),
    ("religion", _("What is your religion or belief?"), Religion),
    (
        "caring",
        _("Do you look after, or give help or support to, someone because of their health or age?"),
        YesNo,
    ),
)


def _answer_field(
    label: StrOrPromise, choices: type[models.TextChoices]
) -> models.CharField[str, str]:
    return models.CharField(label, max_length=20, choices=choices.choices, blank=True)


class EqualityResponse(models.Model):
    """One person's anonymous answers to the equality questions for a project.

    Deliberately no link to who gave them: see `EqualityReceipt`. The key is random and the
    date has no time, so neither the order nor the moment of answering matches a receipt.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="equality_responses"
    )
    submitted_at = models.DateField(default=timezone.localdate)
    age_band = _answer_field(EQUALITY_QUESTIONS[0][1], AgeBand)
    disability = _answer_field(EQUALITY_QUESTIONS[1][1], YesNo)
    ethnicity = _answer_field(EQUALITY_QUESTIONS[2][1], Ethnicity)
    gender = _answer_field(EQUALITY_QUESTIONS[3][1], Gender)
    sexual_orientation = _answer_field(EQUALITY_QUESTIONS[4][1], SexualOrientation)
    religion = _answer_field(EQUALITY_QUESTIONS[5][1], Religion)
    caring = _answer_field(EQUALITY_QUESTIONS[6][1], YesNo)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__in": [*choices.values, ""]}),
                name=f"equality_{name}_valid",
            )
            for name, _label, choices in EQUALITY_QUESTIONS
        ]

    def __str__(self) -> str:
        return f"Equality response for project {self.project_id}"


class EqualityReceipt(models.Model):
    """That someone answered the equality questions for a project, never what they said."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="equality_receipts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="equality_receipts"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="equality_receipt_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} answered for project {self.project_id}"


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, withdrawn_at__isnull=True)

    def waiting(self) -> InvitationQuerySet:
        """Pending and still usable: an expired link waits for nobody."""
        return self.pending().filter(expires_at__gt=timezone.now())


def hash_token(token: str) -> str:
    # Only a hash is stored, so a copy of the database does not hand out working links.
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(CachedChoiceLabels, models.Model):
    """An emailed link that lets a person set a password (if new) and join a project."""

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    member_type = models.CharField(_("member type"), max_length=20, choices=MemberType.choices)
    role = models.CharField(_("role in the project"), max_length=20, choices=ProjectRole.choices)
    message = models.TextField(_("personal message"), blank=True, max_length=2000)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                "project",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_pending_per_email_and_project",
            ),
            models.CheckConstraint(
                condition=~models.Q(accepted_at__isnull=False, withdrawn_at__isnull=False),
                name="invitation_not_both_accepted_and_withdrawn",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.project_id}"

    def issue_token(self, valid_days: int) -> str:
        """Set a fresh token and expiry; returns the token, which only the email carries."""
        token = secrets.token_urlsafe(32)
        self.token_hash = hash_token(token)
        self.expires_at = timezone.now() + timedelta(days=valid_days)
        return token

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.is_pending and not self.is_expired

    @property
    def status_label(self) -> str:
        if self.accepted_at:
            return str(_("Accepted"))
        if self.withdrawn_at:
            return str(_("Withdrawn"))
        if self.is_expired:
            return str(_("Expired"))
        return str(_("Waiting for reply"))


# ---------------------------------------------------------------------------------------------
# Ground rules, co-produced


def rule_lines(text: str) -> list[str]:
    """The rules in a text of one rule per line, without empty lines or list markers."""
    rules = []
    for line in text.splitlines():
        rule = line.strip().lstrip("-*•").strip()
        if rule:
            rules.append(rule)
    return rules


class GroundRulesDraft(models.Model):
    """The group's shared working copy of its ground rules: any member may change it."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="ground_rules_draft"
    )
    text = models.TextField(
        _("the ground rules, one rule on each line"),
        max_length=5000,
        help_text=_("Add a rule on a new line, or change the words of one already there."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"Ground rules draft for project {self.project_id}"

    @property
    def rules(self) -> list[str]:
        return rule_lines(self.text)


class Discussed(models.TextChoices):
    AT_MEETING = "at_meeting", _("At a meeting")
    BETWEEN_MEETINGS = "between_meetings", _("Between meetings")


class GroundRulesVersion(models.Model):
    """A version of the ground rules that the group's leaders adopted. Never changed after."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="ground_rules_versions"
    )
    number = models.PositiveIntegerField()
    text = models.TextField(max_length=5000)
    change_note = models.TextField(_("what changed, and why"), max_length=2000)
    discussed = models.CharField(
        _("where the group discussed it"), max_length=20, choices=Discussed.choices
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    adopted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="ground_rules_version_number_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(text=""), name="ground_rules_version_not_empty"
            ),
            models.CheckConstraint(
                condition=models.Q(discussed__in=Discussed.values),
                name="ground_rules_version_discussed_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Ground rules version {self.number} of project {self.project_id}"

    @property
    def rules(self) -> list[str]:
        return rule_lines(self.text)


class GroundRulesAnswer(models.Model):
    """A member agreeing to a version of the ground rules, or saying what they cannot agree to."""

    version = models.ForeignKey(
        GroundRulesVersion, on_delete=models.CASCADE, related_name="answers"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ground_rules_answers"
    )
    agrees = models.BooleanField(_("I agree to these ground rules"))
    cannot_agree_with = models.TextField(
        _("what you cannot agree to, and why"), max_length=2000, blank=True
    )
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="ground_rules_answer_once"),
            models.CheckConstraint(
                condition=models.Q(agrees=True) | ~models.Q(cannot_agree_with=""),
                name="ground_rules_answer_says_what_not",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on ground rules {self.version_id}"


class GroundRulesNotice(Notice):
    """That one member was told a new version of the ground rules needs their answer.

    One per person per version. An email goes at once (`sent_at` set); for people who asked
    for one message a day or a week at most it is held, `sent_at` empty, for their digest to
    carry and stamp; people who take no email are listed for the leaders to phone or write to.
    """

    version = models.ForeignKey(
        GroundRulesVersion, on_delete=models.CASCADE, related_name="notices"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ground_rules_notices"
    )

    class Meta:
        ordering = ["version", "user__full_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="ground_rules_notice_once"),
            models.CheckConstraint(
                condition=models.Q(way__in=ContactWay.values), name="ground_rules_notice_way_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Ground rules {self.version_id} to {self.user_id}"


# ---------------------------------------------------------------------------------------------
# Outcomes, tasks and the work plan


class WorkStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class Outcome(models.Model):
    """A change the group wants to see, in plain words, such as "more disabled people in work"."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcomes")
    title = models.CharField(
        _("the change the group wants"),
        max_length=200,
        help_text=_("In plain words, for example “More disabled people in paid work”."),
    )
    description = models.TextField(_("more about it (optional)"), max_length=2000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who looks after it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes_owned",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=WorkStatus.choices, default=WorkStatus.NOT_STARTED
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                "project", Lower("title"), name="outcome_title_once_per_project"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=WorkStatus.values), name="outcome_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class OutcomeTask(models.Model):
    """A task or output that will help bring an outcome about."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task or output"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who does it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcome_tasks_owned",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=WorkStatus.choices, default=WorkStatus.NOT_STARTED
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=WorkStatus.values), name="outcome_task_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    MET = "met", _("Met")


class Milestone(models.Model):
    """A point in the work plan, with dates, someone who looks after it, and a status."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    outcome = models.ForeignKey(
        Outcome,
        verbose_name=_("the outcome it works towards (optional)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones",
    )
    starts_on = models.DateField(_("start date (optional)"), null=True, blank=True)
    due_on = models.DateField(_("due date"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who looks after it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="milestones_owned",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MilestoneStatus.choices, default=MilestoneStatus.PLANNED
    )
    met_on = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(starts_on__lte=models.F("due_on")),
                name="milestone_starts_before_due",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=MilestoneStatus.values),
                name="milestone_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.status != MilestoneStatus.MET and self.due_on < timezone.localdate()


# ---------------------------------------------------------------------------------------------
# Phases and resources


class PhaseKind(models.TextChoices):
    EXPLORE = "explore", _("Explore")
    PREPARE = "prepare", _("Prepare")
    CO_DESIGN = "co_design", _("Co-design")
    IMPLEMENT = "implement", _("Implement")
    EVALUATE = "evaluate", _("Evaluate")
    OTHER = "other", _("Other")


# The phases every new project starts with, in order; each project can change them.
DEFAULT_PHASES = (
    PhaseKind.EXPLORE,
    PhaseKind.PREPARE,
    PhaseKind.CO_DESIGN,
    PhaseKind.IMPLEMENT,
    PhaseKind.EVALUATE,
)


class Phase(models.Model):
    """A stage of the work, with its planned dates, staff time and budget (exact decimals)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="phases")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("what kind of phase it is"),
        max_length=20,
        choices=PhaseKind.choices,
        default=PhaseKind.OTHER,
        help_text=_("The warning about resources left to act counts the implement phases."),
    )
    position = models.PositiveSmallIntegerField(default=0)
    starts_on = models.DateField(_("planned start (optional)"), null=True, blank=True)
    ends_on = models.DateField(_("planned end (optional)"), null=True, blank=True)
    staff_days = models.DecimalField(
        _("staff time, in days"), max_digits=8, decimal_places=1, default=Decimal(0)
    )
    budget = models.DecimalField(
        _("budget, in pounds"), max_digits=12, decimal_places=2, default=Decimal(0)
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint("project", Lower("name"), name="phase_name_once_per_project"),
            models.CheckConstraint(
                condition=models.Q(kind__in=PhaseKind.values), name="phase_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(starts_on__lte=models.F("ends_on")),
                name="phase_starts_before_it_ends",
            ),
            models.CheckConstraint(
                condition=models.Q(staff_days__gte=0, budget__gte=0),
                name="phase_resources_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name


def default_phases(project: Project) -> list[Phase]:
    return [
        Phase(project=project, name=str(kind.label), kind=kind, position=index)
        for index, kind in enumerate(DEFAULT_PHASES, start=1)
    ]


# ---------------------------------------------------------------------------------------------
# Themes, ranked as equals


class Theme(models.Model):
    """A part of a large task, for the group to rank by how much it matters."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("theme"), max_length=120)
    description = models.CharField(
        _("more about it (optional)"),
        max_length=300,
        blank=True,
        help_text=_("A sentence that says what the theme covers."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint("project", Lower("name"), name="theme_name_once_per_project"),
        ]

    def __str__(self) -> str:
        return self.name


class ThemeRank(models.Model):
    """Where one member put one theme in their ranking: 1 matters most to them.

    The member type is kept as it was when they ranked, as decisions keep it with an answer,
    so the side-by-side view does not change when someone's membership does.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="theme_ranks")
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="ranks")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="theme_ranks"
    )
    member_type = models.CharField(max_length=20, choices=MemberType.choices)
    position = models.PositiveSmallIntegerField()
    ranked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "user"], name="theme_rank_once_per_person"),
            models.UniqueConstraint(
                fields=["project", "user", "position"], name="theme_rank_position_once_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1), name="theme_rank_position_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="theme_rank_member_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ranks {self.theme} {self.position}"


# ---------------------------------------------------------------------------------------------
# Expectations and frustrations


class Expectation(models.Model):
    """What a member expects from the group, said when they join; they can change it later."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="expectations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expectations"
    )
    text = models.TextField(
        _("what you expect from the group"),
        max_length=2000,
        help_text=_(
            "For example, what you hope will change, what you want to learn or bring, or how "
            "you hope the group will work together."
        ),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="expectation_once_per_member"),
            models.CheckConstraint(condition=~models.Q(text=""), name="expectation_not_empty"),
        ]

    def __str__(self) -> str:
        return f"Expectation of {self.user_id} in project {self.project_id}"


class FrustrationState(models.TextChoices):
    OPEN = "open", _("Waiting for a response")
    ANSWERED = "answered", _("Answered")


class FrustrationQuerySet(models.QuerySet["Frustration"]):
    def in_state(self, state: str) -> FrustrationQuerySet:
        """Frustrations waiting for a response, or answered; any other value keeps them all."""
        if state == FrustrationState.OPEN:
            return self.filter(responded_at__isnull=True)
        if state == FrustrationState.ANSWERED:
            return self.filter(responded_at__isnull=False)
        return self


class Frustration(models.Model):
    """Something frustrating a member, noted as it comes up, and the leaders' response.

    Whoever notes it can hide their name from the group; the row and the audit log still
    know who it was, so they see their own and an administrator can follow it up.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="frustrations")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="frustrations",
    )
    text = models.TextField(_("what is frustrating you"), max_length=2000)
    anonymous = models.BooleanField(_("do not show my name to the group"), default=False)
    raised_at = models.DateTimeField(default=timezone.now)
    response = models.TextField(_("the group's response"), max_length=2000, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = FrustrationQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="frustration_not_empty"),
            models.CheckConstraint(
                condition=models.Q(responded_at__isnull=True) | ~models.Q(response=""),
                name="frustration_answered_has_a_response",
            ),
        ]

    def __str__(self) -> str:
        return f"Frustration {self.pk} in project {self.project_id}"

    @property
    def state(self) -> FrustrationState:
        return FrustrationState.OPEN if self.responded_at is None else FrustrationState.ANSWERED
