"""Privacy: the notice people agree to, and each person's right to a copy of their data and to
have it deleted. The data itself is each app's to describe, in its `personal_data.py`."""

import importlib
import importlib.util
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib import fragments
from coproduce.lib.email import email_send
from coproduce.lib.personal_data import (
    Mention,
    Section,
    mentions_in,
    name_remove_in_place,
    person_terms,
)
from people.models import Profile
from privacy.models import Consent, ErasureRequest, ErasureStatus, PrivacyNotice


class PrivacyError(Exception):
    """A privacy request that cannot go ahead, with a message for the person."""


def privacy_notice_current() -> PrivacyNotice | None:
    return PrivacyNotice.objects.select_related("published_by").order_by("-version").first()


@transaction.atomic
def privacy_notice_publish(*, summary: str, body: str, actor: User) -> PrivacyNotice:
    """Publish the next version. Everyone is then asked to agree to it."""
    latest = PrivacyNotice.objects.aggregate(latest=Max("version"))["latest"] or 0
    try:
        with transaction.atomic():
            notice = PrivacyNotice.objects.create(
                version=latest + 1, summary=summary, body=body, published_by=actor
            )
    except IntegrityError as error:
        raise PrivacyError(
            _(
                "Another administrator published a new version at the same moment. Check the "
                "current version, then publish yours again if it is still needed."
            )
        ) from error
    AuditEvent.record(
        actor=actor,
        action="privacy_notice.published",
        summary=_("Published version %(version)s of the privacy notice")
        % {"version": notice.version},
        data={"version": notice.version},
    )
    return notice


@transaction.atomic
def consent_give(*, user: User, notice: PrivacyNotice) -> Consent:
    """Record that the person agreed to this version. Agreeing twice changes nothing."""
    consent, created = Consent.objects.get_or_create(user=user, notice=notice)
    if created:
        AuditEvent.record(
            actor=user,
            action="consent.given",
            summary=_("Agreed to version %(version)s of the privacy notice")
            % {"version": notice.version},
            subject=user,
            data={"version": notice.version},
        )
    return consent


def personal_data_modules() -> list[ModuleType]:
    """Every installed app's `personal_data` module, lowest layer first.

    Found by name so that an app answers for its own data without privacy knowing its models.
    """
    modules = []
    for config in apps.get_app_configs():
        if importlib.util.find_spec(f"{config.name}.personal_data") is not None:
            modules.append(importlib.import_module(f"{config.name}.personal_data"))
    return modules


def person_data(*, user: User) -> list[Section]:
    """Everything we hold about the person, for them to download, app by app.

    Other people appear only where they acted on this person's record (who looked at their
    access requirements, who added them to a group): never anything about those people.
    """
    return [section for module in personal_data_modules() for section in module.export(user)]


def person_data_json(sections: list[Section]) -> dict[str, Any]:
    return {section.key: section.as_json() for section in sections}


def data_exported(*, user: User, file_format: str) -> None:
    AuditEvent.record(
        actor=user,
        action="data.exported",
        summary=_("Downloaded a copy of their data (%(format)s)") % {"format": file_format},
        subject=user,
        data={"format": file_format},
    )


@transaction.atomic
def erasure_request_create(*, user: User, reason: str) -> ErasureRequest:
    try:
        with transaction.atomic():
            request = ErasureRequest.objects.create(user=user, reason=reason)
    except IntegrityError as error:
        pending = ErasureRequest.objects.filter(user=user, status=ErasureStatus.PENDING).first()
        asked = f"{timezone.localtime(pending.requested_at):%-d %B %Y}" if pending else ""
        raise PrivacyError(
            _(
                "You already asked us to delete your data on %(date)s. An administrator will "
                "look at it and email you. You do not need to ask again."
            )
            % {"date": asked}
        ) from error
    AuditEvent.record(
        actor=user,
        action="erasure.requested",
        summary=_("Asked for their personal data to be deleted"),
        subject=user,
    )
    return request


def _lock_pending(request: ErasureRequest) -> ErasureRequest:
    # The lock makes a second administrator wait, then find the request decided.
    locked = ErasureRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if not locked.is_pending:
        raise PrivacyError(locked.already_decided())
    return locked


@transaction.atomic
def erasure_request_decline(*, request: ErasureRequest, actor: User, note: str) -> None:
    request = _lock_pending(request)
    request.status = ErasureStatus.DECLINED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    email_send(
        to=[request.user.email],
        template="erasure_declined",
        context={
            "name": request.user.full_name,
            "note": note,
            "organisation": Organisation.current(),
        },
    )
    AuditEvent.record(
        actor=actor,
        action="erasure.declined",
        summary=_("Declined a request to delete personal data"),
        subject=request.user,
    )


@transaction.atomic
def erasure_request_complete(*, request: ErasureRequest, actor: User, note: str = "") -> None:
    request = _lock_pending(request)
    person_erase(user=request.user, actor=actor)
    request.status = ErasureStatus.COMPLETED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.decision_note = note
    # The reason may hold personal details; the request itself stays as the record.
    request.reason = ""
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "reason"])


@transaction.atomic
def person_erase(*, user: User, actor: User) -> None:
    """Remove a person's personal details while keeping the group's records whole.

    Each app erases what it keeps, the highest layer first, so accounts (which replaces the
    name and address the others look people up by) goes last. Memberships, minutes and the
    audit log stay, showing "Former member" where the person's name was, so what a group
    decided and who was there still adds up.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    name, email = user.full_name, user.email
    for module in reversed(personal_data_modules()):
        module.erase(user)
    # Rows kept drawn (coproduce/lib/fragments.py) may show their name: none outlives them.
    # Other app servers' memory of rows ages out (it is bounded) or goes with a restart.
    kept = caches["kept"]
    kept.clear()
    fragments.forget_remembered()
    transaction.on_commit(kept.clear)
    transaction.on_commit(fragments.forget_remembered)
    # Queued after the erasure, which drops every email queued for them until now.
    email_send(
        to=[email],
        template="erasure_done",
        context={"name": name, "organisation": Organisation.current()},
    )
    AuditEvent.record(
        actor=actor,
        action="erasure.completed",
        summary=_("Deleted the personal details of a former member, as they asked"),
        subject=user,
        data={"person": user.pk},
    )


# Words before a first name, which on their own would match everyone with the same title.
TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "cllr", "rev", "sir"}


def person_names(*, user: User) -> list[str]:
    """What free text may call the person: their full name, their first name (minutes
    usually speak of people so), the name they like to be called, and their email address."""
    preferred = (
        Profile.objects.filter(user=user).values_list("preferred_name", flat=True).first() or ""
    )
    words = [word for word in user.full_name.split() if word.strip(".").lower() not in TITLES]
    first = words[0] if len(words) > 1 else ""
    return person_terms(user.full_name, first, preferred, user.email)


def _mentions(module: ModuleType, user: User, terms: list[str]) -> list[Mention]:
    # An app with text that needs more than removing the name in place (minutes) says how.
    if hasattr(module, "mentions"):
        return list(module.mentions(user, terms))
    return mentions_in(getattr(module, "MENTIONABLE", {}), terms=terms)


def person_mentions(*, user: User) -> list[Mention]:
    """Every place free text, mostly written by others, names the person, app by app."""
    terms = person_names(user=user)
    return [
        mention for module in personal_data_modules() for mention in _mentions(module, user, terms)
    ]


@transaction.atomic
def mention_redact(*, user: User, key: str, actor: User) -> None:
    """Replace the person's name with "[name removed]" in the one text the key names."""
    app_label = key.split(".", 1)[0]
    module = next(
        (m for m in personal_data_modules() if m.__name__ == f"{app_label}.personal_data"), None
    )
    terms = person_names(user=user)
    changed: Model | None = None
    if module is not None and hasattr(module, "name_remove"):
        changed = module.name_remove(key=key, terms=terms, actor=actor)
    elif module is not None:
        changed = name_remove_in_place(getattr(module, "MENTIONABLE", {}), key=key, terms=terms)
    if changed is None:
        raise PrivacyError(_("This text no longer names them. Nothing was changed."))
    AuditEvent.record(
        actor=actor,
        action="erasure.name_removed",
        summary=_("Removed a name from %(what)s before an erasure")
        % {"what": changed._meta.verbose_name},
        project=getattr(changed, "project", None),
        data={"key": key},
    )
