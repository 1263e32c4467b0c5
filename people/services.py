"""Changes to a person's own record. Each is atomic and audited without copying the details:
the audit log says that access requirements changed, never what they are."""

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, OrgRole, User
from coproduce.lib.email import email_send
from people.models import (
    AccessNeed,
    AccessNeedType,
    Consent,
    ErasureRequest,
    ErasureStatus,
    PersonMemberType,
    PrivacyNotice,
    Profile,
)
from projects.models import Invitation, Membership, Project


def profile_for(user: User) -> Profile:
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@transaction.atomic
def member_types_set(*, user: User, member_types: list[str]) -> None:
    PersonMemberType.objects.filter(user=user).exclude(member_type__in=member_types).delete()
    existing = set(PersonMemberType.objects.filter(user=user).values_list("member_type", flat=True))
    PersonMemberType.objects.bulk_create(
        PersonMemberType(user=user, member_type=value)
        for value in member_types
        if value not in existing
    )


@transaction.atomic
def access_needs_save(
    *,
    profile: Profile,
    selections: dict[AccessNeedType, str],
    notes: str,
    share_with_group: bool,
) -> None:
    user = profile.user
    AccessNeed.objects.filter(user=user).exclude(need_type__in=list(selections)).delete()
    for need_type, detail in selections.items():
        AccessNeed.objects.update_or_create(
            user=user, need_type=need_type, defaults={"detail": detail}
        )
    profile.access_notes = notes
    profile.share_access_with_group = share_with_group
    profile.access_recorded_at = timezone.now()
    profile.save(update_fields=["access_notes", "share_access_with_group", "access_recorded_at"])
    AuditEvent.record(
        actor=user,
        action="access.updated",
        summary=_("Updated their access requirements"),
        subject=user,
    )


def access_needs_viewed(*, viewer: User, person: User, project: Project, purpose: str) -> None:
    """Record that someone other than the person saw their access requirements, and why."""
    AuditEvent.record(
        actor=viewer,
        action="access.viewed",
        summary=_("Viewed the access requirements of %(person)s: %(purpose)s")
        % {"person": person.full_name, "purpose": purpose},
        project=project,
        subject=person,
        data={"purpose": purpose},
    )


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


def person_data(*, user: User) -> dict[str, Any]:
    """Everything we hold about the person, for them to download.

    Other people appear only where they acted on this person's record (who looked at their
    access requirements, who added them to a group): never anything about those people.
    """
    profile = Profile.objects.filter(user=user).first()
    memberships = Membership.objects.filter(user=user).select_related("project")
    invitations = Invitation.objects.filter(accepted_by=user).select_related("project")
    needs = AccessNeed.objects.filter(user=user).select_related("need_type")
    consents = Consent.objects.filter(user=user).select_related("notice")
    events = (
        AuditEvent.objects.filter(Q(actor=user) | Q(subject=user))
        .select_related("actor", "project")
        .order_by("created_at", "id")
    )
    return {
        "account": {
            "email": user.email,
            "full_name": user.full_name,
            "organisation_role": user.get_org_role_display() if user.org_role else "",
            "date_joined": user.date_joined,
            "last_sign_in": user.last_login,
            "active": user.is_active,
        },
        "profile": None
        if profile is None
        else {
            "preferred_name": profile.preferred_name,
            "pronouns": profile.pronouns,
            "bio": profile.bio,
            "phone": profile.phone,
            "postal_address": profile.postal_address,
            "contact_channels": list(profile.channels),
            "contact_frequency": profile.get_frequency_display(),
            "best_times": profile.best_times,
            "language": profile.language,
            "attends_in_person": profile.attends_in_person,
            "attends_by_video": profile.attends_by_video,
            "attends_by_phone": profile.attends_by_phone,
            "written_only": profile.written_only,
            "access_notes": profile.access_notes,
            "share_access_with_group": profile.share_access_with_group,
            "access_recorded_at": profile.access_recorded_at,
            "updated_at": profile.updated_at,
        },
        "member_types": [
            item.get_member_type_display() for item in PersonMemberType.objects.filter(user=user)
        ],
        "access_needs": [
            {
                "requirement": need.need_type.name,
                "category": need.need_type.get_category_display(),
                "detail": need.detail,
                "recorded_at": need.recorded_at,
            }
            for need in needs
        ],
        "memberships": [
            {
                "project": membership.project.name,
                "role": membership.get_role_display(),
                "member_type": membership.get_member_type_display(),
                "joined_at": membership.joined_at,
                "left_at": membership.left_at,
            }
            for membership in memberships
        ],
        "invitations_accepted": [
            {
                "project": invitation.project.name,
                "invited_at": invitation.created_at,
                "accepted_at": invitation.accepted_at,
            }
            for invitation in invitations
        ],
        "consents": [
            {"privacy_notice_version": consent.notice.version, "given_at": consent.given_at}
            for consent in consents
        ],
        "erasure_requests": [
            {
                "requested_at": request.requested_at,
                "reason": request.reason,
                "status": request.get_status_display(),
                "decided_at": request.decided_at,
                "decision_note": request.decision_note,
            }
            for request in ErasureRequest.objects.filter(user=user)
        ],
        "audit_events": [
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
    }


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
    locked = ErasureRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if not locked.is_pending:
        raise PrivacyError(_("Someone has already decided this request."))
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

    Memberships, minutes and the audit log stay, showing "Former member" where the person's
    name was, so what a group decided and who was there still adds up.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    old_name, old_email = user.full_name, user.email
    former = _("Former member")
    # Told first, while we still have somewhere to write to.
    email_send(
        to=[old_email],
        template="erasure_done",
        context={"name": old_name, "organisation": Organisation.current()},
    )
    Profile.objects.filter(user=user).delete()
    AccessNeed.objects.filter(user=user).delete()
    PersonMemberType.objects.filter(user=user).delete()
    Consent.objects.filter(user=user).delete()
    Invitation.objects.pending().filter(email__iexact=old_email).delete()
    placeholder = f"erased-{user.pk}@invalid"
    Invitation.objects.filter(email__iexact=old_email).update(
        email=placeholder, full_name=former, message=""
    )
    Membership.objects.current().filter(user=user).update(left_at=timezone.now())
    for old in {old_name, old_email} - {""}:
        AuditEvent.objects.filter(summary__contains=old).update(
            summary=Replace("summary", Value(old), Value(former))
        )
    user.full_name = former
    user.email = placeholder
    user.org_role = OrgRole.NONE
    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["full_name", "email", "org_role", "is_active", "password"])
    AuditEvent.record(
        actor=actor,
        action="erasure.completed",
        summary=_("Deleted the personal details of a former member, as they asked"),
        subject=user,
        data={"person": user.pk},
    )


def access_needs_of(user: User) -> list[AccessNeed]:
    return list(AccessNeed.objects.filter(user=user).select_related("need_type"))
