"""What the decisions tests share: a proposal at a stage, decisions by each method, a held
meeting with an agenda item."""

import datetime

from django.utils import timezone

from accounts.models import User
from conftest import Cast
from decisions.models import GroupDecision, Method, Proposal, Stage
from decisions.services import methods, proposals
from meetings.models import AgendaItem, Meeting, MeetingFormat, MeetingStatus


def at(days: int, hour: int = 12) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def a_proposal(cast: Cast, stage: str = Stage.OPEN, author: User | None = None) -> Proposal:
    """Amira's proposal, moved on to `stage` the way people would."""
    proposal = proposals.proposal_create(
        project_id=cast.website.pk,
        author=author or cast.member,
        title="Put the crisis line at the top of every page",
        theme="crisis pages",
        text="People in crisis should not have to scroll to find the number.",
    )
    paths: dict[str, list[str]] = {
        Stage.DRAFT: [],
        Stage.OPEN: [Stage.OPEN],
        Stage.RESPONDED: [Stage.OPEN, Stage.RESPONDED],
        Stage.REVISED: [Stage.OPEN, Stage.RESPONDED, Stage.REVISED],
        Stage.AGREED: [Stage.OPEN, Stage.RESPONDED, Stage.AGREED],
        Stage.NOT_AGREED: [Stage.OPEN, Stage.RESPONDED, Stage.NOT_AGREED],
        Stage.IN_PROGRESS: [Stage.OPEN, Stage.RESPONDED, Stage.AGREED, Stage.IN_PROGRESS],
        Stage.DONE: [Stage.OPEN, Stage.RESPONDED, Stage.AGREED, Stage.IN_PROGRESS, Stage.DONE],
    }
    for step in paths[stage]:
        proposals.proposal_move(
            proposal=proposal,
            actor=cast.chair,
            stage=step,
            expected_version=proposal.version,
            note="We like it." if step == Stage.RESPONDED else "",
            text="People in crisis should see the number first, on every page."
            if step == Stage.REVISED
            else None,
            timescale="By the end of June" if step == Stage.AGREED else "",
            reasons="The site cannot do it yet." if step == Stage.NOT_AGREED else "",
        )
    return proposal


def held_meeting(cast: Cast, *, cooling_off: bool = False) -> tuple[Meeting, AgendaItem]:
    """A meeting held yesterday; closed, and with its window open, if `cooling_off`."""
    meeting = Meeting.objects.create(
        project=cast.website,
        title="Crisis pages: first drafts",
        starts_at=at(-1, 10),
        ends_at=at(-1, 12),
        format=MeetingFormat.ONLINE,
        video_link="https://video.example.org/crisis",
        status=MeetingStatus.CLOSED if cooling_off else MeetingStatus.READY,
        closed_at=at(-1, 12) if cooling_off else None,
        cooling_off_ends_at=timezone.now() + datetime.timedelta(hours=20) if cooling_off else None,
    )
    item = AgendaItem.objects.create(meeting=meeting, title="The crisis page", minutes=30)
    return meeting, item


def a_decision(
    cast: Cast, method: str = Method.CONSENSUS, *, at_meeting: bool = False, **fields: object
) -> GroupDecision:
    if at_meeting:
        meeting, item = held_meeting(cast)
        decision = GroupDecision(
            project=cast.website,
            question="Do we put the crisis line at the top?",
            method=method,
            meeting=meeting,
            agenda_item=item,
            **fields,
        )
    else:
        decision = GroupDecision(
            project=cast.website,
            question="Do we put the crisis line at the top?",
            method=method,
            closes_at=timezone.now() + datetime.timedelta(days=7),
            **fields,
        )
    methods.decision_open(decision=decision, actor=cast.chair)
    return decision


def close_seen(decision: GroupDecision) -> dict[str, int]:
    """What the page to record the outcome carries: the version and the answers it counted."""
    stored = GroupDecision.objects.get(pk=decision.pk)
    return {"version": stored.version, "answers": stored.responses.count()}
