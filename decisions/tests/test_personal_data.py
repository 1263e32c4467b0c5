from conftest import Cast
from decisions import personal_data
from decisions.models import Action, Choice, Credit, Entry, Response, Subscriber
from decisions.services import methods
from decisions.tests.helpers import a_decision, a_proposal


def test_it_gives_amira_her_proposals_answers_and_credits_and_erases_what_it_should(
    cast: Cast,
) -> None:
    a_proposal(cast)
    decision = a_decision(cast)
    methods.response_save(
        decision=decision, user=cast.member, choice=Choice.AGREE, reason="", actor=cast.member
    )
    action = Action.objects.create(project=cast.website, text="Ask", owner=cast.member)
    entry = Entry.objects.create(project=cast.website, you_said="Said", we_did="Did")
    Credit.objects.create(entry=entry, user=cast.member, name_shown=True)
    Subscriber.objects.create(project=cast.website, email="AMIRA@example.org")
    sections = {section.key: section for section in personal_data.export(cast.member)}
    assert len(sections["proposals"].rows) == 1
    assert sections["decision_answers"].rows[0]["choice"] == "I agree"
    assert len(sections["subscriptions"].rows) == 1
    personal_data.erase(cast.member)
    assert not Subscriber.objects.exists()
    assert not Credit.objects.get().name_shown
    action.refresh_from_db()
    assert action.owner is None
    # The answer stays: the outcome of the decision does not change.
    assert Response.objects.filter(user=cast.member).exists()
