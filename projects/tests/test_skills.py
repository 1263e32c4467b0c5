from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for
from projects.models import Skill, SkillOffer


def url(name: str, cast: Cast, skill: Skill | None = None) -> str:
    kwargs = {"pk": cast.website.pk} | ({"skill_pk": skill.pk} if skill else {})
    return reverse(f"projects:{name}", kwargs=kwargs)


def make(cast: Cast, name: str = "Testing with screen readers", **fields: Any) -> Skill:
    return Skill.objects.create(project=cast.website, name=name, **fields)


def test_it_lets_the_chair_list_what_the_group_needs(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        url("skill_add", cast),
        {"name": "Plain English editing", "description": "", "gap_plan": "training"},
    )
    assert response["Location"] == url("skills", cast)
    skill = Skill.objects.get()
    assert skill.gap_plan == "training"
    assert AuditEvent.objects.filter(action="skill.added").exists()


def test_it_shows_gaps_and_who_brings_each_skill(cast: Cast) -> None:
    editing = make(cast, "Plain English editing")
    make(cast, "Web accessibility law", gap_plan="visiting_expert")
    SkillOffer.objects.create(skill=editing, user=cast.carer)
    html = client_for(cast.member).get(url("skills", cast)).content.decode()
    assert "Colin Price" in html
    assert "Nobody in the group brings 1 of these yet" in html
    assert "Invite a visiting expert" in html


def test_it_forgets_what_former_members_brought(cast: Cast) -> None:
    editing = make(cast, "Plain English editing")
    SkillOffer.objects.create(skill=editing, user=cast.carer)
    membership = cast.membership(cast.carer)
    membership.left_at = timezone.now()
    membership.save()
    html = client_for(cast.member).get(url("skills", cast)).content.decode()
    assert "Colin Price" not in html
    assert "Nobody in the group brings 1 of these yet" in html


def test_it_lets_amira_say_what_she_brings_and_change_her_mind(cast: Cast) -> None:
    editing = make(cast, "Plain English editing")
    law = make(cast, "Web accessibility law")
    amira = client_for(cast.member)
    assert (
        amira.post(url("skill_offers", cast), {"skills": [editing.pk, law.pk]}).status_code == 302
    )
    amira.post(url("skill_offers", cast), {"skills": [law.pk]})
    assert list(SkillOffer.objects.values_list("skill__name", flat=True)) == [
        "Web accessibility law"
    ]
    assert amira.post(url("skill_offers", cast), {}).status_code == 302
    assert not SkillOffer.objects.exists()


def test_it_refuses_a_skill_from_another_project(cast: Cast) -> None:
    elsewhere = Skill.objects.create(project=cast.employment, name="Employment law")
    response = client_for(cast.member).post(url("skill_offers", cast), {"skills": [elsewhere.pk]})
    assert response.status_code == 400
    assert "Select an answer to “Which of these do you bring?” from the options given" in (
        response.content.decode()
    )
    assert not SkillOffer.objects.exists()


def test_it_only_lets_members_offer_skills(cast: Cast) -> None:
    # Sam administers the organisation but is not in the group.
    assert client_for(cast.administrator).get(url("skill_offers", cast)).status_code == 403


def test_it_refuses_the_same_skill_twice(cast: Cast) -> None:
    make(cast, "Plain English editing")
    response = client_for(cast.chair).post(
        url("skill_add", cast), {"name": "plain english editing", "gap_plan": ""}
    )
    assert response.status_code == 400
    assert "already on this project" in response.content.decode()


def test_it_changes_and_removes_a_skill(cast: Cast) -> None:
    skill = make(cast)
    deborah = client_for(cast.chair)
    form = {"name": skill.name, "description": "", "gap_plan": "visiting_expert"}
    response = deborah.post(url("skill_edit", cast, skill), form | {"version": skill.version})
    assert response.status_code == 302
    stale = deborah.post(
        url("skill_edit", cast, skill), form | {"gap_plan": "training", "version": skill.version}
    )
    assert stale.status_code == 400
    assert deborah.post(url("skill_remove", cast, skill)).status_code == 302
    assert not Skill.objects.exists()


def test_it_lists_skills_with_the_same_queries_however_many_offers(cast: Cast) -> None:
    grace = client_for(cast.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            grace.get(url("skills", cast))
        return len(queries)

    make(cast, "One")
    before = count()
    for n in range(10):
        skill = make(cast, f"Skill {n}")
        for person in (cast.member, cast.carer, cast.clinician):
            SkillOffer.objects.create(skill=skill, user=person)
    assert count() == before
