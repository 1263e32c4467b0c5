"""Pausing a membership and coming back."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from projects.models import Membership, MembershipPause


class PauseError(Exception):
    """A pause that cannot start or end, with a message for the person."""


def pause_in_effect(membership: Membership) -> MembershipPause | None:
    return MembershipPause.objects.in_effect().filter(membership=membership).first()


@transaction.atomic
def membership_pause(
    *, membership: Membership, actor: User, return_on: datetime.date | None
) -> MembershipPause:
    """Pause a membership: no invitations or reminders until the member comes back."""
    if return_on is not None and return_on <= timezone.localdate():
        raise PauseError(_("The return date must be in the future."))
    # A pause whose return date has passed ended by itself: close it so a new one can start.
    MembershipPause.objects.filter(membership=membership, ended_at__isnull=True).exclude(
        pk__in=MembershipPause.objects.in_effect().values("pk")
    ).update(ended_at=timezone.now())
    try:
        with transaction.atomic():
            pause = MembershipPause.objects.create(membership=membership, return_on=return_on)
    except IntegrityError as error:
        raise PauseError(_("Your membership is already paused.")) from error
    AuditEvent.record(
        actor=actor,
        action="membership.paused",
        summary=_("%(person)s paused their membership") % {"person": membership.user.full_name},
        project=membership.project,
        subject=membership.user,
    )
    return pause


@transaction.atomic
def membership_come_back(*, membership: Membership, actor: User) -> None:
    ended = MembershipPause.objects.filter(membership=membership, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
    if not ended:
        raise PauseError(_("Your membership is not paused."))
    AuditEvent.record(
        actor=actor,
        action="membership.resumed",
        summary=_("%(person)s came back from a pause") % {"person": membership.user.full_name},
        project=membership.project,
        subject=membership.user,
    )
