from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent
from conftest import Cast, client_for
from projects.models import Stakeholder

CARERS_CENTRE = {
    "name": "Riverside Carers' Centre",
    "is_organisation": "on",
    "interest": "Carers use the website to find respite care.",
    "influence": "medium",
    "involvement": "consult",
    "should_become_partner": "on",
    "contact": "hello@carers.example.org",
}


def urls(cast: Cast, stakeholder: Stakeholder | None = None) -> dict[str, str]:
    project = {"pk": cast.website.pk}
    found = {
        "list": reverse("projects:stakeholders", kwargs=project),
        "add": reverse("projects:stakeholder_add", kwargs=project),
    }
    if stakeholder:
        both = project | {"stakeholder_pk": stakeholder.pk}
        found["edit"] = reverse("projects:stakeholder_edit", kwargs=both)
        found["remove"] = reverse("projects:stakeholder_remove", kwargs=both)
    return found


def make(cast: Cast, **changes: Any) -> Stakeholder:
    values = {
        "name": "Riverside Carers' Centre",
        "interest": "Carers",
        "influence": "medium",
        "involvement": "consult",
    }
    return Stakeholder.objects.create(project=cast.website, **(values | changes))


def test_it_lets_the_chair_add_a_stakeholder_to_the_map(cast: Cast) -> None:
    deborah = client_for(cast.chair)
    response = deborah.post(urls(cast)["add"], CARERS_CENTRE)
    assert response["Location"] == urls(cast)["list"]
    stakeholder = Stakeholder.objects.get()
    assert (stakeholder.influence, stakeholder.should_become_partner) == ("medium", True)
    assert AuditEvent.objects.filter(action="stakeholder.added", project=cast.website).exists()
    html = deborah.get(urls(cast)["list"]).content.decode()
    assert "Should become partners:" in html
    assert "hello@carers.example.org" in html


def test_it_hides_contact_details_from_members_who_do_not_lead(cast: Cast) -> None:
    make(cast, contact="hello@carers.example.org")
    html = client_for(cast.member).get(urls(cast)["list"]).content.decode()
    assert "Riverside Carers&#x27; Centre" in html
    assert "hello@carers.example.org" not in html
    assert "Add a stakeholder" not in html


def test_it_refuses_the_same_name_twice_and_keeps_what_was_typed(cast: Cast) -> None:
    make(cast)
    response = client_for(cast.chair).post(
        urls(cast)["add"], CARERS_CENTRE | {"name": "riverside carers' centre"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "already on this project&#x27;s map" in html
    assert "Carers use the website to find respite care." in html
    assert Stakeholder.objects.count() == 1


def test_it_explains_what_is_missing(cast: Cast) -> None:
    response = client_for(cast.chair).post(urls(cast)["add"], {"name": ""})
    html = response.content.decode()
    assert "Enter the name of the person or organisation" in html
    assert "Say what their interest in the work is" in html


def test_it_changes_a_stakeholder_without_overwriting_a_newer_change(cast: Cast) -> None:
    stakeholder = make(cast)
    edit = urls(cast, stakeholder)["edit"]
    form = CARERS_CENTRE | {"version": stakeholder.version}
    assert client_for(cast.chair).post(edit, form | {"influence": "high"}).status_code == 302
    stale = client_for(cast.coordinator).post(edit, form | {"influence": "low"})
    assert stale.status_code == 400
    assert "Someone else saved changes" in stale.content.decode()
    stakeholder.refresh_from_db()
    assert stakeholder.influence == "high"


def test_it_removes_a_stakeholder_after_confirmation(cast: Cast) -> None:
    stakeholder = make(cast)
    remove = urls(cast, stakeholder)["remove"]
    deborah = client_for(cast.chair)
    assert "Take Riverside" in deborah.get(remove).content.decode()
    assert deborah.post(remove).status_code == 302
    assert not Stakeholder.objects.exists()
    assert AuditEvent.objects.filter(action="stakeholder.removed").exists()


def test_it_does_not_let_members_change_the_map(cast: Cast) -> None:
    stakeholder = make(cast)
    amira = client_for(cast.member)
    assert amira.post(urls(cast)["add"], CARERS_CENTRE).status_code == 403
    assert amira.post(urls(cast, stakeholder)["remove"]).status_code == 403
    assert Stakeholder.objects.count() == 1


def test_it_draws_the_map_with_the_same_queries_however_many_stakeholders(cast: Cast) -> None:
    grace = client_for(cast.coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            grace.get(urls(cast)["list"])
        return len(queries)

    make(cast, name="One")
    before = count()
    for n in range(12):
        make(cast, name=f"Organisation {n}", influence=["high", "low"][n % 2])
    assert count() == before
