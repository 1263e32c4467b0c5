"""Who may do what with meetings. Every meeting view asks these, through meetings.lookups.

Everyone in the project sees its meetings, replies to invitations and sends written
thoughts. The people who lead the project plan meetings; minute-takers also keep the record
(attendance, minutes, contributions, decisions and actions). The chair, co-chair and
facilitators answer thoughts sent while cooling off. Venues belong to the organisation:
its coordinators keep the catalogue.
"""

from accounts.models import User
from people.models import MemberType
from projects.models import Membership, ProjectRole
from projects.policy import AnyUser, can_manage_project


def can_manage_venues(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_coordinator


def can_take_minutes(user: AnyUser, membership: Membership | None) -> bool:
    if can_manage_project(user, membership):
        return True
    return (
        membership is not None
        and membership.is_current
        and membership.role == ProjectRole.MINUTE_TAKER
    )


def can_answer_written_input(user: AnyUser, membership: Membership | None) -> bool:
    """The chair or a facilitator considers each thought sent after the meeting."""
    if can_manage_project(user, membership):
        return True
    return (
        membership is not None
        and membership.is_current
        and membership.member_type == MemberType.FACILITATOR
    )
