"""The access plan: everyone's access requirements against the venue, bookings, agenda and
papers, and the pages where organisers arrange what is missing."""

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from meetings.access_plan import Status, access_plan
from meetings.models import (
    AgendaItem,
    Arrangement,
    ArrangementKind,
    AttendanceWay,
    ItemPurpose,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Paper,
    PaperFormat,
    PaperVersion,
    Reply,
    UnmetNeedReason,
    Venue,
)
from meetings.services import access as access_services
from meetings.tests.access_helpers import (
    a_meeting,
    give_need,
    invite,
    meeting_with_unmet_loop,
    need_type,
    old_library,
)
from people.models import AccessNeedType, MemberType
from projects.models import Membership


@pytest.fixture(autouse=True)
def _files_in_a_temporary_folder(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


# ---------------------------------------------------------------------------------------------
# The computation


def statuses(meeting: object) -> dict[str, set[Status]]:
    plan = access_plan(meeting)  # type: ignore[arg-type]
    found: dict[str, set[Status]] = {}
    for row in plan.rows:
        found.setdefault(row.need_type.code, set()).add(row.status)
    return found


def test_it_finds_a_hearing_loop_need_unmet_at_a_venue_without_one(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    plan = access_plan(meeting)
    assert not plan.complete
    (row,) = plan.unmet
    assert row.need_type.code == "hearing-loop"
    assert row.who_words == "1 person with lived experience"
    assert "no hearing loop" in row.how


def test_it_meets_a_hearing_loop_need_with_the_venue_loop_or_a_portable_one(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    Arrangement.objects.create(meeting=meeting, kind=ArrangementKind.PORTABLE_LOOP)
    assert statuses(meeting)["hearing-loop"] == {Status.UNCONFIRMED}
    Arrangement.objects.filter(meeting=meeting).update(confirmed=True)
    assert statuses(meeting)["hearing-loop"] == {Status.MET}
    Arrangement.objects.all().delete()
    Venue.objects.filter(meetings=meeting).update(hearing_loop=True)
    meeting.refresh_from_db()
    assert access_plan(meeting).complete


def test_it_does_not_ask_for_a_loop_for_someone_on_a_video_call(cast: Cast) -> None:
    meeting = a_meeting(cast, format=MeetingFormat.HYBRID)
    give_need(cast.carer, "hearing-loop")
    invite(meeting, cast.carer, way=AttendanceWay.VIDEO)
    assert statuses(meeting) == {"hearing-loop": {Status.NOT_APPLICABLE}}


def test_it_leaves_out_people_who_sent_apologies(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "hearing-loop")
    invite(meeting, cast.member, reply=Reply.APOLOGIES, way=AttendanceWay.WRITTEN)
    plan = access_plan(meeting)
    assert plan.rows == []
    assert plan.taking_part == 0


def test_it_counts_people_who_have_not_replied_as_coming_in_person(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "step-free")
    invite(meeting, cast.member, reply=Reply.NONE)
    assert statuses(meeting) == {"step-free": {Status.UNMET}}


def test_it_meets_bsl_with_a_booked_interpreter(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "bsl-interpreter")
    invite(meeting, cast.member)
    assert statuses(meeting) == {"bsl-interpreter": {Status.UNMET}}
    interpreter = Arrangement.objects.create(
        meeting=meeting, kind=ArrangementKind.BSL_INTERPRETER, detail="Riverside Signing"
    )
    # Requested is not enough: it warns until the booking is confirmed.
    assert statuses(meeting) == {"bsl-interpreter": {Status.UNCONFIRMED}}
    assert access_plan(meeting).complete
    interpreter.confirmed = True
    interpreter.save()
    (row,) = access_plan(meeting).rows
    assert (row.status, row.how) == (
        Status.MET,
        "British Sign Language interpreter booked and confirmed",
    )


def test_it_does_not_take_a_captioner_for_a_bsl_interpreter(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "bsl-interpreter")
    invite(meeting, cast.member)
    Arrangement.objects.create(meeting=meeting, kind=ArrangementKind.CAPTIONER, confirmed=True)
    assert statuses(meeting) == {"bsl-interpreter": {Status.UNMET}}


def test_it_meets_captions_on_video_with_the_call_captions_but_not_in_the_room(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast, format=MeetingFormat.HYBRID, video_captions=True)
    give_need(cast.carer, "captions")
    give_need(cast.member, "captions")
    invite(meeting, cast.carer, way=AttendanceWay.VIDEO)
    invite(meeting, cast.member, way=AttendanceWay.IN_PERSON)
    rows = {row.status: row for row in access_plan(meeting).rows}
    assert rows[Status.MET].who_words == "1 carer"
    assert rows[Status.MET].how == "The video call shows live captions"
    assert rows[Status.UNMET].who_words == "1 person with lived experience"
    meeting.video_captions = False
    meeting.save()
    assert statuses(meeting) == {"captions": {Status.UNMET}}


def test_it_meets_breaks_when_the_agenda_has_them_often_enough(cast: Cast) -> None:
    meeting = a_meeting(cast)  # two hours
    give_need(cast.member, "regular-breaks", "60")
    invite(meeting, cast.member)
    assert statuses(meeting) == {"regular-breaks": {Status.UNMET}}  # no agenda yet
    for position, (title, minutes, purpose) in enumerate(
        [
            ("Welcome", 15, ItemPurpose.INFORMATION),
            ("The crisis pages", 60, ItemPurpose.DISCUSSION),
            ("Break", 15, ItemPurpose.BREAK),
            ("Next steps", 30, ItemPurpose.DECISION),
        ]
    ):
        AgendaItem.objects.create(
            meeting=meeting, position=position, title=title, minutes=minutes, purpose=purpose
        )
    (row,) = access_plan(meeting).rows
    assert row.status == Status.UNMET
    assert row.how == (
        "A break every 1 hour is needed, but the agenda goes 1 hour 15 minutes without one"
    )
    AgendaItem.objects.filter(title="Welcome").update(minutes=5)
    # 5 + 60, a break, then 30 minutes and 10 unplanned to the end: nothing over an hour.
    assert statuses(meeting) == {"regular-breaks": {Status.UNMET}}
    AgendaItem.objects.filter(title="The crisis pages").update(minutes=50)
    assert statuses(meeting) == {"regular-breaks": {Status.MET}}


def test_it_counts_unplanned_time_at_the_end_as_time_without_a_break(cast: Cast) -> None:
    meeting = a_meeting(cast)  # two hours
    give_need(cast.member, "regular-breaks", "60")
    invite(meeting, cast.member)
    AgendaItem.objects.create(meeting=meeting, position=1, title="Welcome", minutes=30)
    AgendaItem.objects.create(
        meeting=meeting, position=2, title="Break", minutes=10, purpose=ItemPurpose.BREAK
    )
    # 30 minutes, a break, then 80 minutes left with nothing planned.
    assert statuses(meeting) == {"regular-breaks": {Status.UNMET}}


def test_it_asks_for_a_paper_in_the_format_someone_needs(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "easy-read")
    invite(meeting, cast.member, way=AttendanceWay.WRITTEN)
    assert statuses(meeting) == {"easy-read": {Status.MET}}  # no papers yet
    paper = Paper.objects.create(meeting=meeting, title="Draft crisis page")
    PaperVersion.objects.create(
        paper=paper, format=PaperFormat.STANDARD, file=ContentFile(b"x", name="draft.pdf")
    )
    (row,) = access_plan(meeting).rows
    assert row.status == Status.UNMET
    assert row.how == "1 paper is not in easy read yet: Draft crisis page"
    PaperVersion.objects.create(
        paper=paper, format=PaperFormat.EASY_READ, file=ContentFile(b"x", name="easy.pdf")
    )
    assert statuses(meeting) == {"easy-read": {Status.MET}}


def test_it_needs_little_for_written_input_only(cast: Cast) -> None:
    meeting = a_meeting(cast)
    for code in ("bsl-interpreter", "hearing-loop", "step-free", "regular-breaks"):
        give_need(cast.member, code, "60" if code == "regular-breaks" else "")
    invite(meeting, cast.member, way=AttendanceWay.WRITTEN)
    plan = access_plan(meeting)
    assert plan.complete
    assert {row.status for row in plan.rows} == {Status.NOT_APPLICABLE}


def test_it_lists_requirements_added_by_administrators_for_checking_by_hand(cast: Cast) -> None:
    AccessNeedType.objects.create(code="fidget-toys", name="Fidget toys", category="support")
    meeting = a_meeting(cast)
    give_need(cast.member, "fidget-toys")
    give_need(cast.carer, "paper-by-post")
    invite(meeting, cast.member)
    invite(meeting, cast.carer)
    plan = access_plan(meeting)
    assert {row.need_type.code for row in plan.to_check} == {"fidget-toys", "paper-by-post"}
    assert plan.complete  # listed to check, never taken as met, and not blocking


def test_it_records_a_reason_for_a_need_that_cannot_be_met(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    UnmetNeedReason.objects.create(
        meeting=meeting,
        need_type=need_type("hearing-loop"),
        reason="No loop can be fitted in this listed building.",
        offered_instead="A seat at the front and a speech-to-text app.",
    )
    plan = access_plan(meeting)
    assert plan.complete
    (row,) = plan.rows
    assert row.status == Status.REASON
    assert row.reason is not None
    assert plan.stale_reasons == []


def test_it_groups_needs_by_member_type_in_plain_words(cast: Cast) -> None:
    meeting = a_meeting(cast)
    for user in (cast.member, cast.chair, cast.carer):
        give_need(user, "step-free")
        invite(meeting, user)
    (row,) = access_plan(meeting).rows
    assert row.who_words == "2 people with lived experience and 1 carer"


def test_it_works_out_the_plan_in_the_same_few_queries_whatever_the_numbers(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast)
    paper = Paper.objects.create(meeting=meeting, title="Draft")
    PaperVersion.objects.create(
        paper=paper, format=PaperFormat.STANDARD, file=ContentFile(b"x", name="draft.pdf")
    )
    AgendaItem.objects.create(meeting=meeting, position=1, title="Welcome", minutes=30)
    codes = ["hearing-loop", "bsl-interpreter", "regular-breaks", "easy-read", "step-free"]

    def add_people(count: int, start: int) -> None:
        for n in range(start, start + count):
            user = User.objects.create_user(f"p{n}@example.org", "pw", full_name=f"Person {n}")
            Membership.objects.create(
                project=cast.website, user=user, member_type=MemberType.LIVED_EXPERIENCE
            )
            for code in codes:
                give_need(user, code, "45" if code == "regular-breaks" else "")
            invite(meeting, user, way=[*AttendanceWay.values][n % 4])

    add_people(2, 0)
    meeting.refresh_from_db()
    with CaptureQueriesContext(connection) as few:
        access_plan(meeting)
    add_people(20, 2)
    meeting.refresh_from_db()
    with CaptureQueriesContext(connection) as many:
        plan = access_plan(meeting)
    assert len(many) == len(few) <= 7
    assert plan.taking_part == 22


# ---------------------------------------------------------------------------------------------
# The pages


def plan_url(meeting: object, name: str = "access_plan", **kwargs: object) -> str:
    return reverse(f"meetings:{name}", kwargs={"pk": meeting.pk, **kwargs})  # type: ignore[attr-defined]


def test_it_shows_an_unmet_loop_and_will_not_mark_ready_until_a_reason_is_recorded(
    cast: Cast,
) -> None:
    """The test the issue asks for: hearing loop needed, venue without one."""
    meeting = meeting_with_unmet_loop(cast)
    grace = client_for(cast.coordinator)

    page = grace.get(plan_url(meeting)).content.decode()
    assert "Hearing loop" in page
    assert "1 person with lived experience" in page
    assert "Not met" in page
    assert "Amira" not in page
    reason_url = plan_url(meeting, "unmet_reason", need_type_pk=need_type("hearing-loop").pk)
    assert f'href="{reason_url}"' in page

    refused = grace.post(plan_url(meeting, "mark_ready"))
    assert refused.status_code == 400
    assert "cannot be marked ready while these needs are not met: Hearing loop" in (
        refused.content.decode()
    )
    # The error summary links to the unmet need's row in the table.
    summary = refused.content.decode().split('class="govuk-error-summary"')[1].split("</ul>")[0]
    anchor = summary.split('<a href="#')[1].split('"')[0]
    assert "Hearing loop, needed by 1 person with lived experience: arrange it" in summary
    row = refused.content.decode().split(f'id="{anchor}"')[1].split("</tr>")[0]
    assert "Hearing loop" in row
    assert "Not met" in row
    meeting.refresh_from_db()
    assert (meeting.status, meeting.ready_at) == (MeetingStatus.PLANNING, None)

    empty = grace.post(reason_url, {"reason": "  ", "offered_instead": ""})
    assert empty.status_code == 400
    assert "Say why this need cannot be met" in empty.content.decode()
    assert "Say what was offered instead" in empty.content.decode()
    half = grace.post(reason_url, {"reason": "The building is listed.", "offered_instead": ""})
    assert "The building is listed." in half.content.decode()  # what was typed is kept
    saved = grace.post(
        reason_url,
        {
            "reason": "The building is listed and no portable loop was free that day.",
            "offered_instead": "A seat at the front, a speech-to-text app, and joining by video.",
        },
    )
    assert saved.status_code == 302
    page = grace.get(plan_url(meeting)).content.decode()
    assert "Cannot be met: reason recorded" in page
    assert "A seat at the front" in page

    ready = grace.post(plan_url(meeting, "mark_ready"))
    assert ready.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.READY
    assert meeting.ready_at is not None
    assert AuditEvent.objects.filter(action="meeting.ready", actor=cast.coordinator).exists()
    assert AuditEvent.objects.filter(action="unmet_reason.recorded").exists()


def test_it_refuses_to_mark_a_meeting_without_a_date_ready(cast: Cast) -> None:
    meeting = a_meeting(cast, dated=False)
    response = client_for(cast.coordinator).post(plan_url(meeting, "mark_ready"))
    assert response.status_code == 400
    assert "Set the meeting&#x27;s date and time before marking it ready." in (
        response.content.decode()
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNING


def test_it_asks_to_confirm_needs_checked_by_hand_before_marking_ready(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.carer, "paper-by-post")
    invite(meeting, cast.carer)
    grace = client_for(cast.coordinator)
    page = grace.get(plan_url(meeting)).content.decode()
    assert "Post paper copies of the agenda and papers" in page
    refused = grace.post(plan_url(meeting, "mark_ready"))
    assert refused.status_code == 400
    assert "Confirm you have checked the needs listed to check by hand" in (
        refused.content.decode()
    )
    assert grace.post(plan_url(meeting, "mark_ready"), {"checked": "on"}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.READY


def test_it_moves_a_ready_meeting_back_to_planning_when_a_booking_goes(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "bsl-interpreter")
    invite(meeting, cast.member)
    grace = client_for(cast.coordinator)
    grace.post(
        plan_url(meeting, "arrangement_add"),
        {"kind": "bsl_interpreter", "detail": "Riverside Signing", "confirmed": "on"},
    )
    arrangement = Arrangement.objects.get(meeting=meeting)
    assert arrangement.confirmed
    assert grace.post(plan_url(meeting, "mark_ready")).status_code == 302
    remove_url = plan_url(meeting, "arrangement_remove", arrangement_pk=arrangement.pk)
    assert "Remove the booking" in grace.get(remove_url).content.decode()
    grace.post(remove_url)
    assert not Arrangement.objects.exists()
    page = grace.get(plan_url(meeting)).content.decode()
    assert "This meeting is marked ready, but something has changed" in page
    assert grace.post(plan_url(meeting, "back_to_planning")).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.status, meeting.ready_at) == (MeetingStatus.PLANNING, None)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"arrangement.added", "arrangement.removed", "meeting.back_to_planning"} <= actions


def test_it_changes_and_confirms_a_booking(cast: Cast) -> None:
    meeting = a_meeting(cast)
    give_need(cast.member, "bsl-interpreter")
    invite(meeting, cast.member)
    arrangement = Arrangement.objects.create(meeting=meeting, kind=ArrangementKind.BSL_INTERPRETER)
    grace = client_for(cast.coordinator)
    assert "Booked, not confirmed" in grace.get(plan_url(meeting)).content.decode()
    url = plan_url(meeting, "arrangement_edit", arrangement_pk=arrangement.pk)
    missing = grace.post(url, {"kind": ""})
    assert missing.status_code == 400
    assert "Choose what is booked" in missing.content.decode()
    grace.post(
        url,
        {"kind": "bsl_interpreter", "detail": "Two interpreters", "confirmed": "on", "version": 1},
    )
    arrangement.refresh_from_db()
    assert (arrangement.detail, arrangement.confirmed) == ("Two interpreters", True)
    event = AuditEvent.objects.get(action="arrangement.updated")
    assert event.data["changed"] == ["confirmed", "detail"]


def test_it_shows_members_only_whether_the_plan_is_complete(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    colin = client_for(cast.carer)
    page = colin.get(plan_url(meeting)).content.decode()
    assert "Access plan not complete" in page
    assert "Hearing loop" not in page
    assert "lived experience" not in page
    assert "Amira" not in page
    assert colin.get(plan_url(meeting, "access_plan_people")).status_code == 403
    assert colin.post(plan_url(meeting, "mark_ready")).status_code == 403


def test_it_shows_names_only_after_a_reason_and_audits_each_person(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    give_need(cast.carer, "captions")
    people_url = plan_url(meeting, "access_plan_people")
    grace = client_for(cast.coordinator)
    ask = grace.get(people_url).content.decode()
    assert "Why do you need to see" in ask
    assert "Amira" not in ask
    missing = grace.post(people_url, {})
    assert missing.status_code == 400
    assert not AuditEvent.objects.filter(action="access.viewed").exists()
    shown = grace.post(people_url, {"purpose": "meeting"}).content.decode()
    assert "Amira Haddad" in shown
    assert "Colin Price" in shown
    viewed = AuditEvent.objects.filter(action="access.viewed")
    assert {event.subject for event in viewed} == {cast.member, cast.carer}
    assert all(event.data["purpose"].startswith("To plan a meeting") for event in viewed)


def test_it_hides_names_from_a_chair_who_does_not_arrange_support(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    deborah = client_for(cast.chair)
    plan = deborah.get(plan_url(meeting)).content.decode()
    assert "1 person with lived experience" in plan  # she leads, so she sees the plan
    shown = deborah.post(plan_url(meeting, "access_plan_people"), {"purpose": "meeting"})
    html = shown.content.decode()
    assert "Amira" not in html
    assert "1 person whose requirements you may not see" in html
    assert not AuditEvent.objects.filter(action="access.viewed").exists()


def test_it_allows_one_reason_per_need_and_lets_it_be_changed_and_removed(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    loop = need_type("hearing-loop")
    url = plan_url(meeting, "unmet_reason", need_type_pk=loop.pk)
    grace = client_for(cast.coordinator)
    grace.post(url, {"reason": "Listed building.", "offered_instead": "Video."})
    grace.post(
        url,
        {"reason": "Listed building, no portable loop.", "offered_instead": "Video.", "version": 1},
    )
    reason = UnmetNeedReason.objects.get(meeting=meeting)
    assert reason.reason == "Listed building, no portable loop."
    remove = plan_url(meeting, "unmet_reason_remove", need_type_pk=loop.pk)
    assert "Remove the reason" in grace.get(remove).content.decode()
    grace.post(remove)
    assert not UnmetNeedReason.objects.exists()
    # A need that is met needs no reason.
    step_free = plan_url(meeting, "unmet_reason", need_type_pk=need_type("step-free").pk)
    assert grace.get(step_free).status_code == 302


def test_it_keeps_the_plan_of_a_held_meeting_as_it_was(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    Meeting.objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.CANCELLED, cancelled_at=timezone.now()
    )
    grace = client_for(cast.coordinator)
    response = grace.post(plan_url(meeting, "arrangement_add"), {"kind": "portable_loop"})
    assert response.status_code == 302
    assert not Arrangement.objects.exists()
    assert "Book support" not in grace.get(plan_url(meeting)).content.decode()


def test_it_keeps_other_projects_meetings_out_of_reach(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    arrangement = Arrangement.objects.create(meeting=meeting, kind=ArrangementKind.PORTABLE_LOOP)
    olu = client_for(cast.outsider)
    assert olu.get(plan_url(meeting)).status_code == 404
    url = plan_url(meeting, "arrangement_edit", arrangement_pk=arrangement.pk)
    assert olu.post(url, {"kind": "captioner"}).status_code == 404
    other = a_meeting(cast, venue=old_library(name="Another room"))
    wrong = plan_url(other, "arrangement_edit", arrangement_pk=arrangement.pk)
    assert client_for(cast.coordinator).get(wrong).status_code == 404


def test_it_renders_the_plan_page_in_the_same_queries_whatever_the_numbers(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast)
    grace = client_for(cast.coordinator)
    codes = ["hearing-loop", "bsl-interpreter", "regular-breaks", "easy-read", "dietary"]

    def add_people(start: int, count: int) -> None:
        for n in range(start, start + count):
            user = User.objects.create_user(f"q{n}@example.org", "pw", full_name=f"Person {n}")
            Membership.objects.create(
                project=cast.website, user=user, member_type=[*MemberType.values][n % 5]
            )
            for code in codes:
                give_need(user, code, "45" if code == "regular-breaks" else "")
            invite(meeting, user, way=[*AttendanceWay.values][n % 4])
            Arrangement.objects.create(meeting=meeting, kind=ArrangementKind.CATERING)

    add_people(0, 2)
    grace.get(plan_url(meeting))
    with CaptureQueriesContext(connection) as few:
        grace.get(plan_url(meeting))
    add_people(2, 25)
    with CaptureQueriesContext(connection) as many:
        response = grace.get(plan_url(meeting))
    assert response.status_code == 200
    assert len(many) == len(few) <= 15


def test_it_says_on_the_meeting_page_whether_the_access_plan_is_complete(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    detail = reverse("meetings:detail", args=[meeting.pk])
    page = client_for(cast.carer).get(detail).content.decode()
    assert "Access plan not complete" in page
    assert f'href="{plan_url(meeting)}"' in page  # the tab and the link
    assert "Hearing loop" not in page
    Arrangement.objects.create(meeting=meeting, kind=ArrangementKind.PORTABLE_LOOP, confirmed=True)
    assert "Access plan complete" in client_for(cast.carer).get(detail).content.decode()


def test_it_explains_when_two_people_record_a_reason_for_the_same_need_at_once(
    cast: Cast,
) -> None:
    meeting = meeting_with_unmet_loop(cast)
    # Deborah saves hers between Grace opening the form and sending it.
    UnmetNeedReason.objects.create(
        meeting=meeting,
        need_type=need_type("hearing-loop"),
        reason="Listed building.",
        offered_instead="Video.",
    )
    reason = UnmetNeedReason(
        meeting=meeting, need_type=need_type("hearing-loop"), reason="Mine.", offered_instead="X"
    )
    with pytest.raises(access_services.AccessPlanError, match="at the same moment"):
        access_services.unmet_reason_save(reason=reason, actor=cast.coordinator)
    assert UnmetNeedReason.objects.get(meeting=meeting).reason == "Listed building."
