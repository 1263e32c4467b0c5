import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for, date_fields
from projects.models import Milestone, MilestoneStatus, Outcome, OutcomeTask


def url(name: str, cast: Cast, **kwargs: Any) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk, **kwargs})


def milestone_data(**fields: Any) -> dict[str, Any]:
    today = timezone.localdate()
    data = {
        "title": "Crisis pages live",
        "outcome": "",
        "owner": "",
        "status": "planned",
        "version": "1",
        **date_fields("starts_on", fields.pop("starts_on", today)),
        **date_fields("due_on", fields.pop("due_on", today + datetime.timedelta(days=30))),
    }
    return data | fields


def test_it_lets_leaders_write_outcomes_with_tasks_owners_and_statuses(cast: Cast) -> None:
    chair = client_for(cast.chair)
    response = chair.post(
        url("outcome_add", cast),
        {
            "title": "People find crisis help fast",
            "description": "",
            "owner": cast.member.pk,
            "status": "in_progress",
            "version": "1",
        },
    )
    assert response["Location"] == url("plan", cast)
    outcome = Outcome.objects.get()
    assert outcome.owner == cast.member
    chair.post(
        url("outcome_task_add", cast, outcome_pk=outcome.pk),
        {
            "title": "Write the crisis page",
            "owner": cast.carer.pk,
            "status": "done",
            "version": "1",
        },
    )
    assert OutcomeTask.objects.get().outcome == outcome
    html = client_for(cast.member).get(url("plan", cast)).content.decode()
    assert "People find crisis help fast" in html
    assert "Write the crisis page" in html
    assert "Colin Price" in html


def test_it_refuses_an_outcome_the_group_already_has(cast: Cast) -> None:
    Outcome.objects.create(project=cast.website, title="Fewer crisis admissions")
    response = client_for(cast.chair).post(
        url("outcome_add", cast),
        {"title": "fewer crisis admissions", "status": "not_started", "version": "1"},
    )
    assert response.status_code == 400
    assert Outcome.objects.count() == 1


def test_it_keeps_what_was_typed_when_someone_else_changed_the_outcome(cast: Cast) -> None:
    outcome = Outcome.objects.create(project=cast.website, title="Fewer crisis admissions")
    Outcome.objects.filter(pk=outcome.pk).update(version=2, title="Someone else's words")
    response = client_for(cast.chair).post(
        url("outcome_edit", cast, outcome_pk=outcome.pk),
        {"title": "My words", "status": "not_started", "version": "1"},
    )
    assert response.status_code == 400
    assert "Someone else saved changes" in response.content.decode()
    assert "My words" in response.content.decode()
    assert Outcome.objects.get().title == "Someone else's words"


def test_it_refuses_a_milestone_that_ends_before_it_starts(cast: Cast) -> None:
    today = timezone.localdate()
    response = client_for(cast.chair).post(
        url("milestone_add", cast),
        milestone_data(starts_on=today, due_on=today - datetime.timedelta(days=1)),
    )
    assert response.status_code == 400
    assert "The due date must be on or after the start date" in response.content.decode()
    assert not Milestone.objects.exists()


def test_it_flags_overdue_milestones_and_remembers_when_one_was_met(cast: Cast) -> None:
    today = timezone.localdate()
    late = Milestone.objects.create(
        project=cast.website, title="Site map agreed", due_on=today - datetime.timedelta(days=3)
    )
    html = client_for(cast.member).get(url("work_plan", cast)).content.decode()
    assert "1 milestone is overdue" in html
    data = milestone_data(title="Site map agreed", status="met", starts_on=None, due_on=late.due_on)
    client_for(cast.chair).post(url("milestone_edit", cast, milestone_pk=late.pk), data)
    late.refresh_from_db()
    assert late.status == MilestoneStatus.MET
    assert late.met_on == today
    assert AuditEvent.objects.filter(action="milestone.met").exists()
    timeline = client_for(cast.member).get(url("work_plan_timeline", cast)).content.decode()
    assert "Met on" in timeline
    assert "overdue" not in client_for(cast.member).get(url("work_plan", cast)).content.decode()


def test_it_shows_the_timeline_month_by_month_as_a_list(cast: Cast) -> None:
    Milestone.objects.create(project=cast.website, title="First", due_on=datetime.date(2030, 1, 5))
    Milestone.objects.create(project=cast.website, title="Second", due_on=datetime.date(2030, 3, 1))
    html = client_for(cast.member).get(url("work_plan_timeline", cast)).content.decode()
    assert '<ol class="app-timeline">' in html
    assert html.index("January 2030") < html.index("First") < html.index("March 2030")
