"""The record of a meeting: attendance, minutes with versions, decisions, actions,
contributions, and the equal-voice figures that come from them."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from meetings.models import (
    ActionPoint,
    Contribution,
    ContributionWay,
    Decision,
    Invitee,
    ItemMinutes,
    Meeting,
    MinutesVersion,
)
from meetings.services import record
from meetings.tests.grid_record import first_item, held_meeting
from people.models import MemberType
from projects.models import MembershipPause


def invitee(meeting_pk: int, user_pk: int) -> Invitee:
    return Invitee.objects.get(meeting_id=meeting_pk, user_id=user_pk)


# ---------------------------------------------------------------------------------------------
# Attendance


def test_it_refuses_the_register_before_the_meeting_starts(cast: Cast) -> None:
    meeting = held_meeting(cast, days_ago=-2, closed=False)
    amira = invitee(meeting.pk, cast.member.pk)
    with pytest.raises(record.RecordError, match="has not started yet"):
        record.attendance_save(meeting=meeting, actor=cast.chair, attended={amira.pk: True})
    amira.refresh_from_db()
    assert amira.attended is None


def test_it_records_who_came_and_audits_it(cast: Cast) -> None:
    meeting = held_meeting(cast, closed=False)
    amira, colin = invitee(meeting.pk, cast.member.pk), invitee(meeting.pk, cast.carer.pk)
    changed = record.attendance_save(
        meeting=meeting, actor=cast.chair, attended={amira.pk: True, colin.pk: False}
    )
    assert len(changed) == 2
    amira.refresh_from_db()
    colin.refresh_from_db()
    assert (amira.attended, colin.attended) == (True, False)
    assert AuditEvent.objects.filter(action="meeting.attendance_recorded").count() == 1
    # Saving the same again changes nothing and records nothing.
    assert not record.attendance_save(
        meeting=meeting, actor=cast.chair, attended={amira.pk: True, colin.pk: False}
    )
    assert AuditEvent.objects.filter(action="meeting.attendance_recorded").count() == 1


def test_it_adds_current_members_who_came_without_an_invitation(cast: Cast) -> None:
    meeting = held_meeting(cast, invite=False)
    gone = cast.membership(cast.commissioner)
    gone.left_at = timezone.now()
    gone.save()
    added = record.attendees_add(
        meeting=meeting,
        users=[cast.carer, cast.commissioner, cast.outsider],
        actor=cast.chair,
    )
    assert [each.user for each in added] == [cast.carer]
    colin = invitee(meeting.pk, cast.carer.pk)
    assert colin.attended is True
    assert colin.member_type == MemberType.CARER
    # Adding him again does nothing.
    assert record.attendees_add(meeting=meeting, users=[cast.carer], actor=cast.chair) == []


# ---------------------------------------------------------------------------------------------
# Minutes


def save(meeting_pk: int, cast: Cast, based_on: int, text: str) -> MinutesVersion:
    from meetings.models import Meeting

    meeting = Meeting.objects.get(pk=meeting_pk)
    return record.minutes_save(
        meeting=meeting,
        actor=cast.chair,
        based_on=based_on,
        summary=f"Summary: {text}",
        change_note="",
        notes={first_item(meeting).pk: text},
    )


def test_it_keeps_every_version_of_the_minutes(cast: Cast) -> None:
    meeting = held_meeting(cast)
    first = save(meeting.pk, cast, 0, "We agreed the aims.")
    second = save(meeting.pk, cast, 1, "We agreed the aims, after a long talk.")
    assert (first.number, second.number) == (1, 2)
    assert list(
        ItemMinutes.objects.filter(version__meeting=meeting)
        .order_by("version__number")
        .values_list("notes", flat=True)
    ) == ["We agreed the aims.", "We agreed the aims, after a long talk."]
    latest = record.minutes_version(meeting)
    assert latest is not None
    assert latest.number == 2
    assert AuditEvent.objects.filter(action="meeting.minutes_saved").count() == 2


def test_it_refuses_a_save_based_on_an_older_version(cast: Cast) -> None:
    meeting = held_meeting(cast)
    save(meeting.pk, cast, 0, "Deborah's version")
    with pytest.raises(record.StaleMinutes, match="newer version"):
        save(meeting.pk, cast, 0, "Grace's version, started before Deborah saved")
    assert MinutesVersion.objects.filter(meeting=meeting).count() == 1


def test_it_does_not_change_approved_minutes(cast: Cast) -> None:
    meeting = held_meeting(cast, days_ago=5)
    save(meeting.pk, cast, 0, "Agreed.")
    meeting.minutes_approved_at = timezone.now()
    meeting.save()
    with pytest.raises(record.RecordError, match="approved"):
        save(meeting.pk, cast, 1, "Changed after approval")
    with pytest.raises(record.RecordError, match="approved"):
        record.decision_save(decision=Decision(meeting=meeting, text="Too late"), actor=cast.chair)


def test_it_shows_what_changed_since_the_version_before(cast: Cast) -> None:
    meeting = held_meeting(cast)
    save(meeting.pk, cast, 0, "Old words")
    save(meeting.pk, cast, 1, "New words")
    items = record.items_for_minutes(meeting)
    now, before = record.minutes_version(meeting, 2), record.minutes_version(meeting, 1)
    assert now is not None
    rows = record.minutes_compare(items, now, before)
    assert rows[0].changed
    assert rows[0].previous == "Old words"
    assert rows[0].notes == "New words"
    assert not rows[1].changed
    assert len(rows) == 2  # the break has no minutes


# ---------------------------------------------------------------------------------------------
# Decisions and action points


def test_it_records_decisions_and_actions_against_an_item(cast: Cast) -> None:
    meeting = held_meeting(cast)
    item = first_item(meeting)
    decision = Decision(meeting=meeting, agenda_item=item, text="Use plain English.")
    record.decision_save(decision=decision, actor=cast.chair)
    assert decision.recorded_by == cast.chair
    action = ActionPoint(
        meeting=meeting,
        agenda_item=item,
        text="Draft the crisis page",
        owner=cast.member,
        due_on=datetime.date.today() + datetime.timedelta(days=14),
    )
    record.action_point_save(action=action, actor=cast.chair)
    assert record.action_point_mark(action=action, actor=cast.chair, done=True)
    assert not record.action_point_mark(action=action, actor=cast.chair, done=True)
    action.refresh_from_db()
    assert action.done_at is not None
    record.decision_remove(decision=decision, actor=cast.chair)
    assert not Decision.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "meeting.decision_added",
        "meeting.action_added",
        "meeting.action_done",
        "meeting.decision_removed",
    } <= actions


def test_it_lets_actions_be_marked_done_after_the_minutes_are_approved(cast: Cast) -> None:
    meeting = held_meeting(cast, days_ago=5)
    action = ActionPoint.objects.create(meeting=meeting, text="Book the room")
    meeting.minutes_approved_at = timezone.now()
    meeting.save()
    action.meeting = meeting
    assert record.action_point_mark(action=action, actor=cast.member, done=True)
    with pytest.raises(record.RecordError):
        record.action_point_remove(action=action, actor=cast.chair)


# ---------------------------------------------------------------------------------------------
# Contributions


def test_it_records_contributions_with_the_member_type_they_were_invited_as(cast: Cast) -> None:
    meeting = held_meeting(cast)
    item = first_item(meeting)
    item.meeting = meeting
    amira, colin = cast.member.pk, cast.carer.pk
    record.contributions_save(
        item=item,
        actor=cast.chair,
        seen={},
        wanted={(amira, ContributionWay.IN_ROOM): 2, (colin, ContributionWay.WRITTEN): 1},
    )
    assert record.contribution_counts(item) == {
        (amira, ContributionWay.IN_ROOM): 2,
        (colin, ContributionWay.WRITTEN): 1,
    }
    assert set(
        Contribution.objects.filter(user=cast.carer).values_list("member_type", flat=True)
    ) == {MemberType.CARER}
    # People not invited are ignored.
    record.contributions_save(
        item=item,
        actor=cast.chair,
        seen={},
        wanted={(cast.outsider.pk, ContributionWay.IN_ROOM): 1},
    )
    assert not Contribution.objects.filter(user=cast.outsider).exists()


def test_it_keeps_contributions_someone_else_recorded_meanwhile(cast: Cast) -> None:
    meeting = held_meeting(cast)
    item = first_item(meeting)
    item.meeting = meeting
    amira = (cast.member.pk, ContributionWay.IN_ROOM)
    colin = (cast.carer.pk, ContributionWay.REMOTE)
    seen = record.contribution_counts(item)  # both minute-takers open the page: nothing yet
    record.contributions_save(item=item, actor=cast.chair, seen=seen, wanted={amira: 1})
    record.contributions_save(item=item, actor=cast.coordinator, seen=seen, wanted={colin: 2})
    assert record.contribution_counts(item) == {amira: 1, colin: 2}
    # Lowering a count removes only as many as were taken off.
    record.contributions_save(
        item=item, actor=cast.chair, seen={amira: 1, colin: 2}, wanted={amira: 1, colin: 1}
    )
    assert record.contribution_counts(item) == {amira: 1, colin: 1}


def test_it_round_trips_the_counts_a_page_was_drawn_with() -> None:
    counts = {(7, "in_room"): 2, (9, "written"): 1, (3, "remote"): 0}
    assert record.decode_counts(record.encode_counts(counts)) == {
        (7, "in_room"): 2,
        (9, "written"): 1,
    }
    assert record.decode_counts("rubbish;1:shouted:2;x:in_room:1") == {}


# ---------------------------------------------------------------------------------------------
# Pages


def url(name: str, **kwargs: object) -> str:
    from django.urls import reverse

    return reverse(f"meetings:{name}", kwargs=kwargs)


def test_it_lets_every_member_read_the_record_and_only_keepers_change_it(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast)
    save(meeting.pk, cast, 0, "We agreed the aims of the website.")
    Decision.objects.create(meeting=meeting, agenda_item=first_item(meeting), text="Plain words")
    page = client_for(cast.member).get(url("record", pk=meeting.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "We agreed the aims of the website." in text
    assert "Provisional until the cooling-off window closes" in text
    assert "Write the minutes" not in text
    assert "Change the minutes" not in text
    for name in ("attendance", "minutes_edit", "contributions", "decision_add", "action_add"):
        assert client_for(cast.member).get(url(name, pk=meeting.pk)).status_code == 403
    assert client_for(cast.outsider).get(url("record", pk=meeting.pk)).status_code == 404


def test_it_draws_each_person_their_own_record_from_kept_copies(cast: Cast) -> None:
    """The record below its tabs is kept, keyed by what it shows: each person still sees what
    they may do, with their own CSRF token, and a change shows at once."""
    import re

    from django.test import Client

    meeting = held_meeting(cast)
    item = first_item(meeting)
    decision = Decision.objects.create(meeting=meeting, agenda_item=item, text="Plain words")
    action = ActionPoint.objects.create(meeting=meeting, text="Draft the page", owner=cast.member)
    record_url = url("record", pk=meeting.pk)
    change = url("decision_edit", pk=meeting.pk, decision_pk=decision.pk)
    done = url("action_done", pk=meeting.pk, action_pk=action.pk)

    chair_page = client_for(cast.chair).get(record_url).content.decode()
    assert change in chair_page
    assert done in chair_page
    colin_page = client_for(cast.carer).get(record_url).content.decode()
    assert "Plain words" in colin_page
    assert change not in colin_page
    assert done not in colin_page

    # Amira took the action on: her page's form carries her own token, and works.
    amira = Client(enforce_csrf_checks=True)
    amira.cookies = client_for(cast.member).cookies
    amira_page = amira.get(record_url).content.decode()
    assert change not in amira_page
    form = re.search(
        f'action="{done}".*?name="csrfmiddlewaretoken" value="([^"]+)"', amira_page, re.S
    )
    assert form is not None
    token = form.group(1)
    assert amira.post(done, {"done": "yes", "csrfmiddlewaretoken": token}).status_code == 302
    assert "Mark as not done yet" in amira.get(record_url).content.decode()

    decision.text = "Plain words everywhere"
    decision.save()
    assert "Plain words everywhere" in client_for(cast.carer).get(record_url).content.decode()

    # Decisions are listed in the order they were recorded, whatever order they were added.
    Decision.objects.create(
        meeting=meeting,
        agenda_item=item,
        text="Short sentences",
        recorded_at=decision.recorded_at - datetime.timedelta(minutes=5),
    )
    colin_page = client_for(cast.carer).get(record_url).content.decode()
    assert colin_page.index("Short sentences") < colin_page.index("Plain words everywhere")


def test_it_takes_the_register_on_one_page(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast)
    amira, colin = invitee(meeting.pk, cast.member.pk), invitee(meeting.pk, cast.carer.pk)
    client = client_for(cast.chair)
    page = client.get(url("attendance", pk=meeting.pk)).content.decode()
    assert "<legend" in page
    assert "Amira Haddad" in page
    response = client.post(
        url("attendance", pk=meeting.pk),
        {f"invitee_{amira.pk}": "in_person", f"invitee_{colin.pk}": "no"},
    )
    assert response.status_code == 302
    amira.refresh_from_db()
    colin.refresh_from_db()
    assert (amira.attended, colin.attended) == (True, False)


def test_it_says_clearly_the_register_waits_for_the_start(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast, days_ago=-3, closed=False)
    amira = invitee(meeting.pk, cast.member.pk)
    client = client_for(cast.chair)
    assert "has not started yet" in client.get(url("attendance", pk=meeting.pk)).content.decode()
    response = client.post(url("attendance", pk=meeting.pk), {f"invitee_{amira.pk}": "in_person"})
    assert response.status_code == 400
    assert "has not started yet" in response.content.decode()
    amira.refresh_from_db()
    assert amira.attended is None


def test_it_adds_a_member_who_came_without_an_invitation(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast, invite=False)
    client = client_for(cast.chair)
    response = client.post(url("attendees_add", pk=meeting.pk), {})
    assert response.status_code == 400
    assert "Choose at least one person who came" in response.content.decode()
    response = client.post(url("attendees_add", pk=meeting.pk), {"people": [cast.carer.pk]})
    assert response.status_code == 302
    assert invitee(meeting.pk, cast.carer.pk).attended is True
    # Olu is not a member, so he is not a choice.
    response = client.post(url("attendees_add", pk=meeting.pk), {"people": [cast.outsider.pk]})
    assert response.status_code == 400


def test_it_saves_minutes_as_a_new_version_and_refuses_a_stale_one(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast)
    item = first_item(meeting)
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    deborah.get(url("minutes_edit", pk=meeting.pk))
    form = {"based_on": "0", "summary": "", "change_note": "", f"item_{item.pk}": "Deborah's"}
    assert deborah.post(url("minutes_edit", pk=meeting.pk), form).status_code == 302
    # Grace opened the page before Deborah saved.
    graces = {**form, f"item_{item.pk}": "Grace's notes, typed carefully"}
    response = grace.post(url("minutes_edit", pk=meeting.pk), graces)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved a newer version" in page
    assert "Grace&#x27;s notes, typed carefully" in page
    assert "Deborah&#x27;s" in page
    assert 'name="based_on" value="1"' in page
    assert MinutesVersion.objects.filter(meeting=meeting).count() == 1
    # Having seen Deborah's version, Grace saves on top of it.
    graces["based_on"] = "1"
    assert grace.post(url("minutes_edit", pk=meeting.pk), graces).status_code == 302
    versions = client_for(cast.member).get(url("minutes_versions", pk=meeting.pk))
    assert "Version 2" in versions.content.decode()
    version_one = client_for(cast.member).get(url("minutes_version", pk=meeting.pk, number=1))
    assert "Deborah&#x27;s" in version_one.content.decode()
    version_two = client_for(cast.member).get(url("minutes_version", pk=meeting.pk, number=2))
    assert "Changed" in version_two.content.decode()


def test_it_does_not_let_approved_minutes_be_edited(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast, days_ago=5)
    save(meeting.pk, cast, 0, "Agreed.")
    meeting.minutes_approved_at = timezone.now()
    meeting.save()
    client = client_for(cast.chair)
    page = client.get(url("minutes_edit", pk=meeting.pk)).content.decode()
    assert "are approved" in page
    assert "<textarea" not in page
    item = first_item(meeting)
    response = client.post(
        url("minutes_edit", pk=meeting.pk), {"based_on": "1", f"item_{item.pk}": "Sneaky change"}
    )
    assert response.status_code == 400
    assert MinutesVersion.objects.filter(meeting=meeting).count() == 1
    response = client.get(url("decision_add", pk=meeting.pk))
    assert response.status_code == 302


def test_it_records_decisions_and_action_points_through_the_pages(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast)
    item = first_item(meeting)
    client = client_for(cast.chair)
    response = client.post(url("decision_add", pk=meeting.pk) + f"?item={item.pk}", {})
    assert response.status_code == 400
    assert "Enter what was decided" in response.content.decode()
    assert (
        f'value="{item.pk}" selected'
        in client.get(url("decision_add", pk=meeting.pk) + f"?item={item.pk}").content.decode()
    )
    client.post(
        url("decision_add", pk=meeting.pk), {"agenda_item": item.pk, "text": "Use plain words"}
    )
    decision = Decision.objects.get()
    assert decision.agenda_item == item
    client.post(
        url("decision_edit", pk=meeting.pk, decision_pk=decision.pk),
        {"agenda_item": item.pk, "text": "Use plain words everywhere", "version": 1},
    )
    decision.refresh_from_db()
    assert decision.text == "Use plain words everywhere"
    response = client.post(
        url("action_add", pk=meeting.pk),
        {
            "agenda_item": item.pk,
            "text": "Draft the crisis page",
            "owner": cast.member.pk,
            "due_on_day": "31",
            "due_on_month": "2",
            "due_on_year": "2030",
        },
    )
    assert response.status_code == 400
    assert "must be a real date" in response.content.decode()
    client.post(
        url("action_add", pk=meeting.pk),
        {
            "agenda_item": item.pk,
            "text": "Draft the crisis page",
            "owner": cast.member.pk,
            "due_on_day": "28",
            "due_on_month": "2",
            "due_on_year": "2030",
        },
    )
    action = ActionPoint.objects.get()
    assert action.due_on == datetime.date(2030, 2, 28)
    # Amira owns it, so she can mark it done, but not change it; Colin can do neither.
    done = url("action_done", pk=meeting.pk, action_pk=action.pk)
    assert client_for(cast.carer).post(done, {"done": "yes"}).status_code == 403
    assert client_for(cast.member).post(done, {"done": "yes"}).status_code == 302
    action.refresh_from_db()
    assert action.done_at is not None
    edit = url("action_edit", pk=meeting.pk, action_pk=action.pk)
    assert client_for(cast.member).get(edit).status_code == 403
    record_page = client_for(cast.member).get(url("record", pk=meeting.pk)).content.decode()
    assert "Mark as not done yet" in record_page
    remove = url("decision_remove", pk=meeting.pk, decision_pk=decision.pk)
    assert "Remove this decision" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not Decision.objects.exists()


def test_it_records_contributions_for_an_item(cast: Cast) -> None:
    from conftest import client_for

    meeting = held_meeting(cast)
    item = first_item(meeting)
    Invitee.objects.filter(meeting=meeting, user=cast.commissioner).update(attended=False)
    client = client_for(cast.chair)
    page_url = url("contributions_item", pk=meeting.pk, item_pk=item.pk)
    page = client.get(page_url).content.decode()
    assert f"c_{cast.member.pk}_in_room" in page
    # Tom did not come: he can only have contributed in writing.
    assert f"c_{cast.commissioner.pk}_in_room" not in page
    assert f"c_{cast.commissioner.pk}_written" in page
    response = client.post(
        page_url,
        {
            "seen": "",
            f"c_{cast.member.pk}_in_room": "2",
            f"c_{cast.commissioner.pk}_written": "1",
            f"c_{cast.carer.pk}_remote": "lots",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter how many times Colin Price contributed as a number, like 3" in page
    response = client.post(
        page_url,
        {"seen": "", f"c_{cast.member.pk}_in_room": "2", f"c_{cast.commissioner.pk}_written": "1"},
    )
    assert response.status_code == 302
    assert Contribution.objects.filter(agenda_item=item).count() == 3
    overview = client.get(url("contributions", pk=meeting.pk)).content.decode()
    assert "Item 1" in overview


# ---------------------------------------------------------------------------------------------
# Equal-voice figures: who contributes, by person and by member type, and who is not heard


def came(meeting: Meeting, *people: User) -> None:
    Invitee.objects.filter(meeting=meeting).update(attended=False)
    Invitee.objects.filter(meeting=meeting, user__in=people).update(attended=True)


def contribute(meeting: Meeting, user: User, n: int = 1, way: str = "in_room") -> None:
    invitee = Invitee.objects.get(meeting=meeting, user=user)
    item = first_item(meeting)
    Contribution.objects.bulk_create(
        Contribution(
            meeting=meeting,
            agenda_item=item,
            user=invitee.user,
            member_type=invitee.member_type,
            way=way,
        )
        for _ in range(n)
    )


def test_it_counts_contributions_per_person_and_member_type(cast: Cast) -> None:
    meeting = held_meeting(cast)
    came(meeting, cast.chair, cast.member, cast.carer, cast.clinician)
    contribute(meeting, cast.chair, 2)
    contribute(meeting, cast.member, 1, ContributionWay.WRITTEN)
    contribute(meeting, cast.clinician, 3, ContributionWay.REMOTE)
    # Tom sent apologies but wrote in: his written contribution counts.
    contribute(meeting, cast.commissioner, 1, ContributionWay.WRITTEN)
    voice = record.meeting_voice(meeting)
    assert voice.total == 7
    by_name = {row.label: row for row in voice.members}
    assert by_name["Dr Priya Natarajan"].count == 3
    assert by_name["Dr Priya Natarajan"].ways == {ContributionWay.REMOTE: 3}
    # Colin came and said nothing that was recorded: he shows, with 0.
    assert by_name["Colin Price"].count == 0
    assert by_name["Tom Gallagher"].count == 1
    assert "Olu Adeyemi" not in by_name
    types = {row.member_type: row for row in voice.types}
    assert types[MemberType.LIVED_EXPERIENCE].count == 3
    assert types[MemberType.LIVED_EXPERIENCE].people == 2
    assert types[MemberType.PROFESSIONAL].share == 43


def test_it_names_members_not_heard_from_in_their_last_two_meetings(cast: Cast) -> None:
    older = held_meeting(cast, title="First", days_ago=30)
    newer = held_meeting(cast, title="Second", days_ago=2)
    for meeting in (older, newer):
        came(meeting, cast.chair, cast.member, cast.carer, cast.clinician)
        contribute(meeting, cast.chair)
    contribute(older, cast.member)  # Amira spoke at the first meeting only
    contribute(newer, cast.clinician)  # Priya at the second only
    upcoming = held_meeting(cast, title="Next week", days_ago=-7, closed=False)
    contribute(upcoming, cast.carer)  # not held yet, so it does not count
    figures = record.project_voice(cast.website)
    quiet = [member.user for member in figures.quiet]
    assert cast.carer in quiet  # Colin: nothing at either meeting
    assert cast.commissioner in quiet  # Tom: invited to both, came to neither
    assert cast.member not in quiet
    assert cast.clinician not in quiet
    assert cast.chair not in quiet
    colin = next(member for member in figures.quiet if member.user == cast.carer)
    assert [meeting.title for meeting, _came in colin.meetings] == ["Second", "First"]
    assert [meeting.title for meeting in figures.meetings] == ["Second", "First"]


def test_it_needs_two_meetings_before_calling_someone_not_heard_from(cast: Cast) -> None:
    meeting = held_meeting(cast)
    came(meeting, cast.carer)
    assert record.project_voice(cast.website).quiet == []


def test_it_leaves_out_people_who_have_left_the_group(cast: Cast) -> None:
    from django.utils import timezone

    held_meeting(cast, title="First", days_ago=30)
    held_meeting(cast, title="Second", days_ago=2)
    membership = cast.membership(cast.carer)
    membership.left_at = timezone.now()
    membership.save()
    assert cast.carer not in [member.user for member in record.project_voice(cast.website).quiet]


def test_it_works_the_figures_out_in_a_fixed_number_of_queries(cast: Cast) -> None:
    first = held_meeting(cast, title="First", days_ago=30)
    second = held_meeting(cast, title="Second", days_ago=2)
    came(second, cast.chair, cast.member)
    contribute(second, cast.chair, 2)
    with CaptureQueriesContext(connection) as few:
        record.meeting_voice(second)
        record.project_voice(cast.website)
    for meeting in (first, second):
        came(meeting, cast.chair, cast.member, cast.carer, cast.clinician, cast.commissioner)
        for person in (cast.chair, cast.member, cast.clinician, cast.commissioner):
            contribute(meeting, person, 31, ContributionWay.IN_ROOM)
            contribute(meeting, person, 7, ContributionWay.WRITTEN)
    assert Contribution.objects.count() >= 300
    with CaptureQueriesContext(connection) as many:
        record.meeting_voice(second)
        figures = record.project_voice(cast.website)
    assert len(many) == len(few)
    assert figures.voice.total == 306


# ---------------------------------------------------------------------------------------------
# Equal-voice pages


def test_it_shows_every_member_the_figures_kindly(cast: Cast) -> None:
    from django.urls import reverse

    from conftest import client_for

    older = held_meeting(cast, title="First", days_ago=30)
    newer = held_meeting(cast, title="Second", days_ago=2)
    for meeting in (older, newer):
        came(meeting, cast.chair, cast.member, cast.carer)
        contribute(meeting, cast.chair, 3)
        contribute(meeting, cast.member, 1, ContributionWay.WRITTEN)
    amira = client_for(cast.member)
    page = amira.get(reverse("meetings:equal_voice", kwargs={"pk": newer.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<meter" in text
    assert "Colin Price" in text
    assert "Lived experience" in text
    project_page = amira.get(
        reverse("meetings:project_equal_voice", kwargs={"project_pk": cast.website.pk})
    )
    assert project_page.status_code == 200
    text = project_page.content.decode()
    assert "Members we have not heard from lately" in text
    not_heard = text.split('id="not-heard"')[1].split("</ul>")[0]
    assert "Colin Price" in not_heard
    assert "Amira Haddad" not in not_heard
    assert (
        client_for(cast.outsider)
        .get(reverse("meetings:project_equal_voice", kwargs={"project_pk": cast.website.pk}))
        .status_code
        == 404
    )


def test_it_renders_the_record_pages_in_a_fixed_number_of_queries(cast: Cast) -> None:
    from django.urls import reverse

    from conftest import client_for
    from meetings.models import ActionPoint, AgendaItem, Decision

    meeting = held_meeting(cast, items=3)
    other = held_meeting(cast, title="Before", days_ago=20)
    client = client_for(cast.chair)
    pages = [
        reverse("meetings:record", kwargs={"pk": meeting.pk}),
        reverse("meetings:equal_voice", kwargs={"pk": meeting.pk}),
        reverse("meetings:contributions", kwargs={"pk": meeting.pk}),
        reverse(
            "meetings:contributions_item",
            kwargs={"pk": meeting.pk, "item_pk": first_item(meeting).pk},
        ),
        reverse(
            "meetings:contributions_live",
            kwargs={"pk": meeting.pk, "item_pk": first_item(meeting).pk},
        ),
        reverse("meetings:minutes_edit", kwargs={"pk": meeting.pk}),
        reverse("meetings:attendance", kwargs={"pk": meeting.pk}),
        reverse("meetings:project_equal_voice", kwargs={"project_pk": cast.website.pk}),
    ]

    def counts() -> list[int]:
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200, page
            found.append(len(queries))
        return found

    # One version of the minutes from the start: showing any costs one query for its notes.
    record.minutes_save(
        meeting=meeting, actor=cast.chair, based_on=0, summary="", change_note="", notes={}
    )
    few = counts()
    for meeting_ in (meeting, other):
        came(meeting_, cast.chair, cast.member, cast.carer, cast.clinician, cast.commissioner)
        for person in (cast.chair, cast.member, cast.clinician, cast.commissioner):
            contribute(meeting_, person, 31, ContributionWay.IN_ROOM)
            contribute(meeting_, person, 7, ContributionWay.WRITTEN)
    items = list(AgendaItem.objects.filter(meeting=meeting))
    for item in items:
        for n in range(5):
            Decision.objects.create(meeting=meeting, agenda_item=item, text=f"Decision {n}")
            ActionPoint.objects.create(
                meeting=meeting, agenda_item=item, text=f"Action {n}", owner=cast.member
            )
    for n in range(2, 5):
        record.minutes_save(
            meeting=meeting,
            actor=cast.chair,
            based_on=n - 1,
            summary="",
            change_note="",
            notes={item.pk: f"Notes {n}" for item in items},
        )
    assert Contribution.objects.count() >= 300
    assert counts() == few
    assert max(few) <= 15


def test_it_shows_colin_as_not_heard_from_in_the_demo(db: None) -> None:
    import io

    from django.core.management import call_command

    from meetings.models import MinutesVersion
    from projects.models import Project

    call_command("demo", force=True, stdout=io.StringIO())
    website = Project.objects.get(meetings__title="Planning the new website")
    figures = record.project_voice(website)
    assert "Colin Price" in [member.user.full_name for member in figures.quiet]
    assert "Amira Haddad" not in [member.user.full_name for member in figures.quiet]
    held = Meeting.objects.get(title="Planning the new website")
    assert MinutesVersion.objects.filter(meeting=held).count() == 2
    assert record.meeting_voice(held).total > 0


def test_it_pages_the_versions_of_the_minutes(cast: Cast, settings: Settings) -> None:
    settings.PAGE_SIZE = 2
    meeting = held_meeting(cast)
    for number in range(1, 6):
        MinutesVersion.objects.create(meeting=meeting, number=number, saved_by=cast.chair)
    url = reverse("meetings:minutes_versions", args=[meeting.pk])
    deborah = client_for(cast.chair)

    first = deborah.get(url)
    last = deborah.get(url, {"page": 3})

    assert [v.number for v in first.context["versions"]] == [5, 4]
    assert "Latest" in first.content.decode()
    assert [v.number for v in last.context["versions"]] == [1]
    assert "Latest" not in last.content.decode()


def test_it_does_not_count_a_paused_member_as_not_heard_from(cast: Cast) -> None:
    for title, days_ago in (("First", 30), ("Second", 2)):
        meeting = held_meeting(cast, title=title, days_ago=days_ago)
        came(meeting, cast.chair, cast.carer)
        contribute(meeting, cast.chair)
    MembershipPause.objects.create(membership=cast.membership(cast.carer))
    quiet = [member.user for member in record.project_voice(cast.website).quiet]
    assert cast.carer not in quiet
