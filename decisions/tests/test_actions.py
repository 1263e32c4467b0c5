import datetime

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for, date_fields
from decisions.models import Action
from decisions.services import actions
from decisions.tests.helpers import at, held_meeting
from meetings.models import ActionPoint, ActionStatus, AgendaItem, Meeting, MeetingFormat


def some_actions(cast: Cast) -> tuple[ActionPoint, Action]:
    meeting, item = held_meeting(cast)
    point = ActionPoint.objects.create(
        meeting=meeting,
        agenda_item=item,
        text="Draft the crisis page",
        owner=cast.clinician,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    between = Action.objects.create(
        project=cast.website,
        text="Ask the web team about the banner",
        owner=cast.carer,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
    )
    return point, between


def test_it_lists_meeting_and_between_meeting_actions_together(cast: Cast) -> None:
    some_actions(cast)
    page = client_for(cast.member).get(reverse("decisions:actions", args=[cast.website.pk]))
    assert page.status_code == 200
    assert "Draft the crisis page" in page.text
    assert "Ask the web team about the banner" in page.text
    assert "Overdue" in page.text
    assert "Agreed between meetings" in page.text


def test_it_shows_only_overdue_ones_when_asked(cast: Cast) -> None:
    some_actions(cast)
    page = client_for(cast.member).get(
        reverse("decisions:actions", args=[cast.website.pk]), {"overdue": "yes"}
    )
    assert "Draft the crisis page" in page.text
    assert "Ask the web team" not in page.text


def test_it_lets_the_owner_mark_an_action_blocked_with_its_barrier(cast: Cast) -> None:
    point, between = some_actions(cast)
    colin = client_for(cast.carer)
    url = reverse("decisions:action_status", args=[between.pk])
    refused = colin.post(url, {"status": ActionStatus.BLOCKED, "barrier": "", "version": 1})
    assert refused.status_code == 400
    assert "Say what is in the way" in refused.text
    between.refresh_from_db()
    assert between.status == ActionStatus.NOT_STARTED
    assert (
        colin.post(
            url,
            {"status": ActionStatus.BLOCKED, "barrier": "Waiting for the web team", "version": 1},
        ).status_code
        == 302
    )
    between.refresh_from_db()
    assert (between.status, between.barrier) == ("blocked", "Waiting for the web team")
    # Colin does not own the meeting's action point.
    assert colin.get(reverse("decisions:action_point_status", args=[point.pk])).status_code == 403


def test_it_keeps_an_action_point_done_in_step_with_the_meeting_record(cast: Cast) -> None:
    point, _between = some_actions(cast)
    response = client_for(cast.clinician).post(
        reverse("decisions:action_point_status", args=[point.pk]),
        {"status": ActionStatus.DONE, "barrier": "", "version": point.version},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == ActionStatus.DONE
    assert point.done_at is not None


def test_it_puts_every_blocked_action_on_the_next_agenda_in_one_step(cast: Cast) -> None:
    point, between = some_actions(cast)
    for action in (point, between):
        action.status, action.barrier = ActionStatus.BLOCKED, "No budget yet"
        action.save()
    upcoming = Meeting.objects.create(
        project=cast.website,
        title="Testing the crisis pages",
        starts_at=at(10, 13),
        ends_at=at(10, 16),
        format=MeetingFormat.ONLINE,
        video_link="https://video.example.org/t",
    )
    url = reverse("decisions:barriers_to_agenda", args=[cast.website.pk])
    assert client_for(cast.member).post(url).status_code == 403
    response = client_for(cast.chair).post(url)
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=upcoming)
    assert item.title == "Barriers and bottlenecks"
    assert "Draft the crisis page" in item.description
    assert "Ask the web team" in item.description
    again = client_for(cast.chair).post(url, follow=True)
    assert "already on the agenda" in again.text
    assert AgendaItem.objects.filter(meeting=upcoming).count() == 1


def test_it_says_when_there_is_no_meeting_to_add_barriers_to(cast: Cast) -> None:
    _point, between = some_actions(cast)
    between.status, between.barrier = ActionStatus.BLOCKED, "No budget"
    between.save()
    response = client_for(cast.chair).post(
        reverse("decisions:barriers_to_agenda", args=[cast.website.pk]), follow=True
    )
    assert "No meeting is planned" in response.text


def test_it_reminds_owners_of_overdue_actions_once(cast: Cast) -> None:
    some_actions(cast)
    mail.outbox.clear()
    assert actions.overdue_remind(project_id=cast.website.pk) == 1
    assert [message.to for message in mail.outbox] == [["priya@example.org"]]
    assert actions.overdue_remind(project_id=cast.website.pk) == 0
    assert len(mail.outbox) == 1


def test_it_adds_an_action_between_meetings(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("decisions:action_add", args=[cast.website.pk]),
        {"text": "Book the room", "owner": cast.carer.pk},
    )
    assert response.status_code == 302
    assert Action.objects.get().owner == cast.carer
    empty = client_for(cast.chair).post(
        reverse("decisions:action_add", args=[cast.website.pk]), {"text": ""}
    )
    assert empty.status_code == 400
    assert "Enter what needs doing" in empty.text


def test_it_pages_the_log_in_the_same_number_of_queries_however_long(cast: Cast) -> None:
    some_actions(cast)
    url = reverse("decisions:actions", args=[cast.website.pk])
    client = client_for(cast.member)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    Action.objects.bulk_create(
        Action(project=cast.website, text=f"Action {n}", owner=cast.carer) for n in range(60)
    )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)


def action_data(action: Action, **changes: object) -> dict[str, object]:
    return {
        "version": action.version,
        "text": action.text,
        "owner": action.owner_id or "",
        "decision": action.decision_id or "",
        **date_fields("due_on", action.due_on),
        **changes,
    }


def test_it_lets_the_chair_change_an_action_between_meetings(cast: Cast) -> None:
    _point, between = some_actions(cast)
    url = reverse("decisions:action_edit", args=[between.pk])
    deborah = client_for(cast.chair)
    form = deborah.get(url)
    assert form.status_code == 200
    assert "Change an action between meetings" in form.text
    new_day = timezone.localdate() + datetime.timedelta(days=20)
    response = deborah.post(
        url, action_data(between, owner=cast.clinician.pk, **date_fields("due_on", new_day))
    )
    assert response.status_code == 302
    between.refresh_from_db()
    assert (between.owner, between.due_on, between.version) == (cast.clinician, new_day, 2)
    event = AuditEvent.objects.get(action="action.changed")
    assert event.actor == cast.chair
    assert sorted(event.data["changed"]) == ["due_on", "owner"]
    # The owner moves it on, but changing what it is stays with the decision-makers.
    assert client_for(cast.carer).get(url).status_code == 403


def test_it_refuses_an_empty_change_and_keeps_what_was_typed(cast: Cast) -> None:
    _point, between = some_actions(cast)
    response = client_for(cast.chair).post(
        reverse("decisions:action_edit", args=[between.pk]),
        action_data(between, text="", **date_fields("due_on", None) | {"due_on_day": "40"}),
    )
    assert response.status_code == 400
    assert "Enter what needs doing" in response.text
    between.refresh_from_db()
    assert between.text == "Ask the web team about the banner"
    assert between.version == 1


def test_it_refuses_a_stale_change_of_an_action_and_keeps_what_was_typed(cast: Cast) -> None:
    _point, between = some_actions(cast)
    url = reverse("decisions:action_edit", args=[between.pk])
    stale = action_data(between, text="Ask the web team about the red banner")
    # Meanwhile Grace gave the action to Priya.
    assert (
        client_for(cast.coordinator).post(url, action_data(between, owner=cast.clinician.pk))
    ).status_code == 302
    deborah = client_for(cast.chair)
    response = deborah.post(url, stale)
    assert response.status_code == 400
    assert "Someone else saved changes" in response.text
    assert response.context["form"]["text"].value() == "Ask the web team about the red banner"
    between.refresh_from_db()
    assert (between.text, between.owner) == ("Ask the web team about the banner", cast.clinician)
    assert AuditEvent.objects.filter(action="action.changed").count() == 1
    # Saving again from the warning page replaces the newer version, knowingly.
    assert deborah.post(url, response.context["form"].data).status_code == 302
    between.refresh_from_db()
    assert between.text == "Ask the web team about the red banner"


def test_it_asks_before_removing_an_action_and_keeps_a_note_of_it(cast: Cast) -> None:
    _point, between = some_actions(cast)
    url = reverse("decisions:action_remove", args=[between.pk])
    assert client_for(cast.carer).post(url).status_code == 403
    deborah = client_for(cast.chair)
    page = deborah.get(url)
    assert "Are you sure you want to remove this action?" in page.text
    assert "Ask the web team about the banner" in page.text
    assert Action.objects.filter(pk=between.pk).exists()
    response = deborah.post(url)
    assert response["Location"] == reverse("decisions:actions", args=[cast.website.pk])
    assert not Action.objects.filter(pk=between.pk).exists()
    event = AuditEvent.objects.get(action="action.removed")
    assert (event.actor, event.subject) == (cast.chair, cast.carer)
    assert "Ask the web team about the banner" in event.summary


def test_it_links_only_actions_between_meetings_to_change_and_remove(cast: Cast) -> None:
    point, between = some_actions(cast)
    url = reverse("decisions:actions", args=[cast.website.pk])
    chair_page = client_for(cast.chair).get(url).text
    assert reverse("decisions:action_edit", args=[between.pk]) in chair_page
    assert reverse("decisions:action_remove", args=[between.pk]) in chair_page
    # A meeting's action point is changed in the meeting's record, not here.
    assert chair_page.count(">Change<span") == 1
    assert point.text in chair_page
    member_page = client_for(cast.member).get(url).text
    assert reverse("decisions:action_edit", args=[between.pk]) not in member_page
