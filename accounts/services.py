"""Organisation settings and account safety: each change atomic, emailed where people need
to know, and recorded in the audit log."""

import datetime

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from accounts import throttling, two_factor
from accounts.models import AuditEvent, Organisation, RecoveryCode, TwoFactorDevice, User
from coproduce.lib.concurrency import save_if_unchanged
from coproduce.lib.email import email_send


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed settings; raises StaleEdit if another administrator saved first."""
    if not changed:
        return
    if "logo" in changed:
        # A file field's value must be written to storage before the row points at it.
        organisation.logo.field.pre_save(organisation, add=False)
    save_if_unchanged(organisation, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="organisation.updated",
        summary=_("Changed the organisation settings: %(fields)s") % {"fields": ", ".join(changed)},
        data={"changed": changed},
    )


def password_reset_url(*, user: User, base_url: str) -> str:
    """A link that lets `user` choose a new password, as the reset email has."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def account_lock(*, email: str, until: datetime.datetime, base_url: str) -> None:
    """Sign-in to the account with this address is paused: tell its owner and record it.

    Nothing is sent when no account has the address, and the page says the same either
    way, so the lock reveals nothing about who has an account.
    """
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        return
    AuditEvent.record(
        actor=None,
        action="sign_in.locked",
        summary=_("Signing in to %(name)s's account was paused after too many wrong attempts")
        % {"name": user.full_name},
        subject=user,
        data={"until": until.isoformat()},
    )
    email_send(
        to=[user.email],
        template="account_locked",
        context={
            "user": user,
            "organisation": Organisation.current(),
            "until": throttling.time_of_day(until),
            "reset_url": password_reset_url(user=user, base_url=base_url),
        },
    )


def address_lock(*, address: str, until: datetime.datetime) -> None:
    AuditEvent.record(
        actor=None,
        action="sign_in.address_locked",
        summary=_("Signing in from one address was paused after too many wrong attempts"),
        data={"address": address, "until": until.isoformat()},
    )


def account_unlock(*, user: User) -> None:
    """A new password lifts the pause on signing in, so the owner can sign in at once."""
    if throttling.clear(throttling.SIGN_IN_PER_ACCOUNT, user.email):
        AuditEvent.record(
            actor=user,
            action="sign_in.unlocked",
            summary=_("Signing in to %(name)s's account was opened again by a new password")
            % {"name": user.full_name},
            subject=user,
        )


def _recovery_codes_create(user: User) -> list[str]:
    codes = two_factor.new_recovery_codes()
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=two_factor.recovery_code_hash(code)) for code in codes
    )
    return codes


@transaction.atomic
def two_factor_turn_on(*, user: User, secret: str, step: int) -> list[str]:
    """Keep the app's secret, with the step of the code just typed; returns recovery codes."""
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    TwoFactorDevice.objects.create(user=user, secret=secret, last_step=step)
    AuditEvent.record(
        actor=user,
        action="two_factor.turned_on",
        summary=_("%(name)s turned on two-step sign-in") % {"name": user.full_name},
        subject=user,
    )
    return _recovery_codes_create(user)


@transaction.atomic
def recovery_codes_replace(*, user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    AuditEvent.record(
        actor=user,
        action="two_factor.recovery_codes_replaced",
        summary=_("%(name)s made new recovery codes") % {"name": user.full_name},
        subject=user,
    )
    return _recovery_codes_create(user)


@transaction.atomic
def two_factor_turn_off(*, user: User, actor: User) -> None:
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    AuditEvent.record(
        actor=actor,
        action="two_factor.turned_off",
        summary=_("Two-step sign-in was turned off for %(name)s") % {"name": user.full_name},
        subject=user,
    )


def two_factor_check(*, user: User, code: str) -> bool:
    """Whether the code is the app's, now, and not used before (it then cannot be again)."""
    device = TwoFactorDevice.objects.filter(user=user).first()
    if device is None:
        return False
    step = two_factor.matching_step(device.secret, code, after=device.last_step)
    # Conditional, so two requests racing with one code cannot both sign in.
    return (
        step is not None
        and TwoFactorDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
        == 1
    )


def recovery_code_use(*, user: User, code: str) -> bool:
    used = RecoveryCode.objects.filter(
        user=user, code_hash=two_factor.recovery_code_hash(code), used_at__isnull=True
    ).update(used_at=timezone.now())
    if used:
        AuditEvent.record(
            actor=user,
            action="two_factor.recovery_code_used",
            summary=_("%(name)s signed in with a recovery code") % {"name": user.full_name},
            subject=user,
        )
    return used == 1
