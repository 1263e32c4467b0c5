"""Changes to projects and their membership. Each one is atomic and leaves an audit record."""

from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import save_if_unchanged
from coproduce.lib.email import email_send
from people.models import MemberType
from projects.models import (
    EQUALITY_QUESTIONS,
    LEADING_ROLES,
    EqualityReceipt,
    EqualityResponse,
    Invitation,
    Membership,
    Phase,
    Project,
    ProjectRole,
    Skill,
    SkillOffer,
    Stakeholder,
    default_phases,
)


class AlreadyAnswered(Exception):
    """This person has already answered the equality questions for this project."""


@transaction.atomic
def equality_response_submit(*, project: Project, user: User, answers: dict[str, str]) -> None:
    """Store anonymous equality answers, and separately that this person has answered.

    The receipt stops anyone answering twice; nothing links it to the answers. No audit
    record is kept, since one would tie the person to the moment they answered.
    """
    _receipt, created = EqualityReceipt.objects.get_or_create(project=project, user=user)
    if not created:
        raise AlreadyAnswered(_("You have already answered for this project. Thank you."))
    names = [name for name, _label, _choices in EQUALITY_QUESTIONS]
    EqualityResponse.objects.create(
        project=project, **{name: answers.get(name) or "" for name in names}
    )


class MembershipError(Exception):
    """A change that would leave the project in a state we do not allow."""


@transaction.atomic
def project_create(*, name: str, purpose: str, created_by: User) -> Project:
    project = Project.objects.create(name=name, purpose=purpose, created_by=created_by)
    Phase.objects.bulk_create(default_phases(project))
    # Whoever sets a group up leads it until they hand over.
    Membership.objects.create(
        project=project,
        user=created_by,
        member_type=MemberType.FACILITATOR,
        role=ProjectRole.COORDINATOR,
    )
    AuditEvent.record(
        actor=created_by,
        action="project.created",
        summary=_("Created the project “%(name)s”") % {"name": name},
        project=project,
    )
    return project


@transaction.atomic
def project_update(
    *, project: Project, actor: User, changes: dict[str, str], expected_version: int
) -> None:
    """Save the changed fields; raises StaleEdit if someone else saved first."""
    if not changes:
        return
    for field, value in changes.items():
        setattr(project, field, value)
    project.updated_at = timezone.now()
    save_if_unchanged(project, expected_version=expected_version, fields=[*changes, "updated_at"])
    AuditEvent.record(
        actor=actor,
        action="project.updated",
        summary=_("Changed the project's %(fields)s") % {"fields": ", ".join(sorted(changes))},
        project=project,
        data={"changed": sorted(changes)},
    )


def _ensure_someone_still_leads(membership: Membership, *, remains_leader: bool) -> None:
    """Refuse a change that would leave the project with nobody leading it."""
    # Locking the leaders' rows stops two leaders removing each other at the same moment.
    leaders = list(
        Membership.objects.select_for_update()
        .current()
        .filter(project_id=membership.project_id, role__in=LEADING_ROLES)
        .values_list("pk", flat=True)
    )
    if membership.leads and not remains_leader and leaders == [membership.pk]:
        raise MembershipError(
            _(
                "%(person)s is the only person leading this project. First give someone else "
                "the role of chair, co-chair or coordinator."
            )
            % {"person": membership.user.full_name}
        )


@transaction.atomic
def membership_add(
    *, project: Project, user: User, member_type: str, role: str, actor: User | None
) -> Membership:
    membership = Membership.objects.create(
        project=project, user=user, member_type=member_type, role=role
    )
    AuditEvent.record(
        actor=actor,
        action="membership.added",
        summary=_("%(person)s joined as %(role)s")
        % {"person": user.full_name, "role": membership.get_role_display()},
        project=project,
        subject=user,
    )
    return membership


@transaction.atomic
def membership_change(
    *,
    membership: Membership,
    actor: User,
    role: str,
    member_type: str,
    expected_version: int | None = None,
) -> None:
    """Change someone's role or type; with a version, StaleEdit if someone else saved first."""
    _ensure_someone_still_leads(membership, remains_leader=role in LEADING_ROLES)
    changed = []
    if membership.role != role:
        changed.append("role")
    if membership.member_type != member_type:
        changed.append("member_type")
    if not changed:
        return
    old_role = membership.get_role_display()
    membership.role = role
    membership.member_type = member_type
    if expected_version is None:
        membership.save(update_fields=changed)
    else:
        save_if_unchanged(membership, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="membership.changed",
        summary=_("Changed %(person)s from %(old)s to %(new)s, %(type)s")
        % {
            "person": membership.user.full_name,
            "old": old_role,
            "new": membership.get_role_display(),
            "type": membership.get_member_type_display(),
        },
        project=membership.project,
        subject=membership.user,
        data={"changed": changed},
    )


@transaction.atomic
def membership_end(*, membership: Membership, actor: User) -> None:
    """Take someone out of the project. Their past membership stays on record."""
    _ensure_someone_still_leads(membership, remains_leader=False)
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at"])
    AuditEvent.record(
        actor=actor,
        action="membership.ended",
        summary=_("Removed %(person)s from the project") % {"person": membership.user.full_name},
        project=membership.project,
        subject=membership.user,
    )


# Skills and stakeholders are both simple named items on a project's pages: added, changed
# and removed by its leaders, with the audit log saying what happened in these words.
ProjectItem = Skill | Stakeholder
ITEM_WORDS = {
    Skill: (
        "skill",
        gettext_lazy("Added “%(name)s” to the skills the group needs"),
        gettext_lazy("Changed the skill “%(name)s”"),
        gettext_lazy("Took “%(name)s” off the skills the group needs"),
    ),
    Stakeholder: (
        "stakeholder",
        gettext_lazy("Added %(name)s to the stakeholder map"),
        gettext_lazy("Changed %(name)s on the stakeholder map"),
        gettext_lazy("Took %(name)s off the stakeholder map"),
    ),
}


def _record_item(item: ProjectItem, actor: User, step: int, **data: Any) -> None:
    kind, *summaries = ITEM_WORDS[type(item)]
    AuditEvent.record(
        actor=actor,
        action=f"{kind}.{('added', 'updated', 'removed')[step]}",
        summary=str(summaries[step]) % {"name": item.name},
        project=item.project,
        data=data,
    )


@transaction.atomic
def project_item_add(*, item: ProjectItem, actor: User) -> None:
    item.save()
    _record_item(item, actor, 0)


@transaction.atomic
def project_item_update(
    *, item: ProjectItem, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields; raises StaleEdit if someone else saved first."""
    if not changed:
        return
    save_if_unchanged(item, expected_version=expected_version, fields=changed)
    _record_item(item, actor, 1, changed=changed)


@transaction.atomic
def project_item_remove(*, item: ProjectItem, actor: User) -> None:
    _record_item(item, actor, 2)
    item.delete()


@transaction.atomic
def skill_offers_set(*, project: Project, user: User, skills: list[Skill]) -> None:
    """Record which of the project's skills this member brings, replacing what they said."""
    SkillOffer.objects.filter(skill__project=project, user=user).exclude(skill__in=skills).delete()
    held = set(
        SkillOffer.objects.filter(skill__project=project, user=user).values_list(
            "skill_id", flat=True
        )
    )
    SkillOffer.objects.bulk_create(
        SkillOffer(skill=skill, user=user) for skill in skills if skill.pk not in held
    )


@transaction.atomic
def membership_welcome(*, membership: Membership, actor: User, base_url: str) -> None:
    """Email a new member their welcome, and tick that step of their onboarding."""
    root = base_url.rstrip("/")
    email_send(
        to=[membership.user.email],
        template="welcome",
        context={
            "membership": membership,
            "organisation": Organisation.current(),
            "project_url": root + reverse("projects:detail", args=[membership.project_id]),
            "access_url": root + reverse("people:access"),
            "preferences_url": root + reverse("people:preferences"),
        },
    )
    membership.welcomed_at = timezone.now()
    membership.save(update_fields=["welcomed_at"])
    AuditEvent.record(
        actor=actor,
        action="membership.welcomed",
        summary=_("Sent a welcome to %(person)s") % {"person": membership.user.full_name},
        project=membership.project,
        subject=membership.user,
    )


@transaction.atomic
def membership_onboarding_set(
    *, membership: Membership, actor: User, done: set[str], expected_version: int | None = None
) -> None:
    """Tick or untick onboarding steps; a step ticked earlier keeps its date. With
    `expected_version` (the version the person saw), StaleEdit if someone else changed the
    membership since."""
    changed = []
    for step in Membership.ONBOARDING_STEPS:
        was_done = getattr(membership, step) is not None
        if (step in done) != was_done:
            setattr(membership, step, timezone.now() if step in done else None)
            changed.append(step)
    if not changed:
        return
    save_if_unchanged(
        membership,
        expected_version=membership.version if expected_version is None else expected_version,
        fields=changed,
    )
    AuditEvent.record(
        actor=actor,
        action="membership.onboarding",
        summary=_("Updated the onboarding checklist of %(person)s")
        % {"person": membership.user.full_name},
        project=membership.project,
        subject=membership.user,
        data={"changed": changed},
    )


# ---------------------------------------------------------------------------------------------
# Invitations to join a project


class InvitationError(Exception):
    """An invitation that cannot be sent or used, with a message for the person."""


def _send_invitation_email(*, invitation: Invitation, token: str, base_url: str) -> None:
    organisation = Organisation.current()
    email_send(
        to=[invitation.email],
        template="invitation",
        context={
            "invitation": invitation,
            "organisation": organisation,
            "accept_url": base_url.rstrip("/") + reverse("invitation_accept", args=[token]),
        },
    )


@transaction.atomic
def invitation_create(
    *,
    project: Project,
    email: str,
    full_name: str,
    member_type: str,
    role: str,
    message: str,
    invited_by: User,
    base_url: str,
) -> Invitation:
    email = email.strip().lower()
    if Membership.objects.current().filter(project=project, user__email__iexact=email).exists():
        raise InvitationError(
            _("%(email)s is already a member of this project.") % {"email": email}
        )
    pending = Invitation.objects.pending().filter(project=project, email__iexact=email).first()
    if pending and not pending.is_expired:
        raise InvitationError(
            _(
                "%(email)s was already invited on %(date)s. You can send that invitation again "
                "from the members page."
            )
            % {"email": email, "date": f"{timezone.localtime(pending.created_at):%-d %B %Y}"}
        )
    if pending:
        # An expired invitation makes way for the new one.
        pending.withdrawn_at = timezone.now()
        pending.save(update_fields=["withdrawn_at"])
    invitation = Invitation(
        project=project,
        email=email,
        full_name=full_name,
        member_type=member_type,
        role=role,
        message=message,
        invited_by=invited_by,
    )
    token = invitation.issue_token(Organisation.current().invitation_valid_days)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as error:
        # Two coordinators inviting the same person at the same moment.
        raise InvitationError(
            _("%(email)s has just been invited by someone else.") % {"email": email}
        ) from error
    _send_invitation_email(invitation=invitation, token=token, base_url=base_url)
    AuditEvent.record(
        actor=invited_by,
        action="invitation.sent",
        summary=_("Invited %(email)s to join") % {"email": email},
        project=project,
    )
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, actor: User, base_url: str) -> None:
    if not invitation.is_pending:
        raise InvitationError(_("This invitation has already been used or withdrawn."))
    token = invitation.issue_token(Organisation.current().invitation_valid_days)
    invitation.save(update_fields=["token_hash", "expires_at"])
    _send_invitation_email(invitation=invitation, token=token, base_url=base_url)
    AuditEvent.record(
        actor=actor,
        action="invitation.resent",
        summary=_("Sent the invitation to %(email)s again") % {"email": invitation.email},
        project=invitation.project,
    )


@transaction.atomic
def invitation_withdraw(*, invitation: Invitation, actor: User) -> None:
    if not invitation.is_pending:
        raise InvitationError(_("This invitation has already been used or withdrawn."))
    invitation.withdrawn_at = timezone.now()
    invitation.save(update_fields=["withdrawn_at"])
    AuditEvent.record(
        actor=actor,
        action="invitation.withdrawn",
        summary=_("Withdrew the invitation to %(email)s") % {"email": invitation.email},
        project=invitation.project,
    )


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, user: User | None, full_name: str = "", password: str = ""
) -> User:
    """Join the project, creating the person's account first if they are new here."""
    # Lock the invitation so a double-click cannot join twice.
    invitation = (
        Invitation.objects.select_for_update().select_related("project").get(pk=invitation.pk)
    )
    if not invitation.is_usable:
        raise InvitationError(_("This invitation can no longer be used."))
    if user is None:
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise InvitationError(
                _("There is already an account for %(email)s. Sign in to accept.")
                % {"email": invitation.email}
            )
        user = User.objects.create_user(invitation.email, password, full_name=full_name)
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError(
            _("This invitation is for %(email)s. Sign out, then open the link again.")
            % {"email": invitation.email}
        )
    already = Membership.objects.current().filter(project=invitation.project, user=user).exists()
    if not already:
        membership_add(
            project=invitation.project,
            user=user,
            member_type=invitation.member_type,
            role=invitation.role,
            actor=user,
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user
