"""Who may do what with proposals, decisions, actions and "you said, we did".

Everyone in the group drafts proposals, comments on them and answers decisions, whatever
their role: each voice counts once. The people who lead the group (chair, co-chair, the
project's coordinator, and the organisation's coordinators) are the decision-makers: they
respond to proposals, open and close decisions, and keep the action log and the public page.
Minute-takers also record the answers given at a meeting. An action's owner moves it on.
"""

from accounts.models import User
from decisions.models import AUTHOR_STAGES, Proposal
from meetings.policy import can_take_minutes
from projects.models import Membership
from projects.policy import AnyUser, can_manage_project


def can_take_part(user: AnyUser, membership: Membership | None) -> bool:
    """Draft, comment and answer: current members only, leaders of other groups are not."""
    return (
        isinstance(user, User)
        and user.is_active
        and membership is not None
        and membership.is_current
    )


def can_decide(user: AnyUser, membership: Membership | None) -> bool:
    return can_manage_project(user, membership)


def can_record_responses(user: AnyUser, membership: Membership | None) -> bool:
    return can_take_minutes(user, membership)


def is_author(user: AnyUser, proposal: Proposal) -> bool:
    return isinstance(user, User) and proposal.author_id == user.pk


def can_edit_proposal(user: AnyUser, membership: Membership | None, proposal: Proposal) -> bool:
    return is_author(user, proposal) or can_decide(user, membership)


def can_move_proposal(
    user: AnyUser, membership: Membership | None, proposal: Proposal, stage: str
) -> bool:
    """The author opens and revises their proposal; decision-makers take every step."""
    if can_decide(user, membership):
        return True
    return stage in AUTHOR_STAGES and is_author(user, proposal)


def can_move_action(user: AnyUser, membership: Membership | None, owner_id: int | None) -> bool:
    if can_take_minutes(user, membership):
        return True
    return isinstance(user, User) and owner_id is not None and owner_id == user.pk
