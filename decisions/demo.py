"""Demo proposals, decisions, actions and "you said, we did" for `manage.py demo`.

The website group has a proposal at each of several stages, a decision by each method (the
one at yesterday's meeting still provisional), a blocked action and an overdue one, and a
public "you said, we did" page. Rows are made directly, so loading the demo sends no email.
Running it twice changes nothing.
"""

import datetime

from django.utils import timezone

from accounts.models import User
from decisions.models import (
    Action,
    ChangeStatus,
    Choice,
    Comment,
    Credit,
    DecisionStatus,
    Entry,
    EntrySource,
    GroupDecision,
    Method,
    Outcome,
    Proposal,
    ProposalVersion,
    PublicPage,
    Response,
    ResponseWay,
    Stage,
)
from meetings.models import ActionStatus, AgendaItem, Meeting
from projects.models import Membership, Project

PROPOSALS = [
    # title, author, theme, the steps it went through, text
    (
        "Put the crisis line at the top of every page",
        "amira@example.org",
        "crisis pages",
        [Stage.OPEN, Stage.RESPONDED, Stage.AGREED, Stage.IN_PROGRESS],
        "When I was in crisis I could not find the number. It should be the first thing on "
        "every page, on a phone too.",
    ),
    (
        "An easy read version of the crisis pages",
        "colin@example.org",
        "easy read",
        [Stage.OPEN],
        "My son reads easy read. The crisis pages need an easy read version with pictures.",
    ),
    (
        "A night-time chat service",
        "kwame@example.org",
        "crisis pages",
        [Stage.OPEN, Stage.RESPONDED, Stage.NOT_AGREED],
        "Run a chat service from 10pm to 6am for people who cannot face a phone call.",
    ),
    (
        "Check every page in plain English",
        "deborah@example.org",
        "plain English",
        [],
        "Before a page goes live, two members read it and say where it is hard to follow.",
    ),
]
NOTES = {
    Stage.RESPONDED: "We like this. We need to check the page layout on small phones first.",
    Stage.AGREED: "By the end of next month",
    Stage.NOT_AGREED: "There is no money for staff at night this year. We will ask again in "
    "next year's budget.",
}


def _people() -> dict[str, User]:
    return {user.email: user for user in User.objects.all()}


def load(website: Project, coordinator: User) -> None:
    if Proposal.objects.filter(project=website).exists():
        return
    people = _people()
    deborah = people["deborah@example.org"]
    types = {
        m.user.email: m.member_type
        for m in Membership.objects.current().filter(project=website).select_related("user")
    }
    start = timezone.now() - datetime.timedelta(days=30)
    proposals: dict[str, Proposal] = {}
    for title, author, theme, steps, text in PROPOSALS:
        proposal = Proposal.objects.create(
            project=website,
            title=title,
            theme=theme,
            text=text,
            author=people[author],
            created_at=start,
            stage_changed_at=start,
        )
        ProposalVersion.objects.create(
            proposal=proposal,
            number=1,
            stage=Stage.DRAFT,
            title=title,
            text=text,
            moved_by=people[author],
            moved_at=start,
        )
        for number, step in enumerate(steps, start=2):
            when = start + datetime.timedelta(days=3 * number)
            proposal.stage = step
            proposal.stage_changed_at = when
            if step == Stage.AGREED:
                proposal.timescale = NOTES[step]
            if step == Stage.NOT_AGREED:
                proposal.reasons = NOTES[step]
            proposal.save()
            ProposalVersion.objects.create(
                proposal=proposal,
                number=number,
                stage=step,
                title=title,
                text=text,
                note=NOTES.get(step, ""),
                moved_by=people[author] if step == Stage.OPEN else deborah,
                moved_at=when,
            )
        proposals[title] = proposal
    easy_read = proposals["An easy read version of the crisis pages"]
    for email, text in [
        ("amira@example.org", "Yes. A video in British Sign Language would help Deaf people too."),
        ("priya@example.org", "Clinically this is sound. We can review the wording."),
        ("tom@example.org", "We can fund the first version from this year's budget."),
        ("kwame@example.org", "Pictures of real places, please, not cartoons."),
    ]:
        Comment.objects.create(
            proposal=easy_read, author=people[email], member_type=types[email], text=text
        )

    now = timezone.now()
    crisis = Meeting.objects.filter(project=website, title="Crisis pages: first drafts").first()
    item = (
        AgendaItem.objects.filter(meeting=crisis, title="What to change before testing").first()
        if crisis
        else None
    )
    at_meeting = GroupDecision.objects.create(
        project=website,
        proposal=proposals["Put the crisis line at the top of every page"],
        meeting=crisis,
        agenda_item=item,
        question="Do we put the crisis line at the top of every page before testing?",
        theme="crisis pages",
        method=Method.CONSENSUS,
        closes_at=None if crisis else now,
        status=DecisionStatus.CLOSED,
        outcome=Outcome.AGREED,
        closed_at=now - datetime.timedelta(days=1),
        closed_by=deborah,
        created_by=coordinator,
        created_at=now - datetime.timedelta(days=1),
    )
    consent = GroupDecision.objects.create(
        project=website,
        proposal=easy_read,
        question="Do we make an easy read version of the crisis pages first?",
        theme="easy read",
        method=Method.CONSENT,
        closes_at=now + datetime.timedelta(days=5),
        created_by=coordinator,
        created_at=now - datetime.timedelta(days=2),
    )
    vote = GroupDecision.objects.create(
        project=website,
        question="Which name for the site: “Riverside Mind” or “Mind Your Health”?",
        theme="the name",
        method=Method.MAJORITY,
        closes_at=now - datetime.timedelta(days=10),
        status=DecisionStatus.CLOSED,
        outcome=Outcome.AGREED,
        outcome_note="“Riverside Mind” it is.",
        closed_at=now - datetime.timedelta(days=10),
        closed_by=deborah,
        created_by=coordinator,
        created_at=now - datetime.timedelta(days=20),
    )
    answers = [
        (at_meeting, "amira@example.org", Choice.AGREE, "", ResponseWay.IN_ROOM),
        (at_meeting, "colin@example.org", Choice.AGREE, "", ResponseWay.IN_ROOM),
        (
            at_meeting,
            "priya@example.org",
            Choice.STAND_ASIDE,
            "I would like the clinical team to see it first, but I will not stand in the way.",
            ResponseWay.IN_ROOM,
        ),
        (at_meeting, "tom@example.org", Choice.AGREE, "", ResponseWay.IN_WRITING),
        (consent, "colin@example.org", Choice.CONSENT, "", ResponseWay.ONLINE),
        (consent, "priya@example.org", Choice.CONSENT, "", ResponseWay.ONLINE),
        (vote, "amira@example.org", Choice.FOR, "", ResponseWay.ONLINE),
        (vote, "colin@example.org", Choice.FOR, "", ResponseWay.ONLINE),
        (vote, "priya@example.org", Choice.AGAINST, "", ResponseWay.ONLINE),
        (vote, "tom@example.org", Choice.ABSTAIN, "", ResponseWay.IN_WRITING),
    ]
    Response.objects.bulk_create(
        Response(
            decision=decision,
            user=people[email],
            member_type=types[email],
            choice=choice,
            reason=reason,
            way=way,
            recorded_by=deborah if way != ResponseWay.ONLINE else people[email],
        )
        for decision, email, choice, reason, way in answers
    )

    today = timezone.localdate()
    Action.objects.create(
        project=website,
        decision=at_meeting,
        text="Ask the web team to add the crisis line banner to the page template.",
        owner=people["tom@example.org"],
        due_on=today + datetime.timedelta(days=14),
        status=ActionStatus.BLOCKED,
        barrier="The web team has no time until the new contract starts.",
        created_by=coordinator,
    )
    Action.objects.create(
        project=website,
        decision=vote,
        text="Buy the web address for “Riverside Mind”.",
        owner=people["colin@example.org"],
        due_on=today - datetime.timedelta(days=4),
        status=ActionStatus.IN_PROGRESS,
        created_by=coordinator,
    )
    Action.objects.create(
        project=website,
        decision=vote,
        text="Tell the printers the new name.",
        owner=people["grace@example.org"],
        due_on=today - datetime.timedelta(days=8),
        status=ActionStatus.DONE,
        done_at=now - datetime.timedelta(days=9),
        created_by=coordinator,
    )

    PublicPage.objects.create(
        project=website,
        is_published=True,
        published_at=now - datetime.timedelta(days=7),
        introduction="What people told the website group, and what has changed because of it.",
    )
    first = Entry.objects.create(
        project=website,
        source=EntrySource.PROPOSAL,
        you_said="The crisis number was hard to find, especially on a phone.",
        we_did="The group agreed to put the crisis line at the top of every page. The web "
        "team is adding it to the page template.",
        change_status=ChangeStatus.IN_PROGRESS,
        decision=at_meeting,
        proposal=at_meeting.proposal,
        created_by=deborah,
    )
    Credit.objects.create(
        entry=first, user=people["amira@example.org"], name_shown=True, told_at=now, answered_at=now
    )
    second = Entry.objects.create(
        project=website,
        source=EntrySource.MEETING,
        you_said="The name of the site should say where it is and what it is for.",
        we_did="The group voted for “Riverside Mind”. The printers have the new name.",
        change_status=ChangeStatus.DONE,
        decision=vote,
        created_by=deborah,
        helpful_yes=4,
        helpful_no=1,
    )
    Credit.objects.create(entry=second, user=people["colin@example.org"], told_at=now)
