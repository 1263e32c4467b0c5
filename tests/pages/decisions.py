"""How the accessibility walk reaches the decisions pages, from the demo data."""

from typing import Any

from django.urls import reverse

from decisions.models import (
    Action,
    Credit,
    Entry,
    GroupDecision,
    Method,
    Proposal,
    Stage,
    Subscriber,
)
from decisions.services.proposals import proposal_move
from meetings.models import ActionPoint
from tests.conftest import Demo

AGREED = "Put the crisis line at the top of every page"
OPEN = "An easy read version of the crisis pages"
NOT_AGREED = "A night-time chat service"
DRAFT = "Check every page in plain English"


def website(demo: Demo) -> dict[str, Any]:
    return {"project_pk": demo.website.pk}


def proposal(demo: Demo, title: str = OPEN) -> dict[str, Any]:
    return {"pk": Proposal.objects.get(project=demo.website, title=title).pk}


def the_draft(demo: Demo) -> dict[str, Any]:
    return proposal(demo, DRAFT)


def responding(demo: Demo) -> dict[str, Any]:
    return proposal(demo) | {"stage": "responded"}


def moving(demo: Demo, title: str, stage: str) -> str:
    return reverse("decisions:proposal_move", kwargs=proposal(demo, title) | {"stage": stage})


def decision(demo: Demo, method: str = Method.CONSENT) -> dict[str, Any]:
    return {"pk": GroupDecision.objects.get(project=demo.website, method=method).pk}


def consensus_at_the_meeting(demo: Demo) -> dict[str, Any]:
    return decision(demo, Method.CONSENSUS)


def the_vote(demo: Demo) -> dict[str, Any]:
    return decision(demo, Method.MAJORITY)


def blocked_action(demo: Demo) -> dict[str, Any]:
    return {"pk": Action.objects.get(project=demo.website, status="blocked").pk}


def an_action_point(demo: Demo) -> dict[str, Any]:
    return {"pk": ActionPoint.objects.filter(meeting__project=demo.website).first().pk}  # type: ignore[union-attr]


def an_entry(demo: Demo) -> dict[str, Any]:
    return {"pk": Entry.objects.filter(project=demo.website).first().pk}  # type: ignore[union-attr]


def helpful(demo: Demo) -> dict[str, Any]:
    return website(demo) | an_entry(demo)


def amiras_credit(demo: Demo) -> dict[str, Any]:
    credit = Credit.objects.get(entry__project=demo.website, user__email="amira@example.org")
    return {"entry_pk": credit.entry_id}


def _subscriber(demo: Demo) -> Subscriber:
    return Subscriber.objects.get_or_create(project=demo.website, email="reader@example.net")[0]


def confirm_token(demo: Demo) -> dict[str, Any]:
    return {"token": _subscriber(demo).confirm_token}


def unsubscribe_token(demo: Demo) -> dict[str, Any]:
    return {"token": _subscriber(demo).unsubscribe_token}


def log_by_two_themes(demo: Demo) -> str:
    return (
        reverse("decisions:decision_log", kwargs=website(demo))
        + "?theme=easy+read&theme=crisis+pages"
    )


def closing_a_decision_on_a_responded_proposal(demo: Demo) -> str:
    """The open consent decision is on the easy read proposal: once the decision-makers have
    responded to it, recording the outcome asks by when it will be done."""
    easy_read = Proposal.objects.get(project=demo.website, title=OPEN)
    if easy_read.stage == Stage.OPEN:
        proposal_move(
            proposal=easy_read,
            actor=demo.person("chair"),
            stage=Stage.RESPONDED,
            expected_version=easy_read.version,
            note="We support it; the group decides.",
        )
    return reverse("decisions:decision_close", kwargs=decision(demo, Method.CONSENT))
