"""What accounts keeps about a person: the account itself and what the audit log says.

Erasure runs this last, after every other app has found the person by name and address.
"""

from typing import Any

from django.contrib.admin.models import LogEntry
from django.db.models import Count, Q, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AuditEvent, OrgRole, RecoveryCode, TwoFactorDevice, User
from coproduce.lib.personal_data import FORMER_MEMBER, Section, anonymous_email

MODELS = (User, AuditEvent, LogEntry, TwoFactorDevice, RecoveryCode)


def _two_step_sign_in(user: User) -> dict[str, Any]:
    """Whether they use it, since when, and how many recovery codes are left, in one query.

    Never the app's secret or the codes: they would let whoever holds the file sign in.
    """
    row = (
        User.objects.filter(pk=user.pk)
        .values("two_factor_device__created_at")
        .annotate(left=Count("recovery_codes", filter=Q(recovery_codes__used_at__isnull=True)))
        .get()
    )
    since = row["two_factor_device__created_at"]
    return {
        "two_step_sign_in": since is not None,
        "two_step_sign_in_since": since,
        "recovery_codes_left": row["left"],
    }


def export(user: User) -> list[Section]:
    events = (
        AuditEvent.objects.filter(Q(actor=user) | Q(subject=user))
        .select_related("actor", "project")
        .order_by("created_at", "id")
    )
    account = {
        "email": user.email,
        "full_name": user.full_name,
        "organisation_role": user.get_org_role_display() if user.org_role else "",
        "date_joined": user.date_joined,
        "last_sign_in": user.last_login,
        "active": user.is_active,
        **_two_step_sign_in(user),
    }
    return [
        Section(
            key="account",
            title=gettext_lazy("Your account"),
            columns=[
                ("full_name", gettext_lazy("Name")),
                ("email", gettext_lazy("Email")),
                ("organisation_role", gettext_lazy("Organisation role")),
                ("date_joined", gettext_lazy("Joined")),
                ("last_sign_in", gettext_lazy("Last signed in")),
                ("active", gettext_lazy("Account open")),
                ("two_step_sign_in", gettext_lazy("Two-step sign-in")),
                ("two_step_sign_in_since", gettext_lazy("Two-step sign-in since")),
                ("recovery_codes_left", gettext_lazy("Recovery codes left")),
            ],
            rows=[account],
            record=True,
        ),
        Section(
            key="audit_events",
            title=gettext_lazy("What our records say"),
            columns=[
                ("when", gettext_lazy("When")),
                ("by", gettext_lazy("Who")),
                ("summary", gettext_lazy("What")),
                ("project", gettext_lazy("Group")),
            ],
            rows=[
                {
                    "when": event.created_at,
                    "action": event.action,
                    "summary": event.summary,
                    "by": _("you")
                    if event.actor_id == user.pk
                    else (event.actor.full_name if event.actor else _("the system")),
                    "project": event.project.name if event.project else "",
                }
                for event in events
            ],
        ),
    ]


def erase(user: User) -> None:
    """Keep the account row, so records that point at it still add up, without the person.

    The audit log and the admin's log keep every entry, with "Former member" where the
    person's name or address was written.
    """
    former = str(FORMER_MEMBER)
    for old in {user.full_name, user.email} - {""}:
        AuditEvent.objects.filter(summary__contains=old).update(
            summary=Replace("summary", Value(old), Value(former))
        )
        LogEntry.objects.filter(object_repr__contains=old).update(
            object_repr=Replace("object_repr", Value(old), Value(former))
        )
    TwoFactorDevice.objects.filter(user=user).delete()
    RecoveryCode.objects.filter(user=user).delete()
    user.full_name = former
    user.email = anonymous_email(user.pk)
    user.org_role = OrgRole.NONE
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["full_name", "email", "org_role", "is_active", "password"])
