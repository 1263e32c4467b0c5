import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import Cast, client_for, make_user
from people.models import MemberType
from projects.models import (
    Membership,
    MembershipPause,
    Milestone,
    Outcome,
    OutcomeTask,
    Project,
    ProjectRole,
)

# What the edit page sends back unchanged for the group's make-up targets and meeting settings.
TARGETS = {
    "target_min_members": "10",
    "target_max_members": "15",
    "target_lived_experience_percent": "50",
    "cooling_off_hours": "48",
    "full_review_every": "4",
    "preparation_minutes": "60",
}


def test_it_lets_grace_set_up_a_project_she_then_leads(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    response = grace.post(
        reverse("projects:create"),
        {"name": "Carers' voice group", "purpose": "Carers shape the new respite service."},
    )
    project = Project.objects.get(name="Carers' voice group")
    assert response["Location"] == reverse("projects:detail", kwargs={"pk": project.pk})
    membership = Membership.objects.get(project=project)
    assert (membership.user, membership.role) == (cast.coordinator, ProjectRole.COORDINATOR)
    assert AuditEvent.objects.filter(action="project.created", project=project).exists()


def test_it_explains_a_missing_name_and_keeps_the_purpose(cast: Cast) -> None:
    response = client_for(cast.coordinator).post(
        reverse("projects:create"), {"name": "", "purpose": "Typed purpose"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_name"' in html
    assert "Typed purpose" in html
    assert not Project.objects.filter(purpose="Typed purpose").exists()


def test_it_shows_members_only_their_own_projects(cast: Cast) -> None:
    html = client_for(cast.member).get(reverse("projects:list")).content.decode()
    assert "Mental health information website" in html
    assert "Disability and employment group" not in html
    html = client_for(cast.coordinator).get(reverse("projects:list")).content.decode()
    assert "Disability and employment group" in html


def test_it_shows_an_empty_state_to_people_in_no_project(cast: Cast) -> None:
    html = client_for(cast.outsider).get(reverse("projects:list")).content.decode()
    assert "You are not in any project yet" in html


def test_it_searches_projects_by_name(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    html = grace.get(reverse("projects:list"), {"q": "employ"}).content.decode()
    assert "Disability and employment group" in html
    assert "Mental health information website" not in html


def test_it_shows_the_group_make_up_on_the_overview(cast: Cast) -> None:
    response = client_for(cast.member).get(
        reverse("projects:detail", kwargs={"pk": cast.website.pk})
    )
    composition = {label: count for label, count, _paused in response.context["composition"]}
    assert composition[MemberType.LIVED_EXPERIENCE.label] == 2
    assert composition[MemberType.CARER.label] == 1
    assert response.context["member_total"] == 6
    # Recent changes are for the people who run the group.
    assert "Recent changes" not in response.content.decode()


def test_it_lets_the_chair_edit_the_project(cast: Cast) -> None:
    deborah = client_for(cast.chair)
    url = reverse("projects:edit", kwargs={"pk": cast.website.pk})
    response = deborah.post(
        url,
        TARGETS
        | {
            "name": "Mental health website",
            "purpose": "New purpose",
            "status": "active",
            "version": cast.website.version,
        },
    )
    assert response.status_code == 302
    cast.website.refresh_from_db()
    assert (cast.website.name, cast.website.version) == ("Mental health website", 2)
    event = AuditEvent.objects.get(action="project.updated")
    assert event.data["changed"] == ["name", "purpose"]


def test_it_does_not_let_two_editors_overwrite_each_other(cast: Cast) -> None:
    url = reverse("projects:edit", kwargs={"pk": cast.website.pk})
    form = TARGETS | {"purpose": "p", "status": "active", "version": cast.website.version}
    client_for(cast.chair).post(url, form | {"name": "Deborah's name"})
    response = client_for(cast.coordinator).post(url, form | {"name": "Grace's name"})
    assert response.status_code == 400
    assert "Someone else saved changes" in response.content.decode()
    cast.website.refresh_from_db()
    assert cast.website.name == "Deborah's name"


def test_it_lists_and_searches_members_with_emails_only_for_leaders(cast: Cast) -> None:
    url = reverse("projects:members", kwargs={"pk": cast.website.pk})
    member_view = client_for(cast.member).get(url).content.decode()
    assert "Colin Price" in member_view
    assert "colin@example.org" not in member_view
    assert "Invite someone" not in member_view
    leader_view = client_for(cast.chair).get(url, {"q": "colin"}).content.decode()
    assert "colin@example.org" in leader_view
    assert "Amira Haddad" not in leader_view


def test_it_takes_a_percent_sign_or_underscore_in_a_member_search_as_itself(cast: Cast) -> None:
    url = reverse("projects:members", kwargs={"pk": cast.website.pk})
    grace = client_for(cast.coordinator)
    for typed in ("%", "_", "Col_n", "\\"):
        assert f"No members match “{typed}”." in grace.get(url, {"q": typed}).content.decode()
    assert "Colin Price" in grace.get(url, {"q": "IN PR"}).content.decode()


def test_it_shows_each_reader_the_tabs_their_say_gives_on_the_same_page(cast: Cast) -> None:
    url = reverse("projects:members", kwargs={"pk": cast.website.pk})
    onboarding = reverse("projects:onboarding", kwargs={"pk": cast.website.pk})
    current = f'href="{url}" aria-current="page"'
    # Each reader twice, so the second page comes from the tabs each process remembers.
    for _ in range(2):
        amira = client_for(cast.member).get(url).content.decode()
        assert current in amira
        assert onboarding not in amira
        deborah = client_for(cast.chair).get(url).content.decode()
        assert current in deborah
        assert onboarding in deborah
    overview = client_for(cast.member).get(
        reverse("projects:detail", kwargs={"pk": cast.website.pk})
    )
    assert current not in overview.content.decode()


def test_it_paginates_members(cast: Cast, settings: Settings) -> None:
    settings.PAGE_SIZE = 4
    url = reverse("projects:members", kwargs={"pk": cast.website.pk})
    grace = client_for(cast.coordinator)
    first = grace.get(url)
    assert len(first.context["page"].object_list) == 4
    second = grace.get(url, {"page": 2})
    assert len(second.context["page"].object_list) == 2
    assert grace.get(url, {"page": "nonsense"}).status_code == 200


def test_it_uses_the_same_number_of_queries_however_many_members(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    urls = [
        reverse("projects:members", kwargs={"pk": cast.website.pk}),
        reverse("projects:detail", kwargs={"pk": cast.website.pk}),
        reverse("projects:list"),
    ]

    def count(url: str) -> int:
        # Once to draw and keep rows new to the list; then as every later visit asks.
        grace.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert grace.get(url).status_code == 200
        return len(queries)

    before = [count(url) for url in urls]
    for n in range(15):
        person = make_user(f"extra{n}@example.org", f"Extra Person {n}")
        Membership.objects.create(
            project=cast.website, user=person, member_type=MemberType.CARER, role="member"
        )
        Project.objects.create(name=f"Project {n}", purpose="More")
    after = [count(url) for url in urls]
    assert before == after
    assert max(after) <= 15


def test_it_compares_the_group_with_its_targets(cast: Cast) -> None:
    # Six members, two with lived experience and one carer: half, but fewer than ten.
    response = client_for(cast.member).get(
        reverse("projects:detail", kwargs={"pk": cast.website.pk})
    )
    targets = response.context["targets"]
    assert targets == {
        "total": 6,
        "size_ok": False,
        "lived": 3,
        "lived_percent": 50,
        "lived_ok": True,
    }
    html = response.content.decode()
    assert "6 members (the group aims for 10 to 15)" in html
    assert "Off target" in html


def test_it_lets_the_chair_change_the_targets_but_not_backwards(cast: Cast) -> None:
    url = reverse("projects:edit", kwargs={"pk": cast.website.pk})
    form = {
        "name": cast.website.name,
        "purpose": cast.website.purpose,
        "status": "active",
        "version": cast.website.version,
        "target_min_members": "12",
        "target_max_members": "8",
        "target_lived_experience_percent": "60",
        "cooling_off_hours": "48",
        "full_review_every": "4",
        "preparation_minutes": "60",
    }
    deborah = client_for(cast.chair)
    response = deborah.post(url, form)
    assert response.status_code == 400
    assert "The largest size must be at least the smallest size (12)" in response.content.decode()
    assert deborah.post(url, form | {"target_max_members": "16"}).status_code == 302
    cast.website.refresh_from_db()
    assert (cast.website.target_min_members, cast.website.target_max_members) == (12, 16)


def add_to_the_website(cast: Cast, n: int, start: int = 0) -> None:
    """`n` more members, outcomes (each with a task) and milestones, some looked after by
    the new members, some leading, some paused, some overdue."""
    people = User.objects.bulk_create(
        User(email=f"person{i}@example.org", full_name=f"Person {i}")
        for i in range(start, start + n)
    )
    memberships = Membership.objects.bulk_create(
        Membership(
            project=cast.website,
            user=person,
            member_type=[MemberType.CARER, MemberType.PROFESSIONAL][i % 2],
            role=ProjectRole.CO_CHAIR if i % 50 == 0 else ProjectRole.MEMBER,
        )
        for i, person in enumerate(people)
    )
    MembershipPause.objects.bulk_create(MembershipPause(membership=m) for m in memberships[::10])
    outcomes = Outcome.objects.bulk_create(
        Outcome(project=cast.website, title=f"Outcome {i}", owner=people[i - start])
        for i in range(start, start + n)
    )
    OutcomeTask.objects.bulk_create(
        OutcomeTask(outcome=outcome, title="A task", owner=outcome.owner) for outcome in outcomes
    )
    today = timezone.localdate()
    Milestone.objects.bulk_create(
        Milestone(
            project=cast.website,
            title=f"Milestone {i}",
            outcome=outcomes[i - start],
            due_on=today + datetime.timedelta(days=i - start - n // 2),
            owner=people[i - start],
        )
        for i in range(start, start + n)
    )


def test_it_shows_the_overview_in_the_same_queries_with_3_or_300_of_everything(
    cast: Cast,
) -> None:
    url = reverse("projects:detail", kwargs={"pk": cast.website.pk})
    viewers = [client_for(cast.coordinator), client_for(cast.member)]

    def counts() -> list[int]:
        found = []
        for viewer in viewers:
            with CaptureQueriesContext(connection) as queries:
                assert viewer.get(url).status_code == 200
            found.append(len(queries))
        return found

    add_to_the_website(cast, 3)
    few = counts()
    add_to_the_website(cast, 297, start=3)
    many = counts()

    assert Outcome.objects.filter(project=cast.website).count() == 300
    assert Milestone.objects.filter(project=cast.website).count() == 300
    assert Membership.objects.current().filter(project=cast.website).count() == 306
    assert few == many
    assert max(many) <= 15
