"""Changes to projects and their membership. Each one is atomic and leaves an audit record."""

from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import save_if_unchanged
from coproduce.lib.email import email_send
from coproduce.lib.ordering import move_in_order
from people.models import MemberType
from projects.models import (
    EQUALITY_QUESTIONS,
    LEADING_ROLES,
    LETTER_STATUSES,
    STATUS_MOVED,
    Application,
    ApplicationChannel,
    ApplicationStatus,
    ApplicationStatusChange,
    Assessment,
    Call,
    CallQuestion,
    CallStatus,
    EqualityReceipt,
    EqualityResponse,
    Invitation,
    Membership,
    PanelMember,
    Project,
    ProjectRole,
    QuestionKind,
    Skill,
    SkillOffer,
    Stakeholder,
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
def membership_change(*, membership: Membership, actor: User, role: str, member_type: str) -> None:
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
    membership.save(update_fields=changed)
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
def membership_onboarding_set(*, membership: Membership, actor: User, done: set[str]) -> None:
    """Tick or untick onboarding steps; a step ticked earlier keeps its date."""
    changed = []
    for step in Membership.ONBOARDING_STEPS:
        was_done = getattr(membership, step) is not None
        if (step in done) != was_done:
            setattr(membership, step, timezone.now() if step in done else None)
            changed.append(step)
    if not changed:
        return
    membership.save(update_fields=changed)
    AuditEvent.record(
        actor=actor,
        action="membership.onboarding",
        summary=_("Updated the onboarding checklist of %(person)s")
        % {"person": membership.user.full_name},
        project=membership.project,
        subject=membership.user,
        data={"changed": changed},
    )


DEFAULT_CALL_QUESTIONS = [
    (gettext_lazy("Why do you want to join the group?"), QuestionKind.LONG, ""),
    (gettext_lazy("What experience do you bring?"), QuestionKind.LONG, ""),
    (
        gettext_lazy("How would you prefer to take part?"),
        QuestionKind.CHOICE,
        "In person\nBy video\nBy phone\nIn writing",
    ),
]


@transaction.atomic
def call_open(*, call: Call, actor: User) -> None:
    """Open a call for members, with the questions most calls ask."""
    call.save()
    CallQuestion.objects.bulk_create(
        CallQuestion(call=call, position=position, text=str(text), kind=kind, choices=choices)
        for position, (text, kind, choices) in enumerate(DEFAULT_CALL_QUESTIONS, start=1)
    )
    AuditEvent.record(
        actor=actor,
        action="call.opened",
        summary=_("Opened the call “%(title)s”") % {"title": call.title},
        project=call.project,
    )


class AlreadyApplied(Exception):
    """This email address has already been used to apply to this call."""


def application_submit(
    *,
    call: Call,
    full_name: str,
    email: str,
    phone: str,
    answers: dict[str, str],
    channel: str = ApplicationChannel.WEB,
    entered_by: User | None = None,
) -> Application:
    """Record an application and acknowledge it by email; raises AlreadyApplied."""
    try:
        with transaction.atomic():
            application = Application.objects.create(
                call=call,
                full_name=full_name,
                email=email,
                phone=phone,
                answers=answers,
                channel=channel,
                entered_by=entered_by,
            )
            if entered_by is not None:
                AuditEvent.record(
                    actor=entered_by,
                    action="application.entered",
                    summary=_("Entered an application from %(person)s") % {"person": full_name},
                    project=call.project,
                )
            email_send(
                to=[email],
                template="application_received",
                context={
                    "application": application,
                    "call": call,
                    "organisation": Organisation.current(),
                },
            )
    except IntegrityError as error:
        raise AlreadyApplied from error
    return application


class CallError(Exception):
    """A change to a call that cannot be made as asked; the message says why."""


@transaction.atomic
def call_update(*, call: Call, actor: User, changed: list[str], expected_version: int) -> None:
    """Save the changed fields of a call; raises StaleEdit if someone else saved first."""
    if not changed:
        return
    save_if_unchanged(call, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="call.updated",
        summary=_("Changed the call “%(title)s”") % {"title": call.title},
        project=call.project,
        data={"changed": sorted(changed)},
    )


@transaction.atomic
def call_close(*, call: Call, actor: User) -> None:
    """Stop people applying online before the closing date."""
    if call.status == CallStatus.CLOSED:
        return
    call.status = CallStatus.CLOSED
    call.save(update_fields=["status"])
    AuditEvent.record(
        actor=actor,
        action="call.closed",
        summary=_("Closed the call “%(title)s”") % {"title": call.title},
        project=call.project,
    )


@transaction.atomic
def call_reopen(*, call: Call, actor: User) -> None:
    """Let people apply again to a call closed by hand, while its closing date is to come."""
    if call.status == CallStatus.OPEN:
        return
    if not call.can_reopen:
        raise CallError(
            _(
                "The closing date has passed, so the call cannot reopen as it is. Change the "
                "closing date to a day in the future first."
            )
        )
    call.status = CallStatus.OPEN
    call.save(update_fields=["status"])
    AuditEvent.record(
        actor=actor,
        action="call.reopened",
        summary=_("Reopened the call “%(title)s”") % {"title": call.title},
        project=call.project,
    )


def call_question_answer_counts(call: Call) -> dict[int, int]:
    """How many applications answered each of the call's questions, by question id.

    Answers live in each application's JSON, keyed by question id. Counting in Python, in
    one query, avoids JSON key look-ups, which SQLite reads as list positions for number keys.
    """
    counts: dict[int, int] = {}
    for answers in Application.objects.filter(call=call).values_list("answers", flat=True):
        for key, answer in (answers or {}).items():
            if str(answer).strip() and key.isdigit():
                counts[int(key)] = counts.get(int(key), 0) + 1
    return counts


@transaction.atomic
def call_question_add(*, question: CallQuestion, actor: User) -> None:
    """Add a question at the end of a call's application form."""
    last = CallQuestion.objects.filter(call=question.call).aggregate(last=Max("position"))
    question.position = (last["last"] or 0) + 1
    question.save()
    AuditEvent.record(
        actor=actor,
        action="call.question_added",
        summary=_("Added the question “%(text)s” to “%(title)s”")
        % {"text": question.text, "title": question.call.title},
        project=question.call.project,
    )


@transaction.atomic
def call_question_update(
    *, question: CallQuestion, actor: User, changed: list[str], expected_version: int
) -> None:
    """Save the changed fields of a question; raises StaleEdit if someone else saved first.

    Answers already given are kept as they are, whatever changes.
    """
    if not changed:
        return
    save_if_unchanged(question, expected_version=expected_version, fields=changed)
    AuditEvent.record(
        actor=actor,
        action="call.question_updated",
        summary=_("Changed the question “%(text)s” on “%(title)s”")
        % {"text": question.text, "title": question.call.title},
        project=question.call.project,
        data={"changed": sorted(changed)},
    )


@transaction.atomic
def call_question_remove(*, question: CallQuestion, actor: User) -> None:
    """Take a question off the form; refused (CallError) once anyone has answered it."""
    # Locking the call makes the answer count and the removal one step for other leaders.
    Call.objects.select_for_update().filter(pk=question.call_id).first()
    answered = call_question_answer_counts(question.call).get(question.pk, 0)
    if answered:
        raise CallError(
            ngettext(
                "%(n)s person has answered this question, so it cannot be removed: their "
                "answer would be lost. You can change its wording or make it optional instead.",
                "%(n)s people have answered this question, so it cannot be removed: their "
                "answers would be lost. You can change its wording or make it optional instead.",
                answered,
            )
            % {"n": answered}
        )
    AuditEvent.record(
        actor=actor,
        action="call.question_removed",
        summary=_("Removed the question “%(text)s” from “%(title)s”")
        % {"text": question.text, "title": question.call.title},
        project=question.call.project,
    )
    question.delete()


@transaction.atomic
def call_question_move(*, question: CallQuestion, actor: User, up: bool) -> None:
    """Swap a question with the one before (`up`) or after it on the form."""
    if not move_in_order(CallQuestion.objects.filter(call_id=question.call_id), question, up=up):
        return
    AuditEvent.record(
        actor=actor,
        action="call.question_moved",
        summary=_("Moved the question “%(text)s” %(direction)s on “%(title)s”")
        % {
            "text": question.text,
            "direction": _("up") if up else _("down"),
            "title": question.call.title,
        },
        project=question.call.project,
    )


@transaction.atomic
def call_panel_set(*, call: Call, users: Iterable[User], actor: User) -> None:
    """Make these people the call's selection panel. Scores already given stay."""
    wanted = {user.pk: user for user in users}
    current = dict(PanelMember.objects.filter(call=call).values_list("user_id", "pk"))
    leaving = [pk for user_pk, pk in current.items() if user_pk not in wanted]
    joining = [user for user_pk, user in wanted.items() if user_pk not in current]
    if not leaving and not joining:
        return
    left_names = list(
        PanelMember.objects.filter(pk__in=leaving).values_list("user__full_name", flat=True)
    )
    PanelMember.objects.filter(pk__in=leaving).delete()
    PanelMember.objects.bulk_create(PanelMember(call=call, user=user) for user in joining)
    AuditEvent.record(
        actor=actor,
        action="call.panel_changed",
        summary=_("Changed the selection panel for “%(title)s”") % {"title": call.title},
        project=call.project,
        data={
            "added": sorted(user.full_name for user in joining),
            "removed": sorted(left_names),
        },
    )


@transaction.atomic
def assessment_save(*, application: Application, assessor: User, score: int, note: str) -> None:
    """Record or change a panel member's own score and notes for an application."""
    _assessment, created = Assessment.objects.update_or_create(
        application=application, assessor=assessor, defaults={"score": score, "note": note}
    )
    AuditEvent.record(
        actor=assessor,
        action="application.assessed" if created else "application.assessment_changed",
        summary=(
            _("Scored the application from %(person)s")
            if created
            else _("Changed their score for the application from %(person)s")
        )
        % {"person": application.full_name},
        project=application.call.project,
    )


class SelectionError(Exception):
    """A step an application cannot take; the message says why."""


@transaction.atomic
def application_move(
    *, application: Application, to_status: str, actor: User, note: str, seen_status: str
) -> ApplicationStatusChange:
    """Move an application to its next stage and keep the step in its history.

    `seen_status` is the stage the leader saw: if someone else moved it meanwhile, nothing
    changes and SelectionError says so.
    """
    if application.status != seen_status:
        raise SelectionError(STATUS_MOVED)
    if not application.can_move_to(to_status):
        raise SelectionError(
            _("An application that is “%(now)s” cannot become “%(next)s”.")
            % {
                "now": application.get_status_display(),
                "next": ApplicationStatus(to_status).label,
            }
        )
    # Only moves from the stage it is still at, so two leaders cannot both move it.
    moved = Application.objects.filter(pk=application.pk, status=seen_status).update(
        status=to_status
    )
    if not moved:
        raise SelectionError(STATUS_MOVED)
    change = ApplicationStatusChange.objects.create(
        application=application,
        from_status=seen_status,
        to_status=to_status,
        changed_by=actor,
        note=note,
    )
    application.status = to_status
    AuditEvent.record(
        actor=actor,
        action="application.moved",
        summary=_("Moved the application from %(person)s to “%(status)s”")
        % {"person": application.full_name, "status": application.get_status_display()},
        project=application.call.project,
        data={"from": seen_status, "to": to_status},
    )
    return change


def letter_step(application: Application) -> ApplicationStatusChange | None:
    """The step that brought the application to where it is, when that stage has a letter."""
    if application.status not in LETTER_STATUSES:
        return None
    change = (
        ApplicationStatusChange.objects.filter(application=application)
        .order_by("-changed_at", "-pk")
        .first()
    )
    if change is None or change.to_status != application.status:
        return None
    return change


def letter_draft(*, application: Application, sender: User) -> tuple[str, str]:
    """The subject and text we suggest for the letter about the application's stage."""
    if application.status not in LETTER_STATUSES:
        raise ValueError(f"No letter is written at the stage {application.status}")
    context = {
        "application": application,
        "call": application.call,
        "project": application.call.project,
        "organisation": Organisation.current(),
        "sender": sender,
    }
    name = f"emails/letters/{application.status}"
    subject = " ".join(render_to_string(f"{name}.subject.txt", context).split())
    return subject, render_to_string(f"{name}.txt", context).strip() + "\n"


class LetterAlreadySent(Exception):
    """The letter for this stage has been sent already."""


@transaction.atomic
def application_letter_send(
    *, change: ApplicationStatusChange, subject: str, body: str, actor: User
) -> None:
    """Email the applicant the letter as written, and keep a copy with the step it is about."""
    application = change.application
    sent = ApplicationStatusChange.objects.filter(pk=change.pk, letter_sent_at=None).update(
        letter_subject=subject, letter_body=body, letter_sent_at=timezone.now()
    )
    if not sent:
        raise LetterAlreadySent
    email_send(
        to=[application.email],
        template="decision_letter",
        context={"subject": subject, "body": body, "organisation": Organisation.current()},
    )
    AuditEvent.record(
        actor=actor,
        action="application.letter_sent",
        summary=_("Sent a letter to %(person)s: “%(subject)s”")
        % {"person": application.full_name, "subject": subject},
        project=application.call.project,
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
