import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from conftest import Cast, client_for
from projects.models import Membership, ProjectRole


def change_url(cast: Cast, membership: Membership) -> str:
    return reverse(
        "projects:member_change", kwargs={"pk": cast.website.pk, "membership_pk": membership.pk}
    )


def remove_url(cast: Cast, membership: Membership) -> str:
    return reverse(
        "projects:member_remove", kwargs={"pk": cast.website.pk, "membership_pk": membership.pk}
    )


def test_it_lets_the_chair_make_amira_co_chair(cast: Cast) -> None:
    amira = cast.membership(cast.member)
    response = client_for(cast.chair).post(
        change_url(cast, amira),
        {"role": "co_chair", "member_type": "lived_experience", "version": 1},
    )
    assert response.status_code == 302
    amira.refresh_from_db()
    assert amira.role == ProjectRole.CO_CHAIR
    event = AuditEvent.objects.get(action="membership.changed")
    assert (event.actor, event.subject) == (cast.chair, cast.member)
    # As co-chair Amira now leads the project.
    invite = reverse("projects:member_invite", kwargs={"pk": cast.website.pk})
    assert client_for(cast.member).get(invite).status_code == 200


def test_it_refuses_an_unknown_role(cast: Cast) -> None:
    amira = cast.membership(cast.member)
    response = client_for(cast.chair).post(
        change_url(cast, amira),
        {"role": "emperor", "member_type": "lived_experience", "version": 1},
    )
    assert response.status_code == 400
    assert "Select their role in the project from the options given" in response.content.decode()
    amira.refresh_from_db()
    assert amira.role == ProjectRole.MEMBER


def test_it_removes_colin_after_confirmation_and_keeps_the_record(cast: Cast) -> None:
    colin = cast.membership(cast.carer)
    deborah = client_for(cast.chair)
    confirm = deborah.get(remove_url(cast, colin))
    assert "Are you sure you want to remove Colin Price" in confirm.content.decode()
    assert Membership.objects.current().filter(pk=colin.pk).exists()
    response = deborah.post(remove_url(cast, colin))
    assert response.status_code == 302
    colin.refresh_from_db()
    assert colin.left_at is not None
    project_url = reverse("projects:detail", kwargs={"pk": cast.website.pk})
    assert client_for(cast.carer).get(project_url).status_code == 404
    assert AuditEvent.objects.filter(action="membership.ended", subject=cast.carer).exists()


def test_it_never_leaves_a_project_without_a_leader(cast: Cast) -> None:
    grace = cast.membership(cast.coordinator)
    grace.role = ProjectRole.MEMBER
    grace.save()
    deborah = cast.membership(cast.chair)
    sam = client_for(cast.administrator)
    response = sam.post(remove_url(cast, deborah))
    assert response.status_code == 400
    assert "only person leading this project" in response.content.decode()
    response = sam.post(
        change_url(cast, deborah),
        {"role": "member", "member_type": "lived_experience", "version": 1},
    )
    assert response.status_code == 400
    deborah.refresh_from_db()
    assert (deborah.left_at, deborah.role) == (None, ProjectRole.CHAIR)


@pytest.mark.parametrize("persona", ["member", "carer", "clinician", "commissioner"])
def test_it_does_not_let_ordinary_members_change_roles(cast: Cast, persona: str) -> None:
    amira = cast.membership(cast.member)
    response = client_for(getattr(cast, persona)).post(
        change_url(cast, amira), {"role": "chair", "member_type": "lived_experience", "version": 1}
    )
    assert response.status_code == 403
    amira.refresh_from_db()
    assert amira.role == ProjectRole.MEMBER


def test_it_gives_404_for_a_membership_in_another_project(cast: Cast) -> None:
    grace_in_employment = Membership.objects.get(user=cast.coordinator, project=cast.employment)
    response = client_for(cast.chair).get(change_url(cast, grace_in_employment))
    assert response.status_code == 404
