from __future__ import annotations

import hashlib
from collections.abc import Mapping
from email.utils import formataddr, parseaddr
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.cache import ForgetsKeptCopy, forget_kept, kept_or_made
from coproduce.lib.choices import CachedChoiceLabels
from coproduce.lib.email import Sender


class OrgRole(models.TextChoices):
    """What a person may do across the whole organisation, beyond their projects."""

    NONE = "", _("No organisation role")
    COORDINATOR = "coordinator", _("Co-production coordinator")
    ADMINISTRATOR = "administrator", _("Administrator")
    # Pays people: sees approved claims, payment runs and people's bank or voucher details.
    FINANCE = "finance", _("Finance")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Email addresses are matched without regard to case: people type them both ways.
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("full_name", "Administrator")
        fields["org_role"] = OrgRole.ADMINISTRATOR
        return self.create_user(email, password, **fields)


class User(CachedChoiceLabels, AbstractBaseUser):
    """A person who can sign in. Everyone has one: members, carers, staff."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    org_role = models.CharField(
        _("organisation role"), max_length=20, choices=OrgRole.choices, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_administrator(self) -> bool:
        return self.is_active and self.org_role == OrgRole.ADMINISTRATOR

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and administrators both run projects across the organisation."""
        return self.is_active and self.org_role in {OrgRole.COORDINATOR, OrgRole.ADMINISTRATOR}

    @property
    def is_finance(self) -> bool:
        """Finance pays people; it is the only role besides the person that sees how."""
        return self.is_active and self.org_role == OrgRole.FINANCE

    # Django's admin asks these; administrators are the only people it lets in.
    @property
    def is_staff(self) -> bool:
        return self.is_administrator

    @property
    def is_superuser(self) -> bool:
        return self.is_administrator

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return self.is_administrator

    def has_perms(self, perm_list: Any, obj: object = None) -> bool:
        return self.is_administrator

    def has_module_perms(self, app_label: str) -> bool:
        return self.is_administrator


class AccessibilityCompliance(models.TextChoices):
    """How far the service meets WCAG 2.2 AA, as an accessibility statement must say."""

    FULL = "full", _("fully compliant")
    PARTIAL = "partial", _("partially compliant")
    NOT = "not", _("not compliant")


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def update(self, **kwargs: Any) -> int:
        changed = super().update(**kwargs)
        Organisation.forget()
        return changed


class Organisation(ForgetsKeptCopy, models.Model):
    """The one organisation this installation serves, and the defaults its projects use."""

    SINGLETON_ID = 1
    LOGO_FOLDER = "organisation/"
    # How long a page may show the organisation as kept in the shared cache: every change
    # through the program forgets it at once; this bounds one made around the program.
    KEPT_FOR = 300

    name = models.CharField(_("organisation name"), max_length=150, default="Your organisation")
    logo = models.ImageField(
        _("logo"),
        upload_to=LOGO_FOLDER,
        blank=True,
        help_text=_("A PNG or JPEG image, at most 1 MB. It appears beside the name in the header."),
    )
    logo_alt_text = models.CharField(
        _("logo description"),
        max_length=150,
        blank=True,
        help_text=_("Leave empty if the logo only repeats the organisation's name."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone number"), max_length=40, blank=True)
    accessibility_contact_email = models.EmailField(
        _("accessibility contact email"),
        blank=True,
        help_text=_("Where people report a problem with accessibility or ask for another format."),
    )
    accessibility_contact_phone = models.CharField(
        _("accessibility contact phone number"), max_length=40, blank=True
    )
    # The parts of the accessibility statement only the organisation can know. Papers that
    # groups upload are outside the software's control, so "partially" is the honest default.
    accessibility_compliance = models.CharField(
        _("how far this service meets the accessibility standard"),
        max_length=10,
        choices=AccessibilityCompliance.choices,
        default=AccessibilityCompliance.PARTIAL,
    )
    accessibility_known_issues = models.TextField(
        _("content that is not accessible, and why"),
        max_length=3000,
        blank=True,
        help_text=_(
            "One problem a line: what it is, why, and when you plan to fix it. Shown on the "
            "accessibility statement."
        ),
    )
    accessibility_prepared_on = models.DateField(
        _("date the accessibility statement was prepared"), null=True, blank=True
    )
    accessibility_reviewed_on = models.DateField(
        _("date the accessibility statement was last reviewed"), null=True, blank=True
    )
    papers_notice_days = models.PositiveSmallIntegerField(
        _("days' notice for meeting papers"),
        default=7,
        validators=[MaxValueValidator(60)],
        help_text=_("How many days before a meeting its papers should reach members."),
    )
    cooling_off_hours = models.PositiveSmallIntegerField(
        _("hours to add thoughts after a meeting"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
        help_text=_("How long members can add written thoughts after a meeting closes."),
    )
    invitation_valid_days = models.PositiveSmallIntegerField(
        _("days an invitation link works"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    # Groups often spend everything on gathering experience and have nothing left to act on
    # it: a project's overview warns when its implement phases hold less than this share.
    implementation_share_percent = models.PositiveSmallIntegerField(
        _("smallest share of a project's resources for putting things into practice, in per cent"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "A project's overview warns when its implement phases have less than this share of "
            "its staff time or budget."
        ),
    )
    benefits_advice_url = models.URLField(
        _("where people get benefits advice"),
        blank=True,
        help_text=_(
            "A web page people are pointed to before they choose to be paid, because payment "
            "can affect benefits."
        ),
    )
    # Every project shows these words (or its own version of them) to its members, who are
    # asked to read them as they join.
    coproduction_meaning = models.TextField(
        _("what co-production means here"),
        max_length=5000,
        blank=True,
        help_text=_(
            "In plain words: how people who use services, carers and staff work together as "
            "equals here. Each project can adapt it."
        ),
    )
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("minutes before an unused sign-in ends"),
        default=120,
        validators=[MinValueValidator(5), MaxValueValidator(1440)],
        help_text=_(
            "People are signed out after this long without using the site, unless they chose "
            "to stay signed in on their device. Between 5 and 1440 (a day)."
        ),
    )
    two_factor_required = models.BooleanField(
        _("require two-step sign-in"),
        default=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation settings")
        verbose_name_plural = _("organisation settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="organisation_is_singleton"),
            models.CheckConstraint(
                condition=models.Q(papers_notice_days__lte=60), name="organisation_notice_sane"
            ),
            models.CheckConstraint(
                condition=models.Q(cooling_off_hours__gte=1, cooling_off_hours__lte=336),
                name="organisation_cooling_off_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(implementation_share_percent__lte=100),
                name="organisation_implementation_share_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=models.Q(invitation_valid_days__gte=1, invitation_valid_days__lte=90),
                name="organisation_invitation_days_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(session_idle_minutes__gte=5, session_idle_minutes__lte=1440),
                name="organisation_session_idle_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(accessibility_compliance__in=AccessibilityCompliance.values),
                name="organisation_accessibility_compliance_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(accessibility_reviewed_on__isnull=True)
                | models.Q(accessibility_prepared_on__isnull=True)
                | models.Q(accessibility_reviewed_on__gte=models.F("accessibility_prepared_on")),
                name="organisation_accessibility_reviewed_after_prepared",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def logo_url(self) -> str:
        """Where pages show the logo from: always our own address (the logo view), whatever
        the storage, so an object store's bucket stays private and pages load nothing from
        another origin. Empty when there is no logo."""
        if not self.logo:
            return ""
        name = str(self.logo.name).removeprefix(self.LOGO_FOLDER)
        return reverse("organisation_logo", kwargs={"name": name})

    @property
    def accessibility_known_issue_lines(self) -> list[str]:
        return [
            line.strip() for line in self.accessibility_known_issues.splitlines() if line.strip()
        ]

    @classmethod
    def current(cls) -> Organisation:
        organisation, _created = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return organisation

    @classmethod
    def kept_key(cls) -> str:
        # The columns are part of the key, so a release that adds one never reads an
        # organisation kept by the release before.
        columns = ",".join(field.attname for field in cls._meta.concrete_fields)
        return f"organisation:{hashlib.sha256(columns.encode()).hexdigest()[:12]}"

    @classmethod
    def remembered(cls, kept: Mapping[str, Any] | None = None) -> Organisation:
        """The organisation for every page's header and footer: from the shared cache (or
        from `kept`, what the caller already fetched from it), else from the database."""
        return kept_or_made(cls.kept_key(), cls, cls.current, cls.KEPT_FOR, kept)

    @classmethod
    def forget(cls) -> None:
        forget_kept(cls.kept_key())

    def email_sender(self) -> Sender:
        """Emails carry the organisation's name; replies go to its contact address.

        The sending address stays the configured one: mail servers refuse mail sent from a
        domain that has not authorised this one, and the organisation's may not have.
        """
        address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        return Sender(from_email=formataddr((self.name, address)), reply_to=self.contact_email)


def organisation_email_sender() -> Sender:
    """What the EMAIL_SENDER setting names, for the email helper below the organisation."""
    return Organisation.current().email_sender()


class TwoFactorDevice(models.Model):
    """A person's authenticator app, by the secret its codes come from."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="two_factor_device")
    # Checking a code needs the secret itself, so it cannot be stored hashed.
    secret = models.CharField(max_length=64)
    # The time step of the newest code used: an older or the same code is refused.
    last_step = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"two-step sign-in for {self.user_id}"


class RecoveryCode(models.Model):
    """One of the codes that sign a person in once without their app; only a hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="recovery_code_unique"),
        ]

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class AuditEvent(models.Model):
    """Who did what, and when: kept for accountability, never edited."""

    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=60, db_index=True)
    summary = models.CharField(max_length=300)
    # Named, not imported: the audit log sits below the projects it also records.
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    subject = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @classmethod
    def record(
        cls,
        *,
        actor: User | None,
        action: str,
        summary: str,
        project: models.Model | None = None,
        subject: User | None = None,
        data: dict[str, Any] | None = None,
    ) -> AuditEvent:
        return cls.objects.create(
            actor=actor,
            action=action,
            summary=summary[:300],
            project=project,
            subject=subject,
            data=data or {},
        )
