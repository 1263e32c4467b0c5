"""How a person is told about something, as they asked: the rules every app shares.

People record how we contact them (email, text, phone, post) and how often
(`Profile.channels` and `frequency`). Someone takes email when they accept it and have a
working address; people who have not chosen any way yet take email too, since it is how they
joined. Everyone else is for an organiser to phone or write to. Essential messages go by email
at once to everyone who takes email; the rest are held for the daily or weekly message of
people who asked for one at most.
"""

from collections.abc import Iterable

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.choices import CachedChoiceLabels
from people.models import ContactChannel, ContactFrequency, Profile

# People who asked for one message a day or a week at most.
DIGEST_FREQUENCIES = (ContactFrequency.DAILY, ContactFrequency.WEEKLY)

# Erasure replaces an address with one at this reserved domain, which never receives mail.
UNUSABLE_EMAIL_DOMAIN = "@invalid"


def _has_working_email(user: User) -> bool:
    return bool(user.email) and not user.email.lower().endswith(UNUSABLE_EMAIL_DOMAIN)


def accepts_email(user: User, profile: Profile | None) -> bool:
    channels = list(profile.channels) if profile is not None else []
    return _has_working_email(user) and (not channels or ContactChannel.EMAIL in channels)


def display_name(user: User, profile: Profile | None) -> str:
    return profile.display_name if profile is not None else user.full_name


class ContactWay(models.TextChoices):
    """How one message reaches one person."""

    EMAIL = "email", _("Emailed")
    DIGEST = "digest", _("Held for their daily or weekly message")
    BY_HAND = "by_hand", _("To phone or write to")


class Notice(CachedChoiceLabels, models.Model):
    """That one person is told of one thing, the way they asked (`contact_way`).

    An email goes at once (`sent_at` set). For people who asked for one message a day or a
    week at most it is held for their digest, `sent_at` empty until the digest carries it.
    People who take no email are listed for someone to phone or write to. Each app's notice
    adds what it is about and the person (and keeps its own constraints).
    """

    way = models.CharField(max_length=10, choices=ContactWay.choices)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


def contact_way(user: User, profile: Profile | None, *, essential: bool) -> ContactWay:
    """By email now, held for their daily or weekly message, or by hand (phone or post)."""
    if not accepts_email(user, profile):
        return ContactWay.BY_HAND
    if not essential and profile is not None and profile.frequency in DIGEST_FREQUENCIES:
        return ContactWay.DIGEST
    return ContactWay.EMAIL


def profiles_of(users: Iterable[User]) -> dict[int, Profile]:
    """The profiles of these people, by user id, in one query (people without one are left
    out: the rules above treat them as having chosen nothing yet)."""
    return {
        profile.user_id: profile
        for profile in Profile.objects.filter(user__in=[user.pk for user in users])
    }
