"""Calls for members, applications and selection. Each change is atomic and leaves an audit
record."""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import StaleEdit, save_if_unchanged
from coproduce.lib.email import email_send
from coproduce.lib.ordering import move_in_order
from recruitment.models import (
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
    PanelMember,
    QuestionKind,
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
def call_panel_set(
    *, call: Call, users: Iterable[User], actor: User, seen: str | None = None
) -> None:
    """Make these people the call's selection panel. Scores already given stay.

    `seen` is the panel the page was drawn with (`Call.panel_state`): StaleEdit if someone
    else changed the panel since, and nothing changes."""
    # Locking the call makes the check and the change one step for two leaders at once.
    Call.objects.select_for_update().filter(pk=call.pk).first()
    if seen is not None and call.panel_state() != seen:
        raise StaleEdit
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


class ApplicationMoved(SelectionError):
    """Someone else moved the application on since the page was drawn."""


@transaction.atomic
def application_move(
    *, application: Application, to_status: str, actor: User, note: str, seen_status: str
) -> ApplicationStatusChange:
    """Move an application to its next stage and keep the step in its history.

    `seen_status` is the stage the leader saw: if someone else moved it meanwhile, nothing
    changes and SelectionError says so.
    """
    if application.status != seen_status:
        raise ApplicationMoved(STATUS_MOVED)
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
        raise ApplicationMoved(STATUS_MOVED)
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
    """Email the applicant the letter as written, and keep a copy with the step it is about.

    ApplicationMoved if the application has left the stage the letter is about; raises
    LetterAlreadySent if someone sent it first. Either way nothing is sent."""
    # Locking the application keeps it at this stage until the letter is on record.
    application = Application.objects.select_for_update().get(pk=change.application_id)
    if application.status != change.to_status:
        raise ApplicationMoved(STATUS_MOVED)
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
