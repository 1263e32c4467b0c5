"""The privacy notice, each person's agreement to it, and requests to delete personal data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.lib.cache import ForgetsKeptCopy, kept_or_made
from coproduce.lib.choices import CachedChoiceLabels


class PrivacyNotice(ForgetsKeptCopy, models.Model):
    """One version of what we do with people's information. Published versions never change:
    a new version is published instead, and people are asked to agree to it."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    summary = models.TextField(
        _("summary in plain English"),
        max_length=3000,
        help_text=_(
            "What people agree to, in short sentences and everyday words. Everyone reads "
            "this before they agree."
        ),
    )
    body = models.TextField(
        _("full privacy notice"),
        max_length=50000,
        help_text=_("Leave an empty line between paragraphs."),
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="privacy_notice_version_positive"
            ),
        ]

    # The latest version's id, kept in the shared cache for the banner every page checks.
    LATEST_KEY = "privacy-notice:latest"
    KEPT_FOR = 300

    def __str__(self) -> str:
        return f"Privacy notice version {self.version}"

    @classmethod
    def latest_pk(cls, kept: Mapping[str, Any] | None = None) -> int | None:
        """The id of the version people are asked to agree to now, if there is one: from the
        shared cache (or from `kept`, what the caller already fetched from it)."""
        # 0 is kept for "no notice yet", so that too is asked only once.
        found = kept_or_made(
            cls.LATEST_KEY,
            int,
            lambda: cls.objects.order_by("-version").values_list("pk", flat=True).first() or 0,
            cls.KEPT_FOR,
            kept,
        )
        return found or None

    @classmethod
    def kept_key(cls) -> str:
        return cls.LATEST_KEY

    @property
    def summary_paragraphs(self) -> list[str]:
        return _paragraphs(self.summary)

    @property
    def body_paragraphs(self) -> list[str]:
        return _paragraphs(self.body)


def _paragraphs(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"\n\s*\n", text) if part.strip()]


class Consent(models.Model):
    """That a person agreed to one version of the privacy notice, and when."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents"
    )
    notice = models.ForeignKey(PrivacyNotice, on_delete=models.PROTECT, related_name="consents")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "notice"], name="consent_once_per_notice"),
        ]

    def __str__(self) -> str:
        return f"{self.user} agreed to version {self.notice_id}"


class ErasureStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    COMPLETED = "completed", _("Data deleted")
    DECLINED = "declined", _("Declined")


class ErasureRequest(CachedChoiceLabels, models.Model):
    """A person's request that we delete their personal data (UK GDPR article 17)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="erasure_requests"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason (optional)"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=20, choices=ErasureStatus.choices, default=ErasureStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["requested_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status=ErasureStatus.PENDING),
                name="erasure_request_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ErasureStatus.values),
                name="erasure_request_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(status=ErasureStatus.PENDING, decided_at__isnull=True)
                    | (~models.Q(status=ErasureStatus.PENDING) & models.Q(decided_at__isnull=False))
                ),
                name="erasure_request_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"Erasure request {self.pk} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ErasureStatus.PENDING

    def already_decided(self) -> str:
        """What a second administrator is told on deciding a request someone has decided."""
        return _(
            "%(person)s has already decided this request: %(outcome)s. Nothing more was done, "
            "and nobody was emailed again."
        ) % {
            "person": self.decided_by.full_name if self.decided_by else _("Someone"),
            "outcome": self.get_status_display(),
        }
