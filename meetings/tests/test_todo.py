"""What the home page lists from meetings: each person's own next steps, and their leaders'."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conftest import Cast, client_for
from coproduce.lib.todo import Urgency
from meetings import todo
from meetings.models import (
    ActionPoint,
    Availability,
    CheckReceipt,
    DateAnswer,
    DateOption,
    InputKind,
    Invitee,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    NoticeWay,
    PaperFormat,
    PaperNotice,
    Reply,
    WrittenInput,
)
from meetings.tests.access_helpers import give_need
from meetings.tests.preparation import a_meeting, a_paper, invite, media  # noqa: F401
from projects.models import Membership


def texts(user: User) -> list[str]:
    return [str(item.text) for item in todo.todos_for(user)]


def held(cast: Cast, *, cooling_off_days: int) -> Meeting:
    now = timezone.now()
    return a_meeting(
        cast,
        days=-3,
        status=MeetingStatus.CLOSED,
        closed_at=now - datetime.timedelta(days=3),
        cooling_off_ends_at=now + datetime.timedelta(days=cooling_off_days),
    )


def test_it_asks_amira_to_reply_until_she_does(cast: Cast) -> None:
    meeting = a_meeting(cast, days=5, status=MeetingStatus.READY, ready_at=timezone.now())
    [amira] = invite(meeting, cast.member)

    [item] = todo.todos_for(cast.member)
    assert "Say whether you are coming to Testing the crisis pages" in str(item.text)
    assert item.url == f"/meetings/{meeting.pk}/"
    assert item.project == cast.website
    assert item.urgency == Urgency.SOON

    amira.reply, amira.way = Reply.COMING, "in_person"
    amira.save()
    assert texts(cast.member) == []


def test_it_does_not_ask_about_an_invitation_not_sent_yet(cast: Cast) -> None:
    invite(a_meeting(cast, days=5), cast.member, sent=False)
    assert texts(cast.member) == []


def test_it_asks_each_member_for_the_dates_they_can_make_until_they_answer(cast: Cast) -> None:
    meeting = a_meeting(cast, starts_at=None, ends_at=None)
    start = timezone.now() + datetime.timedelta(days=20)
    option = DateOption.objects.create(
        meeting=meeting, starts_at=start, ends_at=start + datetime.timedelta(hours=2)
    )
    assert texts(cast.carer) == ["Say which dates you can make for Testing the crisis pages"]
    DateAnswer.objects.create(option=option, user=cast.carer, answer=Availability.YES)
    assert texts(cast.carer) == []
    assert texts(cast.outsider) == []


def test_it_tells_amira_how_long_the_window_for_further_thoughts_is_open(cast: Cast) -> None:
    invite(held(cast, cooling_off_days=2), cast.member)
    [item] = todo.todos_for(cast.member)
    assert str(item.text).startswith("Add further thoughts on Testing the crisis pages until ")
    assert item.urgency == Urgency.SOON


def test_it_lists_amiras_overdue_action_first_as_late(cast: Cast) -> None:
    meeting = held(cast, cooling_off_days=-1)
    ActionPoint.objects.create(
        meeting=meeting,
        text="Send the easy read draft",
        owner=cast.member,
        due_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    ActionPoint.objects.create(
        meeting=meeting,
        text="Not for a month",
        owner=cast.member,
        due_on=timezone.localdate() + datetime.timedelta(days=30),
    )
    [item] = todo.todos_for(cast.member)
    assert "Send the easy read draft" in str(item.text)
    assert item.urgency == Urgency.OVERDUE


def test_it_tells_leaders_of_a_meeting_soon_that_is_not_ready(cast: Cast) -> None:
    meeting = a_meeting(cast, days=5)
    invite(meeting, cast.member)
    grace = texts(cast.coordinator)
    assert any("is not ready: check its access plan" in text for text in grace)
    assert "1 person has not replied about Testing the crisis pages" in grace
    # Amira is only asked to reply; a meeting a month away does not trouble the leaders yet.
    assert len(texts(cast.member)) == 1
    meeting.starts_at = timezone.now() + datetime.timedelta(days=30)
    meeting.ends_at = meeting.starts_at + datetime.timedelta(hours=2)
    meeting.save()
    assert not any("not ready" in text for text in texts(cast.chair))


def test_it_asks_the_chair_to_answer_further_thoughts_then_approve_the_minutes(
    cast: Cast,
) -> None:
    meeting = held(cast, cooling_off_days=-1)
    thought = WrittenInput.objects.create(
        meeting=meeting, author=cast.member, kind=InputKind.COOLING_OFF, text="One more thing"
    )
    assert texts(cast.chair) == ["Answer 1 further thought on Testing the crisis pages"]
    thought.considered_at, thought.response = timezone.now(), "Added to the minutes."
    thought.save()
    assert texts(cast.chair) == ["Write the minutes of Testing the crisis pages"]
    MinutesVersion.objects.create(meeting=meeting, number=1, saved_by=cast.coordinator)
    assert texts(cast.chair) == ["Approve the minutes of Testing the crisis pages"]
    assert texts(cast.clinician) == []
    meeting.minutes_approved_at = timezone.now()
    meeting.save()
    assert texts(cast.chair) == []


def test_it_says_nothing_to_the_chair_while_thoughts_can_still_come_in(cast: Cast) -> None:
    held(cast, cooling_off_days=3)
    assert texts(cast.chair) == []


def test_it_shows_nothing_of_a_group_someone_has_left(cast: Cast) -> None:
    meeting = a_meeting(cast, days=5, status=MeetingStatus.READY, ready_at=timezone.now())
    invite(meeting, cast.member)
    Membership.objects.filter(user=cast.member).update(left_at=timezone.now())
    assert texts(cast.member) == []


def test_it_asks_those_who_came_for_the_after_meeting_check_until_they_answer(
    cast: Cast,
) -> None:
    meeting = held(cast, cooling_off_days=-1)
    invite(meeting, cast.member, cast.carer)
    Invitee.objects.filter(meeting=meeting, user=cast.member).update(attended=True)
    Invitee.objects.filter(meeting=meeting, user=cast.carer).update(attended=False)
    line = "Say how Testing the crisis pages went for you: a few short questions"
    [item] = [i for i in todo.todos_for(cast.member) if str(i.text) == line]
    assert item.url == reverse("meetings:check", args=[meeting.pk])
    # Colin was not there; once Amira answers, she is not asked again.
    assert line not in texts(cast.carer)
    CheckReceipt.objects.create(meeting=meeting, user=cast.member)
    assert line not in texts(cast.member)


def test_it_asks_leaders_to_choose_a_date_once_someone_has_answered(cast: Cast) -> None:
    meeting = a_meeting(cast, starts_at=None, ends_at=None)
    option = DateOption.objects.create(
        meeting=meeting,
        starts_at=timezone.now() + datetime.timedelta(days=20),
        ends_at=timezone.now() + datetime.timedelta(days=20, hours=2),
    )
    assert not any("Choose the date" in text for text in texts(cast.chair))
    DateAnswer.objects.create(option=option, user=cast.member, answer=Availability.YES)
    assert "Choose the date for Testing the crisis pages: 1 person has answered" in texts(
        cast.coordinator
    )
    # Members answer; only leaders settle.
    assert not any("Choose the date" in text for text in texts(cast.member))


@pytest.mark.usefixtures("media")
def test_it_tells_leaders_of_papers_not_yet_in_a_format_someone_invited_needs(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast, days=20)
    invite(meeting, cast.member, cast.carer)
    a_paper(meeting, "Testing plan")
    a_paper(meeting, "Findings", formats=(PaperFormat.STANDARD, PaperFormat.EASY_READ))
    assert not any("format someone needs" in text for text in texts(cast.chair))
    give_need(cast.member, "easy-read")
    line = "1 paper for Testing the crisis pages is not yet in a format someone needs"
    [item] = [i for i in todo.todos_for(cast.coordinator) if str(i.text) == line]
    assert item.url == reverse("meetings:papers", args=[meeting.pk])
    assert line not in texts(cast.member)


@pytest.mark.usefixtures("media")
def test_it_tells_leaders_who_to_phone_about_a_late_paper_until_they_are_told(
    cast: Cast,
) -> None:
    meeting = a_meeting(cast, days=3)
    invite(meeting, cast.member, cast.clinician)
    paper = a_paper(meeting, "Testing plan", late=True)
    notice = PaperNotice.objects.create(paper=paper, user=cast.clinician, way=NoticeWay.BY_HAND)
    PaperNotice.objects.create(
        paper=paper, user=cast.member, way=NoticeWay.EMAIL, sent_at=timezone.now()
    )
    line = "1 late paper for Testing the crisis pages: some people still to phone or write to"
    assert line in texts(cast.chair)
    assert line not in texts(cast.member)
    notice.sent_at = timezone.now()
    notice.save()
    assert line not in texts(cast.chair)


@pytest.mark.usefixtures("media")
def test_it_tells_amira_of_papers_published_since_she_last_looked(cast: Cast) -> None:
    meeting = a_meeting(cast, days=5, status=MeetingStatus.READY, ready_at=timezone.now())
    [amira] = invite(meeting, cast.member)
    amira.reply, amira.way = Reply.COMING, "in_person"
    amira.save()
    assert texts(cast.member) == []

    a_paper(meeting, "Crisis pages draft")
    a_paper(meeting, "Testing plan")
    [item] = todo.todos_for(cast.member)
    assert str(item.text) == "Read the 2 new papers for Testing the crisis pages"
    assert item.url == reverse("meetings:papers", args=[meeting.pk])

    # Opening the papers page is looking at them.
    client_for(cast.member).get(item.url)
    assert texts(cast.member) == []

    later = a_paper(meeting, "Easy read summary")
    later.published_at = timezone.now() + datetime.timedelta(seconds=1)
    later.save(update_fields=["published_at"])
    assert texts(cast.member) == ["Read the new paper for Testing the crisis pages"]

    # Someone who sent apologies is not asked to read them.
    amira.reply = Reply.APOLOGIES
    amira.save()
    assert texts(cast.member) == []
