"""Decisions by consensus, consent or a majority vote: opening one, answering, closing it.

Every member answers once, whatever their role, online, at the meeting (recorded by the
minute-taker) or in writing (entered for them). Recording the outcome is one conditional
UPDATE from "open", so two people recording it at the same moment cannot both succeed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.tasks import task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import StaleEdit
from coproduce.lib.urls import site_root
from decisions.models import (
    CHOICES_FOR_METHOD,
    NEEDS_A_REASON,
    Choice,
    DecisionStatus,
    GroupDecision,
    Method,
    Outcome,
    Proposal,
    Response,
    ResponseWay,
    Stage,
)
from decisions.services import Refused
from decisions.services.proposals import proposal_move
from meetings.models import InputKind, MeetingStatus, WrittenInput
from meetings.notify import members_tell
from people.models import Profile
from projects.models import Membership
from projects.sides import FACILITATOR, LIVED, PROFESSIONAL, experience_side

# Members who have not answered are reminded this long before a decision closes.
REMINDER_BEFORE = datetime.timedelta(days=2)


def decision_url(decision: GroupDecision, base_url: str | None) -> str:
    return site_root(base_url) + reverse("decisions:decision_detail", args=[decision.pk])


def current_members(project_id: int) -> list[Membership]:
    return list(Membership.objects.current().filter(project_id=project_id).select_related("user"))


def written_only(memberships: Iterable[Membership]) -> list[User]:
    """Members who take part in writing only: someone sends them the question and enters
    the answer they send back."""
    users = {membership.user_id: membership.user for membership in memberships}
    ids = Profile.objects.filter(user__in=list(users), written_only=True).values_list(
        "user_id", flat=True
    )
    return [users[user_id] for user_id in ids]


def unanswered_thoughts(decision: GroupDecision) -> int:
    if decision.meeting_id is None:
        return 0
    return WrittenInput.objects.filter(
        meeting_id=decision.meeting_id, kind=InputKind.COOLING_OFF, considered_at__isnull=True
    ).count()


# ---------------------------------------------------------------------------------------------
# Opening and changing


def where_problem(decision: GroupDecision, *, now: datetime.datetime | None = None) -> str | None:
    now = now or timezone.now()
    if decision.meeting is not None:
        if decision.meeting.project_id != decision.project_id:
            return _("Choose a meeting of this group.")
        if decision.meeting.status == MeetingStatus.CANCELLED:
            return _("That meeting was cancelled. Choose another, or decide between meetings.")
        if decision.agenda_item is not None and decision.agenda_item.meeting_id != (
            decision.meeting.pk
        ):
            return _("Choose an item on that meeting's agenda.")
        return None
    if decision.closes_at is None:
        return _("Give a closing date for a decision taken between meetings.")
    if decision.closes_at <= now:
        return _("The closing date must be in the future.")
    return None


@transaction.atomic
def decision_open(
    *, decision: GroupDecision, actor: User, base_url: str | None = None
) -> list[User]:
    """Open a decision. Between meetings, everyone is asked for their answer (an essential
    message) and reminded before it closes. Returns who must be asked by other means."""
    if problem := where_problem(decision):
        raise Refused(problem)
    decision.created_by = actor
    decision.save()
    AuditEvent.record(
        actor=actor,
        action="decision.opened",
        summary=_("Opened a decision (%(method)s): %(question)s")
        % {"method": decision.get_method_display(), "question": decision.question[:120]},
        project=decision.project,
        data={"decision": decision.pk},
    )
    if decision.meeting_id is not None:
        return []
    to_contact = members_tell(
        users=[membership.user for membership in current_members(decision.project_id)],
        template="decision_opened",
        context={"decision": decision, "decision_url": decision_url(decision, base_url)},
        essential=True,
    )
    reminder_schedule(decision=decision, base_url=base_url)
    return to_contact


@transaction.atomic
def decision_change(
    *, decision: GroupDecision, actor: User, expected_version: int, fields: list[str]
) -> None:
    """Change an open decision's wording, theme or closing date; its method only while
    nobody has answered."""
    stored = GroupDecision.objects.select_for_update().get(pk=decision.pk)
    if stored.status != DecisionStatus.OPEN:
        raise Refused(_("This decision is closed, so it cannot be changed."))
    if stored.version != expected_version:
        raise Refused(
            _("Someone else changed this decision while you were editing. Check it and try again.")
        )
    if "method" in fields and stored.method != decision.method and stored.responses.exists():
        raise Refused(_("People have already answered, so the method cannot change now."))
    if problem := where_problem(decision):
        raise Refused(problem)
    values = {name: getattr(decision, name) for name in fields}
    GroupDecision.objects.filter(pk=decision.pk).update(version=F("version") + 1, **values)
    decision.version = expected_version + 1
    AuditEvent.record(
        actor=actor,
        action="decision.changed",
        summary=_("Changed the decision: %(question)s") % {"question": decision.question[:120]},
        project=decision.project,
        data={"decision": decision.pk, "changed": sorted(fields)},
    )


# ---------------------------------------------------------------------------------------------
# Answering


def choice_problem(decision: GroupDecision, choice: str, reason: str) -> str | None:
    allowed = CHOICES_FOR_METHOD[decision.method]
    if choice not in allowed:
        if choice in CHOICES_FOR_METHOD[Method.MAJORITY]:
            return _("This decision is not taken by a vote. Choose one of: %(choices)s.") % {
                "choices": ", ".join(str(Choice(value).label) for value in allowed)
            }
        return _("Choose one of: %(choices)s.") % {
            "choices": ", ".join(str(Choice(value).label) for value in allowed)
        }
    if choice in NEEDS_A_REASON and not reason.strip():
        if choice == Choice.BLOCK:
            return _("Say why you block it, so the group can work on it")
        return _("Say why you object, so the group can work on it")
    return None


@transaction.atomic
def response_save(
    *,
    decision: GroupDecision,
    user: User,
    choice: str,
    reason: str,
    actor: User,
    way: str = ResponseWay.ONLINE,
) -> Response:
    """One person's answer, given once. Refused after the close, from outside the group,
    a second time, or with a choice the method does not have."""
    closed = _("This decision has closed, so it takes no more answers.")
    if not decision.responses_open():
        raise Refused(closed)
    # Answers and the outcome take the same lock, so no answer lands after the count.
    if (
        not GroupDecision.objects.select_for_update()
        .filter(pk=decision.pk, status=DecisionStatus.OPEN)
        .exists()
    ):
        raise Refused(closed)
    membership = Membership.objects.current().filter(project=decision.project, user=user).first()
    if membership is None:
        raise Refused(_("Only members of the group answer its decisions."))
    if problem := choice_problem(decision, choice, reason):
        raise Refused(problem)
    if decision.meeting_id is not None and way == ResponseWay.ONLINE and actor == user:
        # At a meeting people answer in the room; those who cannot come answer in writing.
        way = ResponseWay.IN_WRITING
    try:
        with transaction.atomic():
            response = Response.objects.create(
                decision=decision,
                user=user,
                member_type=membership.member_type,
                choice=choice,
                reason=reason.strip(),
                way=way,
                recorded_by=actor,
            )
    except IntegrityError:
        if user == actor:
            raise Refused(_("You have already answered. Each person answers once.")) from None
        raise Refused(
            _("%(name)s has already answered. Each person answers once.") % {"name": user.full_name}
        ) from None
    AuditEvent.record(
        actor=actor,
        action="decision.answered",
        summary=_("Answered a decision: %(question)s") % {"question": decision.question[:120]}
        if user == actor
        else _("Entered %(name)s's answer to a decision: %(question)s")
        % {"name": user.full_name, "question": decision.question[:120]},
        project=decision.project,
        subject=user,
        data={"decision": decision.pk},
    )
    return response


# ---------------------------------------------------------------------------------------------
# The outcome


def outcome_for(method: str, choices: Iterable[str]) -> str:
    """Consensus: agreed unless someone blocks (and someone agrees). Consent: agreed unless
    someone objects. Majority: agreed when more are for it than against."""
    counts = Counter(choices)
    if method == Method.CONSENSUS:
        passed = counts[Choice.BLOCK] == 0 and counts[Choice.AGREE] > 0
    elif method == Method.CONSENT:
        passed = counts[Choice.OBJECT] == 0
    else:
        passed = counts[Choice.FOR] > counts[Choice.AGAINST]
    return Outcome.AGREED if passed else Outcome.NOT_AGREED


def close_problem(decision: GroupDecision, response_count: int) -> str | None:
    if not decision.is_open:
        return _("The outcome of this decision is already recorded.")
    if decision.meeting is not None and (problem := decision.meeting.record_problem()):
        return problem
    if response_count == 0:
        return _("Nobody has answered yet, so there is no outcome to record.")
    return None


def proposal_step(decision: GroupDecision, outcome: str) -> str | None:
    """The stage the decision's proposal moves to with this outcome: agreed or not agreed,
    when the proposal has reached a point where it can be (after the decision-makers'
    response, or a revision). None when there is no proposal, or it cannot move yet."""
    proposal = decision.proposal
    if proposal is None or not outcome:
        return None
    stage = Stage.AGREED if outcome == Outcome.AGREED else Stage.NOT_AGREED
    return stage if stage in proposal.next_stages else None


def reasons_given(decision: GroupDecision) -> str:
    """What those who blocked or objected said: the first draft of why it was not agreed."""
    reasons = decision.responses.filter(choice__in=NEEDS_A_REASON).values_list("reason", flat=True)
    return "\n".join(reason.strip() for reason in reasons if reason.strip())


@transaction.atomic
def decision_close(
    *,
    decision: GroupDecision,
    actor: User,
    note: str = "",
    timescale: str = "",
    reasons: str = "",
    base_url: str | None = None,
    expected_version: int | None = None,
    expected_answers: int | None = None,
) -> str:
    """Record the outcome from the answers given. Only one person can: the first UPDATE
    from "open" wins, and anyone else is told it is already recorded.

    With `expected_version` and `expected_answers` (what the person's page showed), raises
    StaleEdit, recording nothing, when the decision was changed or answered since.

    A decision on a proposal moves the proposal on with it: agreed needs `timescale`, not
    agreed its `reasons` (else those given by the people who blocked or objected). If the
    proposal cannot take that step, nothing is recorded (see proposal_move).
    """
    already = _("Someone else has just recorded the outcome of this decision.")
    # Lock the row first: answers wait for the outcome (see response_save), and a second
    # person recording it waits here, then finds it no longer open.
    stored_version = (
        GroupDecision.objects.select_for_update()
        .filter(pk=decision.pk, status=DecisionStatus.OPEN)
        .values_list("version", flat=True)
        .first()
    )
    if stored_version is None:
        raise Refused(already)
    choices = list(decision.responses.values_list("choice", flat=True))
    if expected_version is not None and stored_version != expected_version:
        raise StaleEdit
    if expected_answers is not None and len(choices) != expected_answers:
        raise StaleEdit
    if problem := close_problem(decision, len(choices)):
        raise Refused(problem)
    outcome = outcome_for(decision.method, choices)
    claimed = GroupDecision.objects.filter(pk=decision.pk, status=DecisionStatus.OPEN).update(
        status=DecisionStatus.CLOSED,
        outcome=outcome,
        closed_at=timezone.now(),
        closed_by=actor,
        outcome_note=note.strip(),
        version=F("version") + 1,
    )
    if not claimed:
        raise Refused(already)
    decision.refresh_from_db()
    AuditEvent.record(
        actor=actor,
        action="decision.closed",
        summary=_("Recorded the outcome (%(outcome)s): %(question)s")
        % {"outcome": decision.get_outcome_display(), "question": decision.question[:120]},
        project=decision.project,
        data={"decision": decision.pk, "outcome": outcome},
    )
    if decision.proposal_id is not None:
        # Read again under a lock: the proposal may have moved since the page was opened.
        decision.proposal = Proposal.objects.select_for_update().get(pk=decision.proposal_id)
        if stage := proposal_step(decision, outcome):
            proposal_move(
                proposal=decision.proposal,
                actor=actor,
                stage=stage,
                expected_version=decision.proposal.version,
                timescale=timescale,
                reasons=reasons.strip() or reasons_given(decision),
                base_url=base_url,
            )
    return outcome


# ---------------------------------------------------------------------------------------------
# Side by side: how people with lived or caring experience and professionals answered


@dataclass(frozen=True)
class TallyRow:
    choice: str
    label: str
    lived: int
    professional: int
    facilitator: int

    @property
    def total(self) -> int:
        return self.lived + self.professional + self.facilitator


def tally(decision: GroupDecision, responses: Iterable[Response]) -> list[TallyRow]:
    counts: Counter[tuple[str, str]] = Counter(
        (response.choice, experience_side(response.member_type)) for response in responses
    )
    return [
        TallyRow(
            choice=value,
            label=label,
            lived=counts[(value, LIVED)],
            professional=counts[(value, PROFESSIONAL)],
            facilitator=counts[(value, FACILITATOR)],
        )
        for value, label in decision.choices
    ]


# ---------------------------------------------------------------------------------------------
# Reminders before a decision between meetings closes


def reminder_schedule(*, decision: GroupDecision, base_url: str | None = None) -> bool:
    """Queue the reminder for its time. A backend that cannot wait (the immediate one in
    tests) would send it at once, so nothing is queued there."""
    backend = decision_reminders_task.get_backend()
    if decision.closes_at is None or not backend.supports_defer:
        return False
    decision_reminders_task.using(run_after=decision.closes_at - REMINDER_BEFORE).enqueue(
        decision_id=decision.pk,
        closes_at_iso=decision.closes_at.isoformat(),
        base_url=site_root(base_url),
    )
    return True


def reminders_send(
    *,
    decision_id: int,
    closes_at_iso: str,
    base_url: str = "",
    now: datetime.datetime | None = None,
) -> int:
    """Remind the members who have not answered, each as they asked to be told (a
    reminder is not essential: people who want a daily or weekly message get it there).
    Does nothing for a decision that has closed or whose closing date has moved."""
    now = now or timezone.now()
    decision = GroupDecision.objects.select_related("project").filter(pk=decision_id).first()
    if decision is None or not decision.responses_open() or decision.closes_at is None:
        return 0
    if decision.closes_at != datetime.datetime.fromisoformat(closes_at_iso):
        return 0
    answered = set(decision.responses.values_list("user_id", flat=True))
    people = [
        membership.user
        for membership in current_members(decision.project_id)
        if membership.user_id not in answered
    ]
    members_tell(
        users=people,
        template="decision_reminder",
        context={"decision": decision, "decision_url": decision_url(decision, base_url)},
        essential=False,
    )
    return len(people)


@task()
def decision_reminders_task(decision_id: int, closes_at_iso: str, base_url: str = "") -> int:
    return reminders_send(decision_id=decision_id, closes_at_iso=closes_at_iso, base_url=base_url)
