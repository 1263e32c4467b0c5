"""What the home page lists from decisions: answers to give, actions due, blocked actions."""

import datetime

from django.utils import timezone

from accounts.models import User
from conftest import Cast
from coproduce.lib.todo import Urgency
from decisions import todo
from decisions.models import Action, Choice
from decisions.services import methods
from decisions.tests.helpers import a_decision
from meetings.models import ActionStatus


def texts(user: User) -> list[str]:
    return [str(item.text) for item in todo.todos_for(user)]


def test_it_asks_each_member_for_their_answer_until_they_give_it(cast: Cast) -> None:
    decision = a_decision(cast)
    [item] = todo.todos_for(cast.carer)
    assert str(item.text) == "Give your answer: Do we put the crisis line at the top?"
    assert item.url == f"/decisions/{decision.pk}/"
    assert item.due == decision.closes_at
    assert item.urgency == Urgency.SOON
    methods.response_save(
        decision=decision, user=cast.carer, choice=Choice.AGREE, reason="", actor=cast.carer
    )
    assert texts(cast.carer) == []
    assert texts(cast.outsider) == []


def test_it_lists_actions_someone_owns_that_are_due_and_blocked_ones_for_leaders(
    cast: Cast,
) -> None:
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    Action.objects.create(
        project=cast.website, text="Book the room", owner=cast.carer, due_on=yesterday
    )
    Action.objects.create(
        project=cast.website,
        text="Ask the web team",
        owner=cast.clinician,
        status=ActionStatus.BLOCKED,
        barrier="Nobody answers",
    )
    [item] = todo.todos_for(cast.carer)
    assert str(item.text) == "Your action: Book the room"
    assert item.urgency == Urgency.OVERDUE
    assert texts(cast.chair) == ["Blocked action: Ask the web team"]
    assert texts(cast.member) == []
