from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class Project(models.Model):
    """A co-production group working together on one piece of work."""

    name = models.CharField(_("name"), max_length=150)
    purpose = models.TextField(
        _("purpose"),
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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

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


class Membership(models.Model):
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
    ground_rules_agreed_at = models.DateTimeField(_("ground rules agreed"), null=True, blank=True)
    payment_preference_at = models.DateTimeField(
        _("payment preference recorded"), null=True, blank=True
    )

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

    # The steps a coordinator ticks; access requirements are recorded by the member.
    ONBOARDING_STEPS = (
        "welcomed_at",
        "inducted_at",
        "ground_rules_agreed_at",
        "payment_preference_at",
    )

    @property
    def leads(self) -> bool:
        return self.is_current and self.role in LEADING_ROLES


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


class Stakeholder(models.Model):
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


class Skill(models.Model):
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


def hash_token(token: str) -> str:
    # Only a hash is stored, so a copy of the database does not hand out working links.
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """An emailed link that lets a person set a password (if new) and join a project."""

    email = models.EmailField(_("email address"))
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invitations")
    member_type = models.CharField(_("member type"), max_length=20, choices=MemberType.choices)
    role = models.CharField(_("role in the project"), max_length=20, choices=ProjectRole.choices)
    message = models.TextField(_("personal message"), blank=True)
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
