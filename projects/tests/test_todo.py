"""What the home page lists from projects: the newest ground rules, until each member agrees."""

from conftest import Cast
from projects import todo
from projects.models import GroundRulesAnswer, GroundRulesVersion
from projects.tests.test_ground_rules import adopted


def test_it_asks_each_member_to_agree_to_the_newest_ground_rules_once(cast: Cast) -> None:
    assert todo.todos_for(cast.member) == []
    adopted(cast)
    adopted(cast, "Listen to each other\nTake breaks")
    [item] = todo.todos_for(cast.member)
    assert str(item.text) == "Read and agree to the ground rules"
    assert item.url == f"/projects/{cast.website.pk}/ground-rules/"
    newest = GroundRulesVersion.objects.get(number=2)
    GroundRulesAnswer.objects.create(version=newest, user=cast.member, agrees=True)
    assert todo.todos_for(cast.member) == []
    assert todo.todos_for(cast.outsider) == []
