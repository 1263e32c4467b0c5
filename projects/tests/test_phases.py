from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Organisation, User
from conftest import Cast, client_for
from people.models import MemberType
from projects import services as project_services
from projects.models import Membership, Milestone, Outcome, Phase, PhaseKind


def url(name: str, cast: Cast, **kwargs: Any) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk, **kwargs})


def phase_data(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Test with users",
        "kind": "implement",
        "starts_on_day": "",
        "starts_on_month": "",
        "starts_on_year": "",
        "ends_on_day": "",
        "ends_on_month": "",
        "ends_on_year": "",
        "staff_days": "2.5",
        "budget": "1000.10",
        "version": "1",
    } | fields


def test_it_starts_every_new_project_with_the_five_default_phases(cast: Cast) -> None:
    project = project_services.project_create(
        name="Carers' voice", purpose="Carers shape respite", created_by=cast.coordinator
    )
    assert list(Phase.objects.filter(project=project).values_list("kind", flat=True)) == [
        "explore",
        "prepare",
        "co_design",
        "implement",
        "evaluate",
    ]


def test_it_keeps_staff_time_and_budget_as_exact_decimals(cast: Cast) -> None:
    response = client_for(cast.chair).post(url("phase_add", cast), phase_data())
    assert response["Location"] == url("phases", cast)
    phase = Phase.objects.get(project=cast.website)
    assert phase.staff_days == Decimal("2.5")
    assert phase.budget == Decimal("1000.10")


def test_it_refuses_a_duplicate_phase_name_and_an_end_before_the_start(cast: Cast) -> None:
    Phase.objects.create(project=cast.website, name="Explore", kind="explore")
    chair = client_for(cast.chair)
    response = chair.post(url("phase_add", cast), phase_data(name="explore"))
    assert response.status_code == 400
    assert "already has a phase called" in response.content.decode()
    backwards = phase_data(
        starts_on_day="2",
        starts_on_month="3",
        starts_on_year="2030",
        ends_on_day="1",
        ends_on_month="3",
        ends_on_year="2030",
    )
    response = chair.post(url("phase_add", cast), backwards)
    assert response.status_code == 400
    assert "The planned end must be on or after the planned start" in response.content.decode()
    assert Phase.objects.count() == 1


def test_it_warns_when_the_implement_phase_holds_too_little_of_the_resources(cast: Cast) -> None:
    Phase.objects.create(
        project=cast.website, name="Explore", kind=PhaseKind.EXPLORE, staff_days=8, budget=800
    )
    implement = Phase.objects.create(
        project=cast.website, name="Implement", kind=PhaseKind.IMPLEMENT, staff_days=2, budget=200
    )
    warning = "The implement phase has less than 30%"
    assert warning in client_for(cast.member).get(url("detail", cast)).content.decode()
    Organisation.objects.filter(pk=1).update(implementation_share_percent=20)
    assert warning.replace("30", "20") not in (
        client_for(cast.member).get(url("detail", cast)).content.decode()
    )
    Organisation.objects.filter(pk=1).update(implementation_share_percent=30)
    Phase.objects.filter(pk=implement.pk).update(staff_days=4, budget=400)
    assert "The implement phase has less than" not in (
        client_for(cast.member).get(url("detail", cast)).content.decode()
    )


def test_it_says_nothing_about_resources_before_any_are_planned(cast: Cast) -> None:
    Phase.objects.create(project=cast.website, name="Implement", kind=PhaseKind.IMPLEMENT)
    html = client_for(cast.member).get(url("detail", cast)).content.decode()
    assert "The implement phase has less than" not in html


def grow(cast: Cast, start: int, end: int) -> None:
    Outcome.objects.bulk_create(
        Outcome(project=cast.website, title=f"Outcome {i}") for i in range(start, end)
    )
    Milestone.objects.bulk_create(
        Milestone(project=cast.website, title=f"Milestone {i}", due_on="2020-01-01")
        for i in range(start, end)
    )
    users = User.objects.bulk_create(
        User(email=f"person{i}@example.org", full_name=f"Person {i}") for i in range(start, end)
    )
    Membership.objects.bulk_create(
        Membership(project=cast.website, user=user, member_type=MemberType.CARER) for user in users
    )


def test_it_uses_the_same_number_of_queries_on_the_overview_with_3_or_300_rows(
    cast: Cast,
) -> None:
    chair = client_for(cast.chair)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert chair.get(url("detail", cast)).status_code == 200
        return len(queries)

    grow(cast, 0, 3)
    few = count()
    grow(cast, 3, 300)
    assert count() == few
    html = chair.get(url("detail", cast)).content.decode()
    assert "300 outcomes" in html
    assert "300 overdue" in html
