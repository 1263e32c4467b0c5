"""The home page says what to do next: one line per thing, grouped by project, most urgent
first, in the same few queries however much there is."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conftest import Cast, client_for, make_user
from coproduce.views import todo_groups
from decisions import todo as decision_todos
from decisions.models import Action, GroupDecision, Method
from decisions.tests.helpers import a_decision
from meetings.models import (
    ActionPoint,
    Availability,
    DateAnswer,
    DateOption,
    InputKind,
    Invitee,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    NoticeWay,
    Paper,
    PaperNotice,
    WrittenInput,
)
from meetings.tests.access_helpers import give_need
from meetings.tests.preparation import a_meeting, a_paper, invite, media  # noqa: F401
from payments import services as payment_services
from payments.tests.helpers import a_claim, set_rates
from people.models import AccessNeed, AccessNeedType, MemberType
from projects.models import Discussed, GroundRulesVersion, Membership, Project, ProjectRole

EMPTY = "Nothing needs you right now."
PERSONAS = [
    "administrator",
    "coordinator",
    "chair",
    "member",
    "carer",
    "clinician",
    "commissioner",
    "outsider",
    "finance",
]


def home(user: User | None, **query: str) -> str:
    return client_for(user).get(reverse("home"), query).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_says_plainly_when_nothing_needs_someone(cast: Cast, persona: str) -> None:
    response = client_for(getattr(cast, persona)).get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What to do next" in html
    assert EMPTY in html
    assert reverse("projects:list") in html


def test_it_still_shows_the_front_door_to_people_not_signed_in(cast: Cast) -> None:
    html = home(None)
    assert "Sign in" in html
    assert EMPTY not in html


def test_it_asks_amira_to_reply_and_answer_under_her_group(cast: Cast) -> None:
    meeting = a_meeting(cast, days=5, status=MeetingStatus.READY, ready_at=timezone.now())
    invite(meeting, cast.member)
    decision = a_decision(cast)
    html = home(cast.member)
    assert cast.website.name in html
    assert f'href="{reverse("meetings:detail", args=[meeting.pk])}"' in html
    assert "Say whether you are coming to Testing the crisis pages" in html
    assert f'href="{reverse("decisions:decision_detail", args=[decision.pk])}"' in html
    assert EMPTY not in html
    # Others in the group have their own lists: Colin was not invited.
    assert "Say whether you are coming" not in home(cast.carer)


def test_it_puts_a_late_action_before_everything_else(cast: Cast) -> None:
    a_decision(cast)
    meeting = a_meeting(
        cast,
        days=-10,
        status=MeetingStatus.CLOSED,
        closed_at=timezone.now(),
        cooling_off_ends_at=timezone.now(),
    )
    ActionPoint.objects.create(
        meeting=meeting,
        text="Send the easy read draft",
        owner=cast.carer,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    html = home(cast.carer)
    assert html.index("Send the easy read draft") < html.index("Give your answer")
    assert "Late" in html


def test_it_shows_the_chair_the_thoughts_to_answer_and_the_coordinator_the_meeting_to_prepare(
    cast: Cast,
) -> None:
    held = a_meeting(
        cast,
        days=-4,
        title="Crisis pages: first drafts",
        status=MeetingStatus.CLOSED,
        closed_at=timezone.now(),
        cooling_off_ends_at=timezone.now() - datetime.timedelta(days=1),
    )
    WrittenInput.objects.create(
        meeting=held, author=cast.member, kind=InputKind.COOLING_OFF, text="One more thing"
    )
    coming = a_meeting(cast, days=6)
    html = home(cast.chair)
    assert "Answer 1 further thought on Crisis pages: first drafts" in html
    assert reverse("meetings:cooling_off", args=[held.pk]) in html
    assert reverse("meetings:access_plan", args=[coming.pk]) in home(cast.coordinator)
    assert EMPTY in home(cast.member)


def test_it_shows_finance_the_claims_to_pay_under_payments(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    assert "Approve or send back a claim" in home(cast.chair)
    payment_services.claim_approve(claim=claim, actor=cast.chair)
    html = home(cast.finance)
    assert "Payments" in html
    assert "1 approved claim is waiting for a payment run" in html
    assert reverse("payments:finance") in html


def test_it_shows_five_lines_a_group_and_links_to_the_rest(cast: Cast, settings: object) -> None:
    for number in range(7):
        Action.objects.create(
            project=cast.website,
            text=f"Action number {number}",
            owner=cast.carer,
            due_on=timezone.localdate() + datetime.timedelta(days=number % 3),
        )
    html = home(cast.carer)
    assert html.count("Your action: Action number") == 5
    assert f'href="?group={cast.website.pk}"' in html
    assert "See all, 2 more" in html

    everything = home(cast.carer, group=str(cast.website.pk))
    assert everything.count("Your action: Action number") == 7
    assert "Back to what to do next" in everything
    # A group that is not theirs (or not there) gives the whole list.
    assert "What to do next</h1>" in home(cast.carer, group="no-such-group")


def a_busy_organisation(cast: Cast, size: int, batch: str) -> None:
    """`size` more groups Deborah chairs, each with `size` members and `size` meetings soon
    that nobody has replied to, a held meeting she came to with minutes to approve, a blocked
    action, a late paper in no format yet with people to phone, a date poll to settle, ground
    rules to agree and a decision to answer: every kind of line a leader and member sees."""
    now = timezone.now()
    month_on = now + datetime.timedelta(days=30, hours=2)
    easy_read, _created = AccessNeedType.objects.get_or_create(
        code="easy-read", defaults={"name": "Easy read", "category": "format"}
    )
    for number in range(size):
        project = Project.objects.create(name=f"Group {batch}{number}", purpose="Testing.")
        Membership.objects.create(
            project=project,
            user=cast.chair,
            member_type=MemberType.LIVED_EXPERIENCE,
            role=ProjectRole.CHAIR,
        )
        people = [
            make_user(f"person{batch}{number}-{n}@example.org", f"Person {number}-{n}")
            for n in range(size)
        ]
        Membership.objects.bulk_create(
            Membership(project=project, user=user, member_type=MemberType.CARER) for user in people
        )
        for n in range(size):
            starts = now + datetime.timedelta(days=3, hours=n)
            meeting = Meeting.objects.create(
                project=project,
                title=f"Meeting {n}",
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=1),
            )
            invite(meeting, *people)
        held = Meeting.objects.create(
            project=project,
            title="Held",
            starts_at=now - datetime.timedelta(days=5),
            ends_at=now - datetime.timedelta(days=5, hours=-1),
            status=MeetingStatus.CLOSED,
            closed_at=now - datetime.timedelta(days=5),
            cooling_off_ends_at=now - datetime.timedelta(days=1),
        )
        MinutesVersion.objects.create(meeting=held, number=1)
        # Deborah came to the held meeting, so its check is hers to answer.
        Invitee.objects.create(
            meeting=held, user=cast.chair, member_type=MemberType.LIVED_EXPERIENCE, attended=True
        )
        Action.objects.create(
            project=project, text="Blocked", status="blocked", barrier="Waiting", owner=people[0]
        )
        # Someone invited needs easy read; a late paper is in no format yet, and one person
        # takes no email.
        AccessNeed.objects.bulk_create(
            AccessNeed(user=user, need_type=easy_read) for user in people
        )
        paper = Paper.objects.create(meeting=meeting, title="Late paper", late=True)
        PaperNotice.objects.bulk_create(
            PaperNotice(paper=paper, user=user, way=NoticeWay.BY_HAND) for user in people
        )
        # A date poll someone has answered, waiting for a date to be chosen.
        poll = Meeting.objects.create(project=project, title="Finding a date")
        option = DateOption.objects.create(
            meeting=poll, starts_at=month_on - datetime.timedelta(hours=2), ends_at=month_on
        )
        DateAnswer.objects.bulk_create(
            DateAnswer(option=option, user=user, answer=Availability.YES) for user in people
        )
        GroundRulesVersion.objects.create(
            project=project,
            number=1,
            text="Listen.",
            change_note="First.",
            discussed=Discussed.AT_MEETING,
        )
        GroupDecision.objects.create(
            project=project, question="Which day?", method=Method.CONSENSUS, closes_at=month_on
        )


# A piece of each kind of line Deborah has in every busy group.
KINDS_IN_A_BUSY_GROUP = (
    "is not ready: check its access plan",
    "people have not replied about Meeting",
    "Approve the minutes of Held",
    "Say how Held went for you",
    "Blocked action: Blocked",
    "not yet in a format someone needs",
    "late paper for Meeting",
    "Choose the date for Finding a date",
    "Read and agree to the ground rules",
    "Give your answer: Which day?",
)


def chairs_queries(cast: Cast) -> int:
    client = client_for(cast.chair)
    client.get(reverse("home"))  # the session and the organisation are fetched once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("home")).status_code == 200
    return len(captured)


def test_it_uses_the_same_few_queries_for_2_or_20_groups_meetings_and_members(
    cast: Cast,
) -> None:
    a_busy_organisation(cast, 2, "a")
    few = chairs_queries(cast)
    lines = " | ".join(str(t.text) for group in todo_groups(cast.chair) for t in group.todos)
    for kind in KINDS_IN_A_BUSY_GROUP:
        assert kind in lines, kind
    a_busy_organisation(cast, 20, "b")
    assert chairs_queries(cast) == few
    assert few <= 15, few


@pytest.mark.usefixtures("media")
def test_it_groups_graces_work_by_project_with_the_most_urgent_group_first(cast: Cast) -> None:
    later = a_meeting(cast, days=12, title="Website catch-up")
    invite(later, cast.member)
    a_paper(later, "Draft pages")
    give_need(cast.member, "easy-read")
    soon = Meeting.objects.create(
        project=cast.employment,
        title="Employment planning",
        starts_at=timezone.now() + datetime.timedelta(days=2),
        ends_at=timezone.now() + datetime.timedelta(days=2, hours=2),
    )
    html = home(cast.coordinator)
    employment = html.index(f'id="group-{cast.employment.pk}"')
    website = html.index(f'id="group-{cast.website.pk}"')
    assert employment < website
    assert reverse("meetings:access_plan", args=[soon.pk]) in html[employment:website]
    assert "1 paper for Website catch-up is not yet in a format someone needs" in html
    assert f'href="{reverse("meetings:papers", args=[later.pk])}"' in html[website:]
    # Amira is asked to reply, and nothing of a leader's reaches her.
    amiras = home(cast.member)
    assert "Say whether you are coming to Website catch-up" in amiras
    assert "format someone needs" not in amiras


def test_it_asks_amira_on_her_home_page_how_the_meeting_she_came_to_went(cast: Cast) -> None:
    meeting = a_meeting(
        cast,
        days=-2,
        status=MeetingStatus.CLOSED,
        closed_at=timezone.now(),
        cooling_off_ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    invite(meeting, cast.member)
    Invitee.objects.filter(meeting=meeting).update(attended=True)
    html = home(cast.member)
    assert "Say how Testing the crisis pages went for you" in html
    assert f'href="{reverse("meetings:check", args=[meeting.pk])}"' in html
    # Colin was not there, so nothing needs him.
    assert EMPTY in home(cast.carer)


def test_it_fetches_only_the_lines_the_overview_shows_and_counts_the_rest(
    cast: Cast, settings: Any
) -> None:
    due = timezone.localdate() + datetime.timedelta(days=1)
    Action.objects.bulk_create(
        Action(project=cast.website, text=f"Website action {n}", owner=cast.coordinator, due_on=due)
        for n in range(30)
    )
    Action.objects.bulk_create(
        Action(project=cast.employment, text=f"Work action {n}", owner=cast.coordinator, due_on=due)
        for n in range(3)
    )
    Action.objects.filter(text="Website action 29").update(
        due_on=timezone.localdate() - datetime.timedelta(days=3)
    )
    lines = decision_todos.todos_for(cast.coordinator, per_project=5)
    website = [line for line in lines if line.project == cast.website]
    assert len(website) == 5
    assert sum(line.not_fetched for line in website) == 25
    # The late one is among the five fetched, so it still comes first.
    assert "Your action: Website action 29" in {str(line.text) for line in website}
    assert len([line for line in lines if line.project == cast.employment]) == 3

    html = home(cast.coordinator)
    assert html.count("Your action: Website action") == 5
    assert html.index("Website action 29") < html.index("Website action 0")
    assert "See all, 25 more" in html
    # The page for the group fetches them all, a page at a time.
    everything = home(cast.coordinator, group=str(cast.website.pk))
    assert everything.count("Your action: Website action") == min(30, settings.PAGE_SIZE)
