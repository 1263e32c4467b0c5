"""What co-production means here: the organisation's words, a group's own, and members
confirming they have read them as part of joining."""

from django.urls import reverse

from accounts.models import AuditEvent, Organisation
from conftest import Cast, client_for
from projects.models import Membership, Project

ORGANISATION_WORDS = "We plan and decide with the people who use our services, as equals."
GROUP_WORDS = "In this group, people who use the website decide what it says."


def page(cast: Cast, name: str) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk})


def test_it_shows_members_the_organisations_words_until_the_group_adapts_them(cast: Cast) -> None:
    Organisation.objects.update(coproduction_meaning=ORGANISATION_WORDS)
    amira = client_for(cast.member)
    assert ORGANISATION_WORDS in amira.get(page(cast, "coproduction_meaning")).text

    grace = client_for(cast.coordinator)
    form = grace.get(page(cast, "coproduction_meaning_edit"))
    assert ORGANISATION_WORDS in form.text  # a leader starts from the organisation's words
    project = Project.objects.get(pk=cast.website.pk)
    response = grace.post(
        page(cast, "coproduction_meaning_edit"),
        {"coproduction_meaning": GROUP_WORDS, "version": project.version},
    )
    assert response.status_code == 302

    text = amira.get(page(cast, "coproduction_meaning")).text
    assert GROUP_WORDS in text
    assert ORGANISATION_WORDS not in text
    assert AuditEvent.objects.filter(action="project.meaning_changed").count() == 1


def test_it_refuses_a_stale_save_and_keeps_what_the_leader_typed(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    version = Project.objects.get(pk=cast.website.pk).version
    first = {"coproduction_meaning": GROUP_WORDS, "version": version}
    assert grace.post(page(cast, "coproduction_meaning_edit"), first).status_code == 302

    stale = {"coproduction_meaning": "Words typed on an old page.", "version": version}
    response = grace.post(page(cast, "coproduction_meaning_edit"), stale)

    assert response.status_code == 400
    assert "Someone else saved changes" in response.text
    assert "Words typed on an old page." in response.text
    assert Project.objects.get(pk=cast.website.pk).coproduction_meaning == GROUP_WORDS


def test_it_records_that_a_member_has_read_it_once_as_their_own_step(cast: Cast) -> None:
    amira = client_for(cast.member)
    url = page(cast, "coproduction_meaning_read")

    assert amira.post(url).status_code == 302
    first = Membership.objects.get(project=cast.website, user=cast.member).meaning_read_at
    assert first is not None
    assert amira.post(url).status_code == 302
    again = Membership.objects.get(project=cast.website, user=cast.member).meaning_read_at

    assert again == first
    assert AuditEvent.objects.filter(action="membership.meaning_read").count() == 1


def test_it_keeps_the_words_from_outsiders_and_editing_from_members(cast: Cast) -> None:
    assert client_for(cast.outsider).get(page(cast, "coproduction_meaning")).status_code == 404
    assert client_for(cast.member).get(page(cast, "coproduction_meaning_edit")).status_code == 403
