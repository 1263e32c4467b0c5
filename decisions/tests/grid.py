"""What the permission grid needs from decisions: one of each thing, in the website group."""

from typing import Any

from conftest import Cast
from decisions.models import Action, Credit, Entry, PublicPage, Stage, Subscriber
from decisions.tests.helpers import a_decision, a_proposal, held_meeting
from meetings.models import ActionPoint


def website(cast: Cast) -> dict[str, Any]:
    return {"project_pk": cast.website.pk}


def an_open_proposal(cast: Cast) -> dict[str, Any]:
    return {"pk": a_proposal(cast, Stage.OPEN).pk}


def amiras_draft(cast: Cast) -> dict[str, Any]:
    return {"pk": a_proposal(cast, Stage.DRAFT).pk}


def responding_to_a_proposal(cast: Cast) -> dict[str, Any]:
    return {"pk": a_proposal(cast, Stage.OPEN).pk, "stage": Stage.RESPONDED}


def an_open_decision(cast: Cast) -> dict[str, Any]:
    return {"pk": a_decision(cast).pk}


def amiras_action(cast: Cast) -> dict[str, Any]:
    return {"pk": Action.objects.create(project=cast.website, text="Ask", owner=cast.member).pk}


def colins_action_point(cast: Cast) -> dict[str, Any]:
    meeting, item = held_meeting(cast)
    point = ActionPoint.objects.create(
        meeting=meeting, agenda_item=item, text="Do", owner=cast.carer
    )
    return {"pk": point.pk}


def published(cast: Cast) -> dict[str, Any]:
    PublicPage.objects.update_or_create(project=cast.website, defaults={"is_published": True})
    return website(cast)


def a_published_entry(cast: Cast) -> dict[str, Any]:
    published(cast)
    entry = Entry.objects.create(project=cast.website, you_said="Said", we_did="Did")
    return {"project_pk": cast.website.pk, "pk": entry.pk}


def an_entry(cast: Cast) -> dict[str, Any]:
    return {"pk": Entry.objects.create(project=cast.website, you_said="Said", we_did="Did").pk}


def amiras_credit(cast: Cast) -> dict[str, Any]:
    entry = Entry.objects.create(project=cast.website, you_said="Said", we_did="Did")
    Credit.objects.create(entry=entry, user=cast.member)
    return {"entry_pk": entry.pk}


def a_confirm_token(cast: Cast) -> dict[str, Any]:
    published(cast)
    subscriber = Subscriber.objects.create(project=cast.website, email="reader@example.net")
    return {"token": subscriber.confirm_token}


def an_unsubscribe_token(cast: Cast) -> dict[str, Any]:
    published(cast)
    subscriber = Subscriber.objects.create(project=cast.website, email="reader@example.net")
    return {"token": subscriber.unsubscribe_token}
