"""Invitations and organisation settings: each change atomic, emailed where people need to
know, and recorded in the audit log."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Invitation, Organisation, User
from coproduce.lib.concurrency import save_if_unchanged
from coproduce.lib.email import email_send
from projects.models import Membership, Project
from projects.services import membership_add


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
            "accept_url": base_url.rstrip("/") + reverse("accounts:invitation", args=[token]),
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
