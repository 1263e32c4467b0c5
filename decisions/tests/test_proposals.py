from django.urls import reverse

from conftest import Cast, client_for
from decisions.models import Comment, Proposal, ProposalVersion, Stage
from decisions.services import Refused, proposals
from decisions.tests.helpers import a_proposal
from people.models import MemberType


def test_it_lets_a_lay_member_draft_a_proposal_only_they_see(cast: Cast) -> None:
    response = client_for(cast.member).post(
        reverse("decisions:proposal_add", args=[cast.website.pk]),
        {"title": "Easy read crisis page", "theme": "", "text": "Make one."},
    )
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert proposal.author == cast.member
    assert proposal.stage == Stage.DRAFT
    assert ProposalVersion.objects.filter(proposal=proposal, number=1).exists()
    detail = reverse("decisions:proposal_detail", args=[proposal.pk])
    assert client_for(cast.carer).get(detail).status_code == 403
    assert client_for(cast.chair).get(detail).status_code == 200


def test_it_names_the_missing_fields_and_keeps_what_was_typed(cast: Cast) -> None:
    response = client_for(cast.member).post(
        reverse("decisions:proposal_add", args=[cast.website.pk]),
        {"title": "", "theme": "access", "text": ""},
    )
    assert response.status_code == 400
    assert "Give the proposal a title" in response.text
    assert "Write what you propose" in response.text
    assert 'value="access"' in response.text
    assert not Proposal.objects.exists()


def test_it_takes_a_proposal_through_its_whole_life_keeping_every_version(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.DONE)
    stages = list(ProposalVersion.objects.filter(proposal=proposal).values_list("stage", flat=True))
    assert stages == ["draft", "open", "responded", "agreed", "in_progress", "done"]
    assert proposal.timescale == "By the end of June"
    assert ProposalVersion.objects.get(proposal=proposal, stage="responded").moved_by == cast.chair


def test_it_lets_the_author_open_and_revise_but_not_agree(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.DRAFT)
    amira = client_for(cast.member)
    move = reverse("decisions:proposal_move", args=[proposal.pk, "open"])
    assert amira.post(move, {"version": proposal.version, "note": ""}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.stage == Stage.OPEN
    agree = reverse("decisions:proposal_move", args=[proposal.pk, "agreed"])
    assert amira.get(agree).status_code == 403


def test_it_refuses_a_step_that_does_not_follow_and_changes_nothing(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.OPEN)
    response = client_for(cast.chair).post(
        reverse("decisions:proposal_move", args=[proposal.pk, "agreed"]),
        {"version": proposal.version, "timescale": "Soon"},
    )
    assert response.status_code == 400
    assert "cannot move to" in response.text
    proposal.refresh_from_db()
    assert proposal.stage == Stage.OPEN


def test_it_asks_for_reasons_when_not_agreed(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.RESPONDED)
    response = client_for(cast.chair).post(
        reverse("decisions:proposal_move", args=[proposal.pk, "not_agreed"]),
        {"version": proposal.version, "reasons": ""},
    )
    assert response.status_code == 400
    assert "Say why it was not agreed" in response.text
    proposal.refresh_from_db()
    assert proposal.stage == Stage.RESPONDED


def test_it_refuses_a_stale_move(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.OPEN)
    old_version = proposal.version
    proposals.proposal_move(
        proposal=proposal,
        actor=cast.chair,
        stage="responded",
        expected_version=old_version,
        note="Good.",
    )
    stale = Proposal.objects.get(pk=proposal.pk)
    stale.stage = Stage.OPEN
    try:
        proposals.proposal_move(
            proposal=stale,
            actor=cast.chair,
            stage="responded",
            expected_version=old_version,
            note="Again.",
        )
    except Refused:
        pass
    else:
        raise AssertionError("a stale move went through")
    assert ProposalVersion.objects.filter(proposal=proposal, stage="responded").count() == 1


def test_it_groups_comments_by_what_people_bring(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.OPEN)
    for user, text in [
        (cast.carer, "As a carer I look for the number too."),
        (cast.clinician, "Clinically sound."),
        (cast.member, "Yes please."),
    ]:
        response = client_for(user).post(
            reverse("decisions:proposal_comment", args=[proposal.pk]), {"text": text}
        )
        assert response.status_code == 302
    assert Comment.objects.get(author=cast.carer).member_type == MemberType.CARER
    page = client_for(cast.commissioner).get(
        reverse("decisions:proposal_detail", args=[proposal.pk])
    )
    body = page.text
    assert body.index("Lived experience") < body.index("Yes please.") < body.index("Carer")
    assert body.index("Carer") < body.index("As a carer") < body.index("Professional")


def test_it_refuses_comments_when_not_open(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.RESPONDED)
    response = client_for(cast.carer).post(
        reverse("decisions:proposal_comment", args=[proposal.pk]), {"text": "Late"}
    )
    assert response.status_code == 400
    assert "not open for comment" in response.text
    assert not Comment.objects.exists()


def test_it_compares_two_versions_word_by_word(cast: Cast) -> None:
    proposal = a_proposal(cast, Stage.REVISED)
    response = client_for(cast.carer).get(
        reverse("decisions:proposal_versions", args=[proposal.pk]), {"a": 1, "b": 4}
    )
    assert response.status_code == 200
    assert '<ins class="app-diff__added">' in response.text
    assert "<del" in response.text
    pieces = proposals.words_compare("one two three", "one three four")
    assert [(p.kind, p.text.strip()) for p in pieces if p.kind != "same"] == [
        ("removed", "two"),
        ("added", "four"),
    ]
