"""What the history takes from decisions: each decision once its outcome is recorded."""

from django.utils import timezone

from conftest import Cast
from coproduce.lib.history import events_of, history_of
from decisions import history
from decisions.models import DecisionStatus, GroupDecision, Method, Outcome


def texts(cast: Cast) -> list[str]:
    rows = history_of([history.SOURCE], cast.website)
    return [str(event.text) for event in events_of([history.SOURCE], rows or [], cast.website)]


def a_decision(cast: Cast, question: str, outcome: str = "") -> GroupDecision:
    now = timezone.now()
    closed = {"status": DecisionStatus.CLOSED, "outcome": outcome, "closed_at": now}
    return GroupDecision.objects.create(
        project=cast.website,
        question=question,
        method=Method.CONSENT,
        closes_at=now,
        **(closed if outcome else {}),
    )


def test_it_tells_what_the_group_agreed_and_did_not_once_the_outcome_is_recorded(
    cast: Cast,
) -> None:
    a_decision(cast, "Do we put the crisis line at the top?", Outcome.AGREED)
    a_decision(cast, "Do we open a night-time chat?", Outcome.NOT_AGREED)
    a_decision(cast, "Do we make an easy read version?")
    assert sorted(texts(cast)) == [
        "Agreed: Do we put the crisis line at the top?",
        "Not agreed: Do we open a night-time chat?",
    ]
    assert history.rows(cast.website, kinds=["meetings"], since=None, until=None) == []
