import datetime
import threading

import pytest
from django.core import mail
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conftest import Cast, client_for
from decisions.models import (
    Choice,
    DecisionStatus,
    GroupDecision,
    Method,
    Outcome,
    Response,
    ResponseWay,
)
from decisions.services import Refused, methods
from decisions.tests.helpers import a_decision, close_seen, held_meeting
from meetings.models import InputKind, WrittenInput
from people.models import Profile


def answer(cast: Cast, decision: GroupDecision, user: User, choice: str, reason: str = "") -> None:
    methods.response_save(decision=decision, user=user, choice=choice, reason=reason, actor=user)


def test_it_asks_everyone_when_a_decision_opens_between_meetings(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("decisions:decision_add", args=[cast.website.pk]),
        {
            "question": "Do we add an easy read crisis page?",
            "theme": "crisis pages",
            "method": Method.CONSENT,
            "where": "between",
            "closes_on_day": "1",
            "closes_on_month": "1",
            "closes_on_year": str(timezone.localdate().year + 1),
        },
    )
    assert response.status_code == 302
    decision = GroupDecision.objects.get()
    assert decision.meeting is None
    assert decision.closes_at is not None
    told = {address for message in mail.outbox for address in message.to}
    assert {"amira@example.org", "colin@example.org", "tom@example.org"} <= told


def test_it_needs_a_closing_date_between_meetings(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("decisions:decision_add", args=[cast.website.pk]),
        {"question": "Q?", "method": Method.MAJORITY, "where": "between"},
    )
    assert response.status_code == 400
    assert "Give a closing date for a decision taken between meetings" in response.text
    assert not GroupDecision.objects.exists()


def test_it_opens_a_decision_against_an_agenda_item(cast: Cast) -> None:
    meeting, item = held_meeting(cast)
    response = client_for(cast.chair).post(
        reverse("decisions:decision_add", args=[cast.website.pk]),
        {"question": "Q?", "method": Method.CONSENSUS, "where": f"item-{item.pk}"},
    )
    assert response.status_code == 302
    decision = GroupDecision.objects.get()
    assert decision.meeting == meeting
    assert decision.agenda_item == item


def test_it_takes_each_voice_once(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENSUS)
    url = reverse("decisions:decision_respond", args=[decision.pk])
    amira = client_for(cast.member)
    assert amira.post(url, {"choice": Choice.AGREE}).status_code == 302
    again = amira.post(url, {"choice": Choice.STAND_ASIDE})
    assert again.status_code == 400
    assert "already answered" in again.text
    assert Response.objects.get().choice == Choice.AGREE


def test_it_needs_a_reason_to_block(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENSUS)
    response = client_for(cast.carer).post(
        reverse("decisions:decision_respond", args=[decision.pk]),
        {"choice": Choice.BLOCK, "reason": ""},
    )
    assert response.status_code == 400
    assert "Say why you block it" in response.text
    assert not Response.objects.exists()


def test_it_refuses_a_vote_on_a_decision_that_is_not_a_vote(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENT)
    response = client_for(cast.carer).post(
        reverse("decisions:decision_respond", args=[decision.pk]), {"choice": Choice.FOR}
    )
    assert response.status_code == 400
    assert "Choose your answer from the ones shown" in response.text
    with pytest.raises(Refused, match="not taken by a vote"):
        answer(cast, decision, cast.carer, Choice.FOR)
    assert not Response.objects.exists()


def test_it_refuses_answers_after_the_close_and_from_outside(cast: Cast) -> None:
    decision = a_decision(cast, Method.MAJORITY)
    answer(cast, decision, cast.member, Choice.FOR)
    methods.decision_close(decision=decision, actor=cast.chair)
    decision.refresh_from_db()
    response = client_for(cast.carer).post(
        reverse("decisions:decision_respond", args=[decision.pk]), {"choice": Choice.FOR}
    )
    assert response.status_code == 400
    assert "has closed" in response.text
    assert (
        client_for(cast.outsider)
        .get(reverse("decisions:decision_respond", args=[decision.pk]))
        .status_code
        == 404
    )
    # Sam runs the organisation but is not in the group: no vote.
    assert (
        client_for(cast.administrator)
        .get(reverse("decisions:decision_respond", args=[decision.pk]))
        .status_code
        == 403
    )
    assert Response.objects.count() == 1


def test_it_refuses_changes_to_a_closed_decision(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENT)
    answer(cast, decision, cast.member, Choice.CONSENT)
    methods.decision_close(decision=decision, actor=cast.chair)
    decision.refresh_from_db()
    decision.question = "Something else"
    with pytest.raises(Refused, match="closed"):
        methods.decision_change(
            decision=decision,
            actor=cast.chair,
            expected_version=decision.version,
            fields=["question"],
        )
    assert GroupDecision.objects.get().question == "Do we put the crisis line at the top?"
    page = client_for(cast.chair).get(reverse("decisions:decision_edit", args=[decision.pk]))
    assert page.status_code == 302


@pytest.mark.parametrize(
    ("method", "choices", "outcome"),
    [
        (Method.CONSENSUS, [Choice.AGREE, Choice.STAND_ASIDE], Outcome.AGREED),
        (Method.CONSENSUS, [Choice.AGREE, Choice.BLOCK], Outcome.NOT_AGREED),
        (Method.CONSENT, [Choice.CONSENT], Outcome.AGREED),
        (Method.CONSENT, [Choice.CONSENT, Choice.OBJECT], Outcome.NOT_AGREED),
        (Method.MAJORITY, [Choice.FOR, Choice.FOR, Choice.AGAINST], Outcome.AGREED),
        (Method.MAJORITY, [Choice.FOR, Choice.AGAINST, Choice.ABSTAIN], Outcome.NOT_AGREED),
    ],
)
def test_it_works_out_the_outcome_by_the_method(
    cast: Cast, method: str, choices: list[str], outcome: str
) -> None:
    decision = a_decision(cast, method)
    for user, choice in zip([cast.member, cast.clinician, cast.carer], choices, strict=False):
        answer(
            cast, decision, user, choice, reason="Because." if choice in ("block", "object") else ""
        )
    response = client_for(cast.chair).post(
        reverse("decisions:decision_close", args=[decision.pk]),
        {"note": "", **close_seen(decision)},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.CLOSED
    assert decision.outcome == outcome


def test_it_shows_lived_and_professional_answers_side_by_side(cast: Cast) -> None:
    decision = a_decision(cast, Method.MAJORITY)
    answer(cast, decision, cast.member, Choice.FOR)
    answer(cast, decision, cast.carer, Choice.FOR)
    answer(cast, decision, cast.clinician, Choice.AGAINST)
    rows = {row.choice: row for row in methods.tally(decision, decision.responses.all())}
    assert (rows["for"].lived, rows["for"].professional) == (2, 0)
    assert (rows["against"].lived, rows["against"].professional) == (0, 1)
    page = client_for(cast.commissioner).get(
        reverse("decisions:decision_detail", args=[decision.pk])
    )
    assert "Lived or caring experience" in page.text
    assert "Professionals and commissioners" in page.text


def test_it_lets_the_minute_taker_enter_answers_at_the_meeting(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENSUS, at_meeting=True)
    url = reverse("decisions:response_record", args=[decision.pk])
    response = client_for(cast.chair).post(
        url,
        {"person": cast.carer.pk, "way": ResponseWay.IN_ROOM, "choice": Choice.AGREE, "reason": ""},
    )
    assert response.status_code == 302
    saved = Response.objects.get()
    assert (saved.user, saved.way, saved.recorded_by) == (cast.carer, "in_room", cast.chair)
    assert client_for(cast.member).get(url).status_code == 403


def test_it_lists_written_only_members_for_the_organisers(cast: Cast) -> None:
    Profile.objects.create(user=cast.commissioner, written_only=True)
    decision = a_decision(cast, Method.CONSENT)
    page = client_for(cast.chair).get(reverse("decisions:decision_detail", args=[decision.pk]))
    assert "take part in writing only" in page.text
    assert "Tom Gallagher" in page.text


def test_it_keeps_a_meeting_decision_provisional_until_thoughts_are_answered(cast: Cast) -> None:
    meeting, item = held_meeting(cast, cooling_off=True)
    decision = GroupDecision(
        project=cast.website,
        question="Q?",
        method=Method.CONSENT,
        meeting=meeting,
        agenda_item=item,
    )
    methods.decision_open(decision=decision, actor=cast.chair)
    answer(cast, decision, cast.member, Choice.CONSENT)
    methods.decision_close(decision=decision, actor=cast.chair)
    decision.refresh_from_db()
    assert decision.provisional(methods.unanswered_thoughts(decision))
    meeting.cooling_off_ends_at = timezone.now() - datetime.timedelta(minutes=1)
    meeting.save()
    thought = WrittenInput.objects.create(
        meeting=meeting, author=cast.carer, kind=InputKind.COOLING_OFF, text="One more thing."
    )
    decision.refresh_from_db()
    assert decision.provisional(methods.unanswered_thoughts(decision))
    thought.considered_at, thought.response = timezone.now(), "Thank you."
    thought.save()
    assert not decision.provisional(methods.unanswered_thoughts(decision))


def test_it_reminds_only_those_who_have_not_answered(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENT)
    answer(cast, decision, cast.member, Choice.CONSENT)
    mail.outbox.clear()
    assert decision.closes_at is not None
    sent = methods.reminders_send(
        decision_id=decision.pk, closes_at_iso=decision.closes_at.isoformat()
    )
    told = {address for message in mail.outbox for address in message.to}
    assert "amira@example.org" not in told
    assert "colin@example.org" in told
    assert sent == 5


def test_it_refuses_to_record_an_outcome_twice(cast: Cast) -> None:
    decision = a_decision(cast, Method.CONSENT)
    answer(cast, decision, cast.member, Choice.CONSENT)
    methods.decision_close(decision=decision, actor=cast.chair)
    stale = GroupDecision.objects.get(pk=decision.pk)
    stale.status = DecisionStatus.OPEN
    with pytest.raises(Refused, match=r"already recorded|Someone else"):
        methods.decision_close(decision=stale, actor=cast.coordinator)
    assert GroupDecision.objects.get().closed_by == cast.chair


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite takes one writer at a time, so two people cannot record at the same moment",
)
@pytest.mark.django_db(transaction=True)
def test_it_lets_only_one_of_two_people_recording_the_outcome_at_once_succeed(
    cast: Cast,
) -> None:
    """Two connections: the first holds its transaction open while the second tries."""
    decision = a_decision(cast, Method.CONSENT)
    answer(cast, decision, cast.member, Choice.CONSENT)
    first_in = threading.Event()
    results: dict[str, str] = {}

    def record(who: str, actor: User, hold: bool) -> None:
        try:
            with transaction.atomic():
                methods.decision_close(
                    decision=GroupDecision.objects.get(pk=decision.pk), actor=actor
                )
                if hold:
                    first_in.set()
                    # Keep the lock while the other connection tries.
                    threading.Event().wait(0.5)
            results[who] = "recorded"
        except Refused as error:
            results[who] = str(error)
        finally:
            connections.close_all()

    first = threading.Thread(target=record, args=("deborah", cast.chair, True))
    first.start()
    assert first_in.wait(5)
    second = threading.Thread(target=record, args=("grace", cast.coordinator, False))
    second.start()
    first.join(10)
    second.join(10)
    assert results["deborah"] == "recorded"
    assert "Someone else" in results["grace"]
    assert GroupDecision.objects.get().closed_by == cast.chair
