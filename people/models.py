"""What each person needs to take part, recorded once and used everywhere.

Access requirements follow the NHS Accessible Information Standard's steps: ask, record,
flag, share (only with a reason, and only with the people who must act), act.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.choices import CachedChoiceLabels


class MemberType(models.TextChoices):
    """What a person brings to the group. Equal partners, different experience."""

    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
    CARER = "carer", _("Carer")
    PROFESSIONAL = "professional", _("Professional")
    COMMISSIONER = "commissioner", _("Commissioner")
    FACILITATOR = "facilitator", _("Facilitator")


class NeedCategory(models.TextChoices):
    COMMUNICATION = "communication", _("Communication support")
    VENUE = "venue", _("The place we meet")
    SUPPORT = "support", _("Support and breaks")
    FORMAT = "format", _("Document formats")
    FOOD = "food", _("Food and drink")


class DetailKind(models.TextChoices):
    NONE = "", _("No detail needed")
    NUMBER = "number", _("A number")
    TEXT = "text", _("A few words")


class AccessNeedType(CachedChoiceLabels, models.Model):
    """One entry in the catalogue of access requirements. Administrators can add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=NeedCategory.choices)
    hint = models.CharField(_("explanation"), max_length=250, blank=True)
    detail_kind = models.CharField(
        _("detail to ask for"), max_length=10, choices=DetailKind.choices, blank=True
    )
    detail_label = models.CharField(
        _("question for the detail"),
        max_length=100,
        blank=True,
        help_text=_("For example “How often do you need a break, in minutes?”"),
    )
    is_active = models.BooleanField(_("offered to people"), default=True)
    position = models.PositiveSmallIntegerField(default=100)

    class Meta:
        ordering = ["category", "position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=NeedCategory.values),
                name="access_need_type_category_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(detail_kind="") | ~models.Q(detail_label=""),
                name="access_need_type_detail_has_a_question",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    TEXT = "text", _("Text message")
    PHONE = "phone", _("Phone call")
    POST = "post", _("Post")


class ContactFrequency(models.TextChoices):
    EACH = "each", _("As each thing happens")
    DAILY = "daily", _("One message a day at most")
    WEEKLY = "weekly", _("One message a week at most")


# Daily and weekly messages go at the time each person chooses, within waking hours; weekly
# ones on Mondays (meetings.digest sends them).
MESSAGE_TIME_EARLIEST = datetime.time(7)
MESSAGE_TIME_LATEST = datetime.time(21)
DEFAULT_MESSAGE_TIME = datetime.time(9)
WEEKLY_MESSAGE_WEEKDAY = 0  # Monday


class Profile(CachedChoiceLabels, models.Model):
    """Everything about a person beyond their sign-in details."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    preferred_name = models.CharField(
        _("what you like to be called"),
        max_length=80,
        blank=True,
        help_text=_("We use this in emails and in meetings."),
    )
    pronouns = models.CharField(
        _("pronouns (optional)"), max_length=40, blank=True, help_text=_("For example, she/her")
    )
    bio = models.TextField(
        _("a few words about you (optional)"),
        max_length=1000,
        blank=True,
        help_text=_("Other members of your groups can see this."),
    )
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    postal_address = models.TextField(
        _("postal address"),
        max_length=500,
        blank=True,
        help_text=_("Only if you want papers or letters by post."),
    )
    # Communication preferences.
    channels = models.JSONField(_("how we contact you"), default=list, blank=True)
    frequency = models.CharField(
        _("how often"),
        max_length=10,
        choices=ContactFrequency.choices,
        default=ContactFrequency.EACH,
    )
    best_times = models.CharField(
        _("best times to contact you"),
        max_length=200,
        blank=True,
        help_text=_("For example, weekday mornings, not after 6pm"),
    )
    message_time = models.TimeField(
        _("best time for your daily or weekly message"),
        default=DEFAULT_MESSAGE_TIME,
    )
    language = models.CharField(
        _("language you prefer"), max_length=60, blank=True, default="English"
    )
    # Ways of taking part.
    attends_in_person = models.BooleanField(_("in person"), default=True)
    attends_by_video = models.BooleanField(_("by video call"), default=True)
    attends_by_phone = models.BooleanField(_("by phone"), default=False)
    written_only = models.BooleanField(_("in writing only, by email or post"), default=False)
    # Access requirements beyond the catalogue.
    access_notes = models.TextField(
        _("anything else we should know"),
        blank=True,
        max_length=2000,
        help_text=_("Anything that would help you take part that is not in the list."),
    )
    share_access_with_group = models.BooleanField(
        _("let the other members of my groups see my access requirements"),
        default=False,
        help_text=_(
            "Coordinators and facilitators of your groups can always see them, to arrange "
            "what you need."
        ),
    )
    access_recorded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frequency__in=ContactFrequency.values),
                name="profile_frequency_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    message_time__gte=MESSAGE_TIME_EARLIEST, message_time__lte=MESSAGE_TIME_LATEST
                ),
                name="profile_message_time_in_waking_hours",
            ),
        ]

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.user.full_name


class PersonMemberType(CachedChoiceLabels, models.Model):
    """What a person brings, in their own words: lived experience, carer, professional..."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member_types"
    )
    member_type = models.CharField(max_length=20, choices=MemberType.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "member_type"], name="person_member_type_once"),
            models.CheckConstraint(
                condition=models.Q(member_type__in=MemberType.values),
                name="person_member_type_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {MemberType(self.member_type).label}"


class AccessNeed(models.Model):
    """One of a person's access requirements, with its detail (minutes, point size, language)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_needs"
    )
    need_type = models.ForeignKey(AccessNeedType, on_delete=models.PROTECT, related_name="+")
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["need_type__category", "need_type__position", "need_type__name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "need_type"], name="access_need_once"),
        ]

    def __str__(self) -> str:
        return f"{self.need_type}: {self.detail}" if self.detail else str(self.need_type)
