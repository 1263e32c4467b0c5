"""What the home page lists from recruitment: applications for leaders to move on, and for
panel members to score."""

from accounts.models import User
from conftest import Cast
from recruitment import services, todo
from recruitment.tests.test_selection import an_application, panel_call


def texts(user: User) -> list[str]:
    return [str(item.text) for item in todo.todos_for(user)]


def test_it_asks_leaders_for_the_next_stage_and_the_panel_for_their_scores(cast: Cast) -> None:
    call = panel_call(cast)
    assert texts(cast.chair) == []
    application = an_application(call)
    an_application(call, "Ruth Clarke")
    assert texts(cast.chair) == [
        "2 applications to Join our website group are waiting for their next stage"
    ]
    assert texts(cast.member) == [
        "Score the applications to Join our website group: 2 waiting for you"
    ]
    assert len(texts(cast.coordinator)) == 2
    assert texts(cast.carer) == []

    services.assessment_save(application=application, assessor=cast.member, score=3, note="")
    assert texts(cast.member) == [
        "Score the applications to Join our website group: 1 waiting for you"
    ]
